// SetDefaults for every served kind: what the API server fills in on a
// write before validation. Mutates the object in place and returns it.

import type { JsonObject } from '../json.js';
import { kindKey, type KindRef } from '../kind-ref.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaultCronJob, defaultJob } from './batch.js';
import {
  defaultConfigMap,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPodTemplate,
  defaultReplicationController,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
} from './core.js';
import {
  defaultEndpointSlice,
  defaultIngressClass,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultRoleBinding,
  defaultStorageClass,
} from './other-groups.js';
import { defaultPod } from './pod-spec.js';

type Defaulter = (obj: JsonObject) => void;

const DEFAULTERS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
  ['/Pod', defaultPod],
  ['/PodTemplate', defaultPodTemplate],
  ['/Service', defaultService],
  ['/Namespace', defaultNamespace],
  ['/Node', defaultNode],
  ['/PersistentVolume', defaultPersistentVolume],
  ['/PersistentVolumeClaim', defaultPersistentVolumeClaim],
  ['/Endpoints', defaultEndpoints],
  ['/ConfigMap', defaultConfigMap],
  ['/Secret', defaultSecret],
  ['/LimitRange', defaultLimitRange],
  ['/ReplicationController', defaultReplicationController],
  ['/ResourceQuota', defaultResourceQuota],
  ['apps/Deployment', defaultDeployment],
  ['apps/ReplicaSet', defaultReplicaSet],
  ['apps/DaemonSet', defaultDaemonSet],
  ['apps/StatefulSet', defaultStatefulSet],
  ['batch/Job', defaultJob],
  ['batch/CronJob', defaultCronJob],
  ['networking.k8s.io/NetworkPolicy', defaultNetworkPolicy],
  ['networking.k8s.io/IngressClass', defaultIngressClass],
  ['rbac.authorization.k8s.io/RoleBinding', defaultRoleBinding],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', defaultRoleBinding],
  ['storage.k8s.io/StorageClass', defaultStorageClass],
  ['discovery.k8s.io/EndpointSlice', defaultEndpointSlice],
  ['scheduling.k8s.io/PriorityClass', defaultPriorityClass],
]);

/** Applies the API server's defaults for the kind (a no-op for kinds without any). */
export function setDefaults<T extends JsonObject>(ref: KindRef, obj: T): T {
  DEFAULTERS.get(kindKey(ref))?.(obj);
  return obj;
}

/** Whether the kind has defaults beyond none at all (for tests and diagnostics). */
export function hasDefaults(ref: KindRef): boolean {
  return DEFAULTERS.has(kindKey(ref));
}

export { defaultPodSpec, defaultPodTemplateSpec } from './pod-spec.js';
export { generateJobSelector } from './batch.js';
export { defaultServiceIPFamilies } from './service-ip-families.js';
