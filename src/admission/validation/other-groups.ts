// Validation of the smaller groups' kinds: networking.k8s.io (Ingress,
// IngressClass, NetworkPolicy), rbac.authorization.k8s.io, storage.k8s.io
// (StorageClass), discovery.k8s.io (EndpointSlice), policy (PodDisruptionBudget),
// scheduling.k8s.io (PriorityClass), coordination.k8s.io (Lease) and
// events.k8s.io (Event).

import { arrayAt, isObject, isSet, numberAt, objectAt, objectsAt, semanticEqual, stringAt, type JsonObject } from '../json.js';
import { FIELD_IMMUTABLE_ERROR_MSG, forbidden, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, tooLong, tooMany, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { GoLiteral, goQuote, goStringSlice, goStruct } from './go-value.js';
import { validateDNS1123LabelField } from './containers.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateLabelSelector } from './label-selector.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain, nameIsDNSSubdomain, pathSegmentName } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validateEvent } from './core-objects.js';

const namespaced = (obj: JsonObject): FieldError[] => validateObjectMeta(obj.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });
const clusterScoped = (obj: JsonObject): FieldError[] => validateObjectMeta(obj.metadata, { requiresNamespace: false, nameValidator: nameIsDNSSubdomain });
const metaUpdate = (obj: JsonObject, old: JsonObject): FieldError[] => validateObjectMetaUpdate(obj.metadata, old.metadata);
const specOf = (obj: JsonObject): JsonObject => objectAt(obj, 'spec') ?? {};

// ---- networking.k8s.io ----

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngressBackend(backend: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const service = objectAt(backend, 'service');
  const resource = objectAt(backend, 'resource');
  if (service !== undefined && resource !== undefined) return [invalid(p, '', 'cannot set both resource and service backends')];
  if (service === undefined && resource === undefined) return [invalid(p, '', 'resource or service backend is required')];
  if (service !== undefined) {
    const name = stringAt(service, 'name') ?? '';
    if (name.length === 0) errs.push(required(p.child('service', 'name')));
    else for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(p.child('service', 'name'), name, msg));
    const port = objectAt(service, 'port');
    const portName = stringAt(port, 'name') ?? '';
    const portNumber = numberAt(port, 'number') ?? 0;
    const pp = p.child('service', 'port');
    if (portName.length > 0 && portNumber !== 0) errs.push(invalid(pp, goStruct('networking.ServiceBackendPort', port), 'cannot set both port name & port number'));
    else if (portName.length > 0) for (const msg of isValidPortName(portName)) errs.push(invalid(pp.child('name'), portName, msg));
    else if (portNumber !== 0) for (const msg of isValidPortNum(portNumber)) errs.push(invalid(pp.child('number'), portNumber, msg));
    else errs.push(required(pp, 'port name or number is required'));
  }
  return errs;
}

export function validateIngress(ingress: JsonObject): FieldError[] {
  const errs = namespaced(ingress);
  const spec = specOf(ingress);
  const sp = path('spec');
  const defaultBackend = objectAt(spec, 'defaultBackend');
  const rules = arrayAt(spec, 'rules') ?? [];
  if (defaultBackend === undefined && rules.length === 0) errs.push(invalid(sp, goStruct('[]networking.IngressRule', rules), 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend !== undefined) errs.push(...validateIngressBackend(defaultBackend, sp.child('defaultBackend')));
  for (const [rule, i] of objectsAt(spec, 'rules')) {
    const rp = sp.child('rules').index(i);
    const host = stringAt(rule, 'host') ?? '';
    if (host.length > 0) {
      if (isValidIP(host).length === 0) errs.push(invalid(rp.child('host'), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const msg of msgs) errs.push(invalid(rp.child('host'), host, msg));
    }
    const http = objectAt(rule, 'http');
    if (http === undefined) continue;
    const paths = arrayAt(http, 'paths') ?? [];
    if (paths.length === 0) errs.push(required(rp.child('http', 'paths')));
    for (const [item, pi] of objectsAt(http, 'paths')) {
      const pp = rp.child('http', 'paths').index(pi);
      const pathType = stringAt(item, 'pathType') ?? '';
      const value = stringAt(item, 'path') ?? '';
      if (pathType.length === 0) errs.push(required(pp.child('pathType'), 'pathType must be specified'));
      else if (!PATH_TYPES.includes(pathType)) errs.push(notSupported(pp.child('pathType'), pathType, PATH_TYPES));
      if ((pathType === 'Exact' || pathType === 'Prefix') && !value.startsWith('/')) errs.push(invalid(pp.child('path'), value, 'must be an absolute path'));
      if (pathType === 'ImplementationSpecific' && value.length > 0 && !value.startsWith('/')) errs.push(invalid(pp.child('path'), value, 'must be an absolute path'));
      errs.push(...validateIngressBackend(objectAt(item, 'backend') ?? {}, pp.child('backend')));
    }
  }
  for (const [tls, i] of objectsAt(spec, 'tls')) {
    (arrayAt(tls, 'hosts') ?? []).forEach((host, hi) => {
      const text = String(host);
      const msgs = text.includes('*') ? isWildcardDNS1123Subdomain(text) : isDNS1123Subdomain(text);
      for (const msg of msgs) errs.push(invalid(sp.child('tls').index(i).child('hosts').index(hi), text, msg));
    });
  }
  const className = stringAt(spec, 'ingressClassName');
  if (className !== undefined) for (const msg of isDNS1123Subdomain(className)) errs.push(invalid(sp.child('ingressClassName'), className, msg));
  return errs;
}

export function validateIngressUpdate(ingress: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(ingress, old), ...validateIngress(ingress)];
}

export function validateIngressClass(ingressClass: JsonObject): FieldError[] {
  const errs = clusterScoped(ingressClass);
  const spec = specOf(ingressClass);
  const controller = stringAt(spec, 'controller') ?? '';
  const cp = path('spec', 'controller');
  if (controller.length === 0) errs.push(required(cp));
  else {
    const [host, rest] = [controller.split('/')[0] ?? '', controller.split('/').slice(1).join('/')];
    if (!controller.includes('/') || host.length === 0 || rest.length === 0) errs.push(invalid(cp, controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else for (const msg of isDNS1123Subdomain(host)) errs.push(invalid(cp, host, msg));
    if (controller.length > 250) errs.push(tooLong(cp, 250));
  }
  const parameters = objectAt(spec, 'parameters');
  if (parameters !== undefined) {
    const pp = path('spec', 'parameters');
    if ((stringAt(parameters, 'kind') ?? '') === '') errs.push(required(pp.child('kind'), 'kind is required'));
    if ((stringAt(parameters, 'name') ?? '') === '') errs.push(required(pp.child('name'), 'name is required'));
    const scope = stringAt(parameters, 'scope');
    if (scope !== undefined && scope !== 'Cluster' && scope !== 'Namespace') errs.push(notSupported(pp.child('scope'), scope, ['Cluster', 'Namespace']));
    if (scope === 'Namespace' && (stringAt(parameters, 'namespace') ?? '') === '') errs.push(required(pp.child('namespace'), '`parameters.scope` is set to "Namespace"'));
    if (scope === 'Cluster' && isSet(parameters, 'namespace')) errs.push(forbidden(pp.child('namespace'), '`parameters.scope` is set to "Cluster"'));
  }
  return errs;
}

export function validateIngressClassUpdate(ingressClass: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(ingressClass, old), ...validateIngressClass(ingressClass)];
  const controller = stringAt(specOf(ingressClass), 'controller') ?? '';
  if (controller !== (stringAt(specOf(old), 'controller') ?? '')) errs.push(invalid(path('spec', 'controller'), controller, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

export function validateNetworkPolicy(policy: JsonObject): FieldError[] {
  const errs = namespaced(policy);
  const spec = specOf(policy);
  errs.push(...validateLabelSelector(spec.podSelector, path('spec', 'podSelector')));
  (arrayAt(spec, 'policyTypes') ?? []).forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress') errs.push(notSupported(path('spec', 'policyTypes').index(i), String(type), ['Ingress', 'Egress']));
  });
  return errs;
}

export function validateNetworkPolicyUpdate(policy: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(policy, old), ...validateNetworkPolicy(policy)];
}

// ---- rbac.authorization.k8s.io ----

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: unknown, p: FieldPath, namespacedRole: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
    const rp = p.index(i);
    if ((arrayAt(rule, 'verbs') ?? []).length === 0) errs.push(required(rp.child('verbs'), 'verbs must contain at least one value'));
    const nonResourceURLs = arrayAt(rule, 'nonResourceURLs') ?? [];
    if (nonResourceURLs.length > 0) {
      if (namespacedRole) errs.push(invalid(rp.child('nonResourceURLs'), goStringSlice(nonResourceURLs.map(String)), 'namespaced rules cannot apply to non-resource URLs'));
      if ((arrayAt(rule, 'apiGroups') ?? []).length > 0 || (arrayAt(rule, 'resources') ?? []).length > 0 || (arrayAt(rule, 'resourceNames') ?? []).length > 0) {
        errs.push(invalid(rp.child('nonResourceURLs'), goStringSlice(nonResourceURLs.map(String)), 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if ((arrayAt(rule, 'apiGroups') ?? []).length === 0) errs.push(required(rp.child('apiGroups'), 'resource rules must supply at least one api group'));
    if ((arrayAt(rule, 'resources') ?? []).length === 0) errs.push(required(rp.child('resources'), 'resource rules must supply at least one resource'));
  });
  return errs;
}

const rbacMeta = (obj: JsonObject, namespacedKind: boolean): FieldError[] =>
  validateObjectMeta(obj.metadata, { requiresNamespace: namespacedKind, nameValidator: pathSegmentName });

export function validateRole(role: JsonObject): FieldError[] {
  return [...rbacMeta(role, true), ...validateRules(role.rules, path('rules'), true)];
}

export function validateClusterRole(role: JsonObject): FieldError[] {
  const errs = rbacMeta(role, false);
  const aggregation = objectAt(role, 'aggregationRule');
  if (aggregation !== undefined) {
    const selectors = arrayAt(aggregation, 'clusterRoleSelectors') ?? [];
    if (selectors.length === 0) errs.push(required(path('aggregationRule', 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, path('aggregationRule', 'clusterRoleSelectors').index(i))));
  }
  errs.push(...validateRules(role.rules, path('rules'), false));
  return errs;
}

function validateBinding(binding: JsonObject, namespacedKind: boolean): FieldError[] {
  const errs = rbacMeta(binding, namespacedKind);
  const roleRef = objectAt(binding, 'roleRef') ?? {};
  const apiGroup = stringAt(roleRef, 'apiGroup') ?? '';
  if (apiGroup !== RBAC_GROUP) errs.push(notSupported(path('roleRef', 'apiGroup'), apiGroup, [RBAC_GROUP]));
  const kind = stringAt(roleRef, 'kind') ?? '';
  const allowedKinds = namespacedKind ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!allowedKinds.includes(kind)) errs.push(notSupported(path('roleRef', 'kind'), kind, allowedKinds));
  const roleName = stringAt(roleRef, 'name') ?? '';
  if (roleName.length === 0) errs.push(required(path('roleRef', 'name')));
  else for (const msg of pathSegmentName(roleName, false)) errs.push(invalid(path('roleRef', 'name'), roleName, msg));
  for (const [subject, i] of objectsAt(binding, 'subjects')) {
    const sp = path('subjects').index(i);
    const name = stringAt(subject, 'name') ?? '';
    const subjectKind = stringAt(subject, 'kind') ?? '';
    const subjectGroup = stringAt(subject, 'apiGroup') ?? '';
    if (name.length === 0) errs.push(required(sp.child('name')));
    if (subjectKind === 'ServiceAccount') {
      if (name.length > 0) for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(sp.child('name'), name, msg));
      if (subjectGroup !== '') errs.push(notSupported(sp.child('apiGroup'), subjectGroup, ['']));
      if (!namespacedKind && (stringAt(subject, 'namespace') ?? '') === '') errs.push(required(sp.child('namespace')));
    } else if (subjectKind === 'User' || subjectKind === 'Group') {
      if (subjectGroup !== RBAC_GROUP) errs.push(notSupported(sp.child('apiGroup'), subjectGroup, [RBAC_GROUP]));
    } else {
      errs.push(notSupported(sp.child('kind'), subjectKind, ['ServiceAccount', 'User', 'Group']));
    }
  }
  return errs;
}

export const validateRoleBinding = (binding: JsonObject): FieldError[] => validateBinding(binding, true);
export const validateClusterRoleBinding = (binding: JsonObject): FieldError[] => validateBinding(binding, false);

export function validateRoleUpdate(role: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(role, old), ...validateRules(role.rules, path('rules'), true)];
}

export function validateClusterRoleUpdate(role: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(role, old), ...validateRules(role.rules, path('rules'), false)];
}

function bindingUpdate(binding: JsonObject, old: JsonObject, namespacedKind: boolean): FieldError[] {
  const errs = [...metaUpdate(binding, old), ...validateBinding(binding, namespacedKind)];
  if (!semanticEqual(binding.roleRef, old.roleRef)) {
    const ref = objectAt(binding, 'roleRef');
    const text = `rbac.RoleRef{APIGroup:${goQuote(stringAt(ref, 'apiGroup') ?? '')}, Kind:${goQuote(stringAt(ref, 'kind') ?? '')}, Name:${goQuote(stringAt(ref, 'name') ?? '')}}`;
    errs.push(invalid(path('roleRef'), new GoLiteral(text), 'cannot change roleRef'));
  }
  return errs;
}

export const validateRoleBindingUpdate = (b: JsonObject, old: JsonObject): FieldError[] => bindingUpdate(b, old, true);
export const validateClusterRoleBindingUpdate = (b: JsonObject, old: JsonObject): FieldError[] => bindingUpdate(b, old, false);

// ---- storage.k8s.io ----

export function validateStorageClass(storageClass: JsonObject): FieldError[] {
  const errs = clusterScoped(storageClass);
  const provisioner = stringAt(storageClass, 'provisioner') ?? '';
  if (provisioner.length === 0) errs.push(required(path('provisioner')));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid(path('provisioner'), provisioner, msg));
  const reclaim = stringAt(storageClass, 'reclaimPolicy');
  if (reclaim !== undefined && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(notSupported(path('reclaimPolicy'), reclaim, ['Delete', 'Retain']));
  const binding = stringAt(storageClass, 'volumeBindingMode');
  if (binding !== undefined && binding !== 'Immediate' && binding !== 'WaitForFirstConsumer') errs.push(notSupported(path('volumeBindingMode'), binding, ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

export function validateStorageClassUpdate(storageClass: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(storageClass, old), ...validateStorageClass(storageClass)];
  if (!semanticEqual(storageClass.parameters, old.parameters)) errs.push(forbidden(path('parameters'), 'updates to parameters are forbidden.'));
  if (storageClass.provisioner !== old.provisioner) errs.push(forbidden(path('provisioner'), 'updates to provisioner are forbidden.'));
  if (!semanticEqual(storageClass.reclaimPolicy, old.reclaimPolicy)) errs.push(forbidden(path('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  if (!semanticEqual(storageClass.volumeBindingMode, old.volumeBindingMode)) errs.push(invalid(path('volumeBindingMode'), storageClass.volumeBindingMode ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

// ---- discovery.k8s.io ----

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

export function validateEndpointSlice(slice: JsonObject): FieldError[] {
  const errs = namespaced(slice);
  const addressType = stringAt(slice, 'addressType') ?? '';
  if (addressType.length === 0) errs.push(required(path('addressType')));
  else if (!ADDRESS_TYPES.includes(addressType)) errs.push(notSupported(path('addressType'), addressType, ADDRESS_TYPES));
  for (const [endpoint, i] of objectsAt(slice, 'endpoints')) {
    const ep = path('endpoints').index(i);
    const addresses = (arrayAt(endpoint, 'addresses') ?? []).map(String);
    if (addresses.length === 0) errs.push(required(ep.child('addresses'), 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(tooMany(ep.child('addresses'), addresses.length, 100));
    addresses.forEach((address, ai) => {
      const ap = ep.child('addresses').index(ai);
      if (addressType === 'IPv4' || addressType === 'IPv6') for (const msg of isValidIP(address)) errs.push(invalid(ap, address, msg));
      else if (addressType === 'FQDN') for (const msg of isDNS1123Subdomain(address)) errs.push(invalid(ap, address, msg));
    });
    const hostname = stringAt(endpoint, 'hostname');
    if (hostname !== undefined) errs.push(...validateDNS1123LabelField(hostname, ep.child('hostname')));
  }
  const names = new Set<string>();
  for (const [port, i] of objectsAt(slice, 'ports')) {
    const pp = path('ports').index(i);
    const name = stringAt(port, 'name') ?? '';
    if (name.length > 0) errs.push(...validateDNS1123LabelField(name, pp.child('name')));
    if (names.has(name)) errs.push({ type: 'FieldValueDuplicate', field: pp.child('name').toString(), badValue: name, detail: '' });
    names.add(name);
    const protocol = stringAt(port, 'protocol');
    if (protocol === undefined) errs.push(required(pp.child('protocol')));
    else if (!['SCTP', 'TCP', 'UDP'].includes(protocol)) errs.push(notSupported(pp.child('protocol'), protocol, ['SCTP', 'TCP', 'UDP']));
  }
  return errs;
}

export function validateEndpointSliceUpdate(slice: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(slice, old), ...validateEndpointSlice(slice)];
  if (slice.addressType !== old.addressType) errs.push(invalid(path('addressType'), String(slice.addressType ?? ''), FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

// ---- policy ----

export function validatePodDisruptionBudget(pdb: JsonObject): FieldError[] {
  const errs = namespaced(pdb);
  const spec = specOf(pdb);
  const sp = path('spec');
  if (isSet(spec, 'minAvailable') && isSet(spec, 'maxUnavailable')) errs.push(invalid(sp, goStruct('policy.PodDisruptionBudgetSpec', spec), 'minAvailable and maxUnavailable cannot be both set'));
  if (isSet(spec, 'minAvailable')) {
    errs.push(...validatePositiveIntOrPercent(spec.minAvailable, sp.child('minAvailable')));
    errs.push(...isNotMoreThan100Percent(spec.minAvailable, sp.child('minAvailable')));
  }
  if (isSet(spec, 'maxUnavailable')) {
    errs.push(...validatePositiveIntOrPercent(spec.maxUnavailable, sp.child('maxUnavailable')));
    errs.push(...isNotMoreThan100Percent(spec.maxUnavailable, sp.child('maxUnavailable')));
  }
  errs.push(...validateLabelSelector(spec.selector, sp.child('selector')));
  const policy = stringAt(spec, 'unhealthyPodEvictionPolicy');
  if (policy !== undefined && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    errs.push(notSupported(sp.child('unhealthyPodEvictionPolicy'), policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export function validatePodDisruptionBudgetUpdate(pdb: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(pdb, old), ...validatePodDisruptionBudget(pdb)];
}

// ---- scheduling.k8s.io ----

/** User-defined priorities may not exceed one billion; above is reserved for system classes. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CLASSES: Readonly<Record<string, number>> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export function validatePriorityClass(pc: JsonObject): FieldError[] {
  const errs = clusterScoped(pc);
  const name = stringAt(pc.metadata, 'name') ?? '';
  const value = numberAt(pc, 'value') ?? 0;
  const system = SYSTEM_CLASSES[name];
  if (system !== undefined) {
    if (value !== system) errs.push(forbidden(path('metadata', 'name'), `${name} is a system priority class and can only be created by the system`));
  } else {
    if (name.startsWith('system-')) errs.push(forbidden(path('metadata', 'name'), "priority class names with 'system-' prefix are reserved"));
    if (value > HIGHEST_USER_DEFINABLE_PRIORITY) errs.push(forbidden(path('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const preemption = stringAt(pc, 'preemptionPolicy');
  if (preemption !== undefined && preemption !== 'Never' && preemption !== 'PreemptLowerPriority') {
    errs.push(notSupported(path('preemptionPolicy'), preemption, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(pc, old), ...validatePriorityClass(pc)];
  if (pc.value !== old.value) errs.push(forbidden(path('value'), 'may not be changed in an update.'));
  if (!semanticEqual(pc.preemptionPolicy, old.preemptionPolicy)) errs.push(invalid(path('preemptionPolicy'), pc.preemptionPolicy ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

// ---- coordination.k8s.io ----

export function validateLease(lease: JsonObject): FieldError[] {
  const errs = namespaced(lease);
  const spec = specOf(lease);
  const duration = numberAt(spec, 'leaseDurationSeconds');
  if (duration !== undefined && duration <= 0) errs.push(invalid(path('spec', 'leaseDurationSeconds'), duration, 'must be greater than 0'));
  const transitions = numberAt(spec, 'leaseTransitions');
  if (transitions !== undefined && transitions < 0) errs.push(invalid(path('spec', 'leaseTransitions'), transitions, IS_NEGATIVE_ERROR_MSG));
  const strategy = stringAt(spec, 'strategy');
  if (strategy !== undefined && strategy !== 'OldestEmulationVersion') errs.push(notSupported(path('spec', 'strategy'), strategy, ['OldestEmulationVersion']));
  return errs;
}

export function validateLeaseUpdate(lease: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(lease, old), ...validateLease(lease)];
}

// ---- events.k8s.io ----

export function validateEventsV1Event(event: JsonObject): FieldError[] {
  const errs = validateEvent(event);
  const reportingController = stringAt(event, 'reportingController') ?? '';
  const reportingInstance = stringAt(event, 'reportingInstance') ?? '';
  if (isSet(event, 'eventTime')) {
    if (reportingController.length === 0) errs.push(required(path('reportingController'), ''));
    if (reportingInstance.length === 0) errs.push(required(path('reportingInstance'), ''));
    if ((stringAt(event, 'action') ?? '').length === 0) errs.push(required(path('action'), ''));
    if ((stringAt(event, 'reason') ?? '').length === 0) errs.push(required(path('reason'), ''));
    const type = stringAt(event, 'type') ?? '';
    if (type !== 'Normal' && type !== 'Warning') errs.push(invalid(path('type'), type, 'has invalid value: ' + type));
  }
  if (!isObject(event.regarding) && isSet(event, 'eventTime')) errs.push(required(path('regarding')));
  return errs;
}

export function validateEventsV1EventUpdate(event: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(event, old), ...validateEventsV1Event(event)];
}
