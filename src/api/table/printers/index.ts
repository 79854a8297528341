// Which printer serves which kind. Kinds without one (Role, ClusterRole,
// LimitRange, ...) get the API server's default table: Name and Created At.

import { kindKey, type KindRef } from '../../../admission/kind-ref.js';
import { configMapPrinter, endpointsPrinter, eventPrinter, namespacePrinter, nodePrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from './core.js';
import {
  clusterRoleBindingPrinter,
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  networkPolicyPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  roleBindingPrinter,
  storageClassPrinter,
} from './other-groups.js';
import { podPrinter } from './pods.js';
import { componentStatusPrinter } from './component-status.js';
import type { Printer } from './printer.js';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads.js';

const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/Pod', podPrinter],
  ['/PodTemplate', podTemplatePrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', eventPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/ComponentStatus', componentStatusPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  // events.k8s.io Events share core Events' storage, and so its printer.
  ['events.k8s.io/Event', eventPrinter],
]);

export function printerFor(ref: KindRef): Printer | undefined {
  return PRINTERS.get(kindKey(ref));
}

export type { Printer, PrintedRow } from './printer.js';
