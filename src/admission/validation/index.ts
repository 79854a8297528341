// validateCreate / validateUpdate for every served kind: the API server's
// strategy Validate and ValidateUpdate. Both return field errors; callers turn
// them into the 422 Invalid status with invalidError().

import type { JsonObject } from '../json.js';
import { kindKey, type KindRef } from '../kind-ref.js';
import * as apps from './apps.js';
import * as batch from './batch.js';
import * as core from './core-objects.js';
import type { FieldError } from './field-errors.js';
import * as other from './other-groups.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

type CreateValidator = (obj: JsonObject) => FieldError[];
type UpdateValidator = (obj: JsonObject, old: JsonObject) => FieldError[];

const VALIDATORS: ReadonlyMap<string, [CreateValidator, UpdateValidator]> = new Map<string, [CreateValidator, UpdateValidator]>([
  ['/Pod', [validatePodCreate, validatePodUpdate]],
  ['/Service', [validateService, validateServiceUpdate]],
  ['/Namespace', [core.validateNamespace, core.validateNamespaceUpdate]],
  ['/ConfigMap', [core.validateConfigMap, core.validateConfigMapUpdate]],
  ['/Secret', [core.validateSecret, core.validateSecretUpdate]],
  ['/ServiceAccount', [core.validateServiceAccount, core.validateServiceAccountUpdate]],
  ['/Endpoints', [core.validateEndpoints, core.validateEndpointsUpdate]],
  ['/Node', [core.validateNode, core.validateNodeUpdate]],
  ['/PersistentVolume', [core.validatePersistentVolume, core.validatePersistentVolumeUpdate]],
  ['/PersistentVolumeClaim', [core.validatePersistentVolumeClaim, core.validatePersistentVolumeClaimUpdate]],
  ['/ResourceQuota', [core.validateResourceQuota, core.validateResourceQuotaUpdate]],
  ['/LimitRange', [core.validateLimitRange, core.validateLimitRangeUpdate]],
  ['/Event', [core.validateEvent, core.validateEventUpdate]],
  ['/ReplicationController', [core.validateReplicationController, core.validateReplicationControllerUpdate]],
  ['/PodTemplate', [core.validatePodTemplate, core.validatePodTemplateUpdate]],
  ['apps/Deployment', [apps.validateDeployment, apps.validateDeploymentUpdate]],
  ['apps/ReplicaSet', [apps.validateReplicaSet, apps.validateReplicaSetUpdate]],
  ['apps/DaemonSet', [apps.validateDaemonSet, apps.validateDaemonSetUpdate]],
  ['apps/StatefulSet', [apps.validateStatefulSet, apps.validateStatefulSetUpdate]],
  ['apps/ControllerRevision', [apps.validateControllerRevision, apps.validateControllerRevisionUpdate]],
  ['batch/Job', [batch.validateJob, batch.validateJobUpdate]],
  ['batch/CronJob', [batch.validateCronJob, batch.validateCronJobUpdate]],
  ['networking.k8s.io/Ingress', [other.validateIngress, other.validateIngressUpdate]],
  ['networking.k8s.io/IngressClass', [other.validateIngressClass, other.validateIngressClassUpdate]],
  ['networking.k8s.io/NetworkPolicy', [other.validateNetworkPolicy, other.validateNetworkPolicyUpdate]],
  ['rbac.authorization.k8s.io/Role', [other.validateRole, other.validateRoleUpdate]],
  ['rbac.authorization.k8s.io/ClusterRole', [other.validateClusterRole, other.validateClusterRoleUpdate]],
  ['rbac.authorization.k8s.io/RoleBinding', [other.validateRoleBinding, other.validateRoleBindingUpdate]],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', [other.validateClusterRoleBinding, other.validateClusterRoleBindingUpdate]],
  ['storage.k8s.io/StorageClass', [other.validateStorageClass, other.validateStorageClassUpdate]],
  ['discovery.k8s.io/EndpointSlice', [other.validateEndpointSlice, other.validateEndpointSliceUpdate]],
  ['policy/PodDisruptionBudget', [other.validatePodDisruptionBudget, other.validatePodDisruptionBudgetUpdate]],
  ['scheduling.k8s.io/PriorityClass', [other.validatePriorityClass, other.validatePriorityClassUpdate]],
  ['coordination.k8s.io/Lease', [other.validateLease, other.validateLeaseUpdate]],
  ['events.k8s.io/Event', [other.validateEventsV1Event, other.validateEventsV1EventUpdate]],
]);

export interface GenericValidationOptions {
  /** Whether the kind lives in a namespace (kinds without a specific validator fall back to metadata checks). */
  namespaced?: boolean;
}

/** Field errors for an object about to be created (after defaulting). */
export function validateCreate(ref: KindRef, obj: JsonObject, options: GenericValidationOptions = {}): FieldError[] {
  const validators = VALIDATORS.get(kindKey(ref));
  if (validators !== undefined) return validators[0](obj);
  return validateObjectMeta(obj.metadata, { requiresNamespace: options.namespaced ?? true, nameValidator: nameIsDNSSubdomain });
}

/** Field errors for an update of `oldObj` into `newObj` (after defaulting). */
export function validateUpdate(ref: KindRef, newObj: JsonObject, oldObj: JsonObject): FieldError[] {
  const validators = VALIDATORS.get(kindKey(ref));
  if (validators !== undefined) return validators[1](newObj, oldObj);
  return validateObjectMetaUpdate(newObj.metadata, oldObj.metadata);
}

export function hasValidator(ref: KindRef): boolean {
  return VALIDATORS.has(kindKey(ref));
}

export { invalidError, invalidMessage, aggregateMessage, throwIfInvalid } from './invalid-error.js';
export { errorBody, errorString, type FieldError, type FieldErrorType } from './field-errors.js';
