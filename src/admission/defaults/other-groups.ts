// Defaults of the smaller groups: networking.k8s.io, rbac.authorization.k8s.io,
// storage.k8s.io, discovery.k8s.io and scheduling.k8s.io (each group's v1 defaults.go).

import { ensureObject, objectAt, objectsAt, setDefault, setDefaultString, type JsonObject } from '../json.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultNetworkPolicy(policy: JsonObject): void {
  const spec = ensureObject(policy, 'spec');
  const types = spec.policyTypes;
  if (!Array.isArray(types) || types.length === 0) {
    // No policyTypes means Ingress, plus Egress when egress rules are given.
    const egress = spec.egress;
    spec.policyTypes = Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const direction of ['ingress', 'egress']) {
    for (const [rule] of objectsAt(spec, direction)) for (const [port] of objectsAt(rule, 'ports')) setDefault(port, 'protocol', 'TCP');
  }
}

export function defaultIngressClass(ingressClass: JsonObject): void {
  const parameters = objectAt(objectAt(ingressClass, 'spec'), 'parameters');
  if (parameters !== undefined) setDefault(parameters, 'scope', 'Cluster');
}

function defaultSubjects(binding: JsonObject): void {
  for (const [subject] of objectsAt(binding, 'subjects')) {
    const apiGroup = subject.apiGroup;
    if (apiGroup !== undefined && apiGroup !== null && apiGroup !== '') continue;
    // Service accounts live in the core group; '' is omitted on the wire.
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

/** RoleBinding and ClusterRoleBinding: roleRef.apiGroup and subjects' apiGroup. */
export function defaultRoleBinding(binding: JsonObject): void {
  setDefaultString(ensureObject(binding, 'roleRef'), 'apiGroup', RBAC_GROUP);
  defaultSubjects(binding);
}

export function defaultStorageClass(storageClass: JsonObject): void {
  setDefault(storageClass, 'reclaimPolicy', 'Delete');
  setDefault(storageClass, 'volumeBindingMode', 'Immediate');
}

export function defaultEndpointSlice(slice: JsonObject): void {
  for (const [port] of objectsAt(slice, 'ports')) {
    setDefault(port, 'name', '');
    setDefault(port, 'protocol', 'TCP');
  }
}

export function defaultPriorityClass(priorityClass: JsonObject): void {
  setDefault(priorityClass, 'preemptionPolicy', 'PreemptLowerPriority');
}
