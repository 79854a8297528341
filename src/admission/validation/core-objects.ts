// Validation of the core/v1 kinds other than Pod and Service: Namespace,
// ConfigMap, Secret, ServiceAccount, Endpoints, Node, PersistentVolume,
// PersistentVolumeClaim, ResourceQuota, LimitRange, Event,
// ReplicationController and PodTemplate.

import { arrayAt, byteLength, isObject, isSet, jsonEqual, numberAt, objectAt, objectsAt, semanticEqual, stringAt, stringMapAt, type JsonObject } from '../json.js';
import { parseQuantityJson, QuantityParseError } from '../../kube/quantity.js';
import { duplicate, FIELD_IMMUTABLE_ERROR_MSG, forbidden, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, tooLong, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { goStringMap, goStruct } from './go-value.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123LabelField } from './containers.js';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue, isValidPortNum, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodTemplateSpec, podSpecDiff } from './pod.js';
import { selectorMatches } from './label-selector.js';
import { validateResourceList } from './resources.js';

/** ConfigMaps and Secrets hold at most 1 MiB of data. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

const namespaced = (obj: JsonObject): FieldError[] => validateObjectMeta(obj.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });
const clusterScoped = (obj: JsonObject): FieldError[] => validateObjectMeta(obj.metadata, { requiresNamespace: false, nameValidator: nameIsDNSSubdomain });
const metaUpdate = (obj: JsonObject, old: JsonObject): FieldError[] => validateObjectMetaUpdate(obj.metadata, old.metadata);

function nonNegative(value: number | undefined, p: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(p, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

// ---- Namespace ----

export function validateNamespace(ns: JsonObject): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { requiresNamespace: false, nameValidator: nameIsDNSLabel });
  (arrayAt(objectAt(ns, 'spec'), 'finalizers') ?? []).forEach((finalizer) => {
    const name = String(finalizer);
    const msgs = isQualifiedName(name);
    const p = path('spec', 'finalizers');
    if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(p, name, msg));
    else if (!name.includes('/') && name !== 'kubernetes') errs.push(invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  return errs;
}

export function validateNamespaceUpdate(ns: JsonObject, old: JsonObject): FieldError[] {
  return metaUpdate(ns, old);
}

// ---- ConfigMap and Secret ----

function validateDataKeys(data: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(data)) return errs;
  for (const key of Object.keys(data).sort()) for (const msg of isConfigMapKey(key)) errs.push(invalid(p.key(key), key, msg));
  return errs;
}

export function validateConfigMap(cm: JsonObject): FieldError[] {
  const errs = namespaced(cm);
  errs.push(...validateDataKeys(cm.data, path('data')));
  errs.push(...validateDataKeys(cm.binaryData, path('binaryData')));
  let total = 0;
  const data = objectAt(cm, 'data') ?? {};
  for (const [k, v] of Object.entries(data)) total += byteLength(k) + byteLength(String(v));
  for (const [key, value] of Object.entries(objectAt(cm, 'binaryData') ?? {})) {
    if (key in data) errs.push(invalid(path('binaryData').key(key), key, 'duplicate of key present in data'));
    total += byteLength(key) + Buffer.from(String(value), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(path(''), MAX_SECRET_SIZE));
  return errs;
}

function immutableDataErrors(obj: JsonObject, old: JsonObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  for (const field of fields) if (!semanticEqual(obj[field], old[field])) errs.push(forbidden(path(field), IMMUTABLE_SET));
  if (obj.immutable !== true) errs.push(forbidden(path('immutable'), IMMUTABLE_SET));
  return errs;
}

export function validateConfigMapUpdate(cm: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(cm, old), ...immutableDataErrors(cm, old, ['data', 'binaryData']), ...validateConfigMap(cm)];
}

function decodedSecretValue(data: JsonObject, key: string): Buffer | undefined {
  const value = data[key];
  return typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
}

/** Go's encoding/json error for bytes that are not a JSON document (the first problem, for the common cases). */
function jsonErrorOf(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    const trimmed = text.trimStart();
    if (trimmed.length === 0) return 'unexpected end of JSON input';
    const first = trimmed[0] ?? '';
    const literal = first === 'n' ? 'null' : first === 't' ? 'true' : first === 'f' ? 'false' : undefined;
    if (literal !== undefined) {
      for (let i = 1; i < literal.length; i++) {
        const ch = trimmed[i];
        if (ch === undefined) return 'unexpected end of JSON input';
        if (ch !== literal[i]) return `invalid character '${ch}' in literal ${literal} (expecting '${literal[i]}')`;
      }
    }
    if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
}

export function validateSecret(secret: JsonObject): FieldError[] {
  const errs = namespaced(secret);
  const data = objectAt(secret, 'data') ?? {};
  const dataPath = path('data');
  let total = 0;
  for (const key of Object.keys(data).sort()) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, msg));
    total += decodedSecretValue(data, key)?.length ?? 0;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, MAX_SECRET_SIZE));
  const type = stringAt(secret, 'type') ?? '';
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if ((stringMapAt(objectAt(secret, 'metadata'), 'annotations')?.['kubernetes.io/service-account.name'] ?? '') === '') {
        errs.push(required(path('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const bytes = decodedSecretValue(data, key);
      if (bytes === undefined) {
        errs.push(required(dataPath.key(key)));
        break;
      }
      const problem = jsonErrorOf(bytes);
      if (problem !== undefined) errs.push(invalid(dataPath.key(key), '<secret contents redacted>', problem));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        errs.push(required(dataPath.key('username')));
        errs.push(required(dataPath.key('password')));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if ((decodedSecretValue(data, 'ssh-privatekey')?.length ?? 0) === 0) errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(required(dataPath.key('tls.crt')));
      if (!('tls.key' in data)) errs.push(required(dataPath.key('tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(secret, old), ...validateSecret(secret)];
  const type = stringAt(secret, 'type') ?? '';
  if (type !== (stringAt(old, 'type') ?? '')) errs.push(invalid(path('type'), type, FIELD_IMMUTABLE_ERROR_MSG));
  errs.push(...immutableDataErrors(secret, old, ['data']));
  return errs;
}

// ---- ServiceAccount ----

export function validateServiceAccount(sa: JsonObject): FieldError[] {
  return namespaced(sa);
}

export function validateServiceAccountUpdate(sa: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(sa, old), ...validateServiceAccount(sa)];
}

// ---- Endpoints ----

export function validateEndpoints(ep: JsonObject): FieldError[] {
  const errs = namespaced(ep);
  for (const [subset, si] of objectsAt(ep, 'subsets')) {
    const sp = path('subsets').index(si);
    const addresses = arrayAt(subset, 'addresses') ?? [];
    const notReady = arrayAt(subset, 'notReadyAddresses') ?? [];
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    for (const list of ['addresses', 'notReadyAddresses']) {
      for (const [address, ai] of objectsAt(subset, list)) {
        const ip = stringAt(address, 'ip') ?? '';
        for (const msg of isValidIP(ip)) errs.push(invalid(sp.child(list).index(ai).child('ip'), ip, msg));
        const hostname = stringAt(address, 'hostname') ?? '';
        if (hostname.length > 0) errs.push(...validateDNS1123LabelField(hostname, sp.child(list).index(ai).child('hostname')));
      }
    }
    const requireName = (arrayAt(subset, 'ports') ?? []).length > 1;
    for (const [port, pi] of objectsAt(subset, 'ports')) {
      const pp = sp.child('ports').index(pi);
      const name = stringAt(port, 'name') ?? '';
      if (requireName && name.length === 0) errs.push(required(pp.child('name')));
      else if (name.length > 0) errs.push(...validateDNS1123LabelField(name, pp.child('name')));
      const num = numberAt(port, 'port') ?? 0;
      for (const msg of isValidPortNum(num)) errs.push(invalid(pp.child('port'), num, msg));
      const protocol = stringAt(port, 'protocol') ?? '';
      if (protocol.length === 0) errs.push(required(pp.child('protocol')));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) errs.push(notSupported(pp.child('protocol'), protocol, SUPPORTED_PORT_PROTOCOLS));
    }
  }
  return errs;
}

export function validateEndpointsUpdate(ep: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(ep, old), ...validateEndpoints(ep)];
}

// ---- Node ----

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(taints: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (Array.isArray(taints) ? taints : []).forEach((taint, i) => {
    const tp = p.index(i);
    const key = stringAt(taint, 'key') ?? '';
    errs.push(...validateLabelName(key, tp.child('key')));
    const value = stringAt(taint, 'value') ?? '';
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) errs.push(invalid(tp.child('value'), value, msgs.join(';')));
    const effect = stringAt(taint, 'effect') ?? '';
    if (effect.length === 0) errs.push(required(tp.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(tp.child('effect'), effect, TAINT_EFFECTS));
    const unique = `${effect}\u0000${key}`;
    if (seen.has(unique)) {
      const e = duplicate(tp, goStruct('core.Taint', taint));
      e.detail = 'taints must be unique by key and effect pair';
      errs.push(e);
    }
    seen.add(unique);
  });
  return errs;
}

export function validateNode(node: JsonObject): FieldError[] {
  const errs = clusterScoped(node);
  // Upstream reports taint errors under metadata.taints (sic); kept so messages match.
  errs.push(...validateTaints(arrayAt(objectAt(node, 'spec'), 'taints'), path('metadata', 'taints')));
  const status = objectAt(node, 'status');
  errs.push(...validateResourceList(status?.capacity, path('status', 'capacity')));
  errs.push(...validateResourceList(status?.allocatable, path('status', 'allocatable')));
  return errs;
}

export function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(node, old), ...validateTaints(arrayAt(objectAt(node, 'spec'), 'taints'), path('metadata', 'taints'))];
  const oldCIDRs = (arrayAt(objectAt(old, 'spec'), 'podCIDRs') ?? []).map(String);
  const newCIDRs = (arrayAt(objectAt(node, 'spec'), 'podCIDRs') ?? []).map(String);
  if (oldCIDRs.length > 0 && !jsonEqual(oldCIDRs, newCIDRs)) errs.push(forbidden(path('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  const oldProvider = stringAt(objectAt(old, 'spec'), 'providerID') ?? '';
  if (oldProvider.length > 0 && oldProvider !== (stringAt(objectAt(node, 'spec'), 'providerID') ?? '')) {
    errs.push(forbidden(path('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

// ---- PersistentVolume and PersistentVolumeClaim ----

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];

function validateAccessModes(modes: unknown, p: FieldPath, requiredDetail: string): FieldError[] {
  const list = (Array.isArray(modes) ? modes : []).map(String);
  if (list.length === 0) return [required(p, requiredDetail)];
  const errs: FieldError[] = [];
  for (const mode of list) if (!ACCESS_MODES.includes(mode)) errs.push(notSupported(p, mode, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(p, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validatePersistentVolume(pv: JsonObject): FieldError[] {
  const errs = clusterScoped(pv);
  const spec = objectAt(pv, 'spec') ?? {};
  const sp = path('spec');
  errs.push(...validateAccessModes(spec.accessModes, sp.child('accessModes'), ''));
  const capacity = objectAt(spec, 'capacity');
  if (capacity === undefined || Object.keys(capacity).length === 0) errs.push(required(sp.child('capacity')));
  else if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(notSupported(sp.child('capacity'), goStringMap(stringMapAt(spec, 'capacity')), ['storage']));
  errs.push(...validateResourceList(capacity, sp.child('capacity')));
  const policy = stringAt(spec, 'persistentVolumeReclaimPolicy') ?? '';
  if (policy.length > 0 && !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported(sp.child('persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  const className = stringAt(spec, 'storageClassName') ?? '';
  if (className.length > 0) for (const msg of isDNS1123Subdomain(className)) errs.push(invalid(sp.child('storageClassName'), className, msg));
  const sources = PV_SOURCES.filter((s) => isSet(spec, s));
  if (sources.length === 0) errs.push(required(sp, 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(sp.child(extra), 'may not specify more than 1 volume type'));
  const hostPath = objectAt(spec, 'hostPath');
  if (hostPath !== undefined && (stringAt(hostPath, 'path') ?? '') === '') errs.push(required(sp.child('hostPath', 'path')));
  return errs;
}

export function validatePersistentVolumeUpdate(pv: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(pv, old), ...validatePersistentVolume(pv)];
  const spec = objectAt(pv, 'spec') ?? {};
  const oldSpec = objectAt(old, 'spec') ?? {};
  // The volume source may never change (PersistentVolumeSource is immutable).
  for (const source of PV_SOURCES) {
    if (!semanticEqual(spec[source], oldSpec[source])) {
      errs.push(forbidden(path('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is forbidden once set'));
      break;
    }
  }
  if (!semanticEqual(spec.volumeMode, oldSpec.volumeMode)) errs.push(invalid(path('spec', 'volumeMode'), spec.volumeMode ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

function validatePersistentVolumeClaimSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, p.child('accessModes'), 'at least 1 access mode is required');
  const requests = objectAt(objectAt(spec, 'resources'), 'requests');
  const storagePath = p.child('resources').key('storage');
  if (requests === undefined || !('storage' in requests)) errs.push(required(storagePath));
  else {
    try {
      const q = parseQuantityJson(requests.storage);
      if (q.nanos <= 0n) errs.push(invalid(storagePath, String(requests.storage), 'must be greater than zero'));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
    }
  }
  errs.push(...validateResourceList(requests, p.child('resources', 'requests')));
  const className = stringAt(spec, 'storageClassName') ?? '';
  if (className.length > 0) for (const msg of isDNS1123Subdomain(className)) errs.push(invalid(p.child('storageClassName'), className, msg));
  const volumeMode = stringAt(spec, 'volumeMode');
  if (volumeMode !== undefined && volumeMode !== 'Block' && volumeMode !== 'Filesystem') errs.push(notSupported(p.child('volumeMode'), volumeMode, ['Block', 'Filesystem']));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: JsonObject): FieldError[] {
  return [...namespaced(pvc), ...validatePersistentVolumeClaimSpec(objectAt(pvc, 'spec') ?? {}, path('spec'))];
}

export function validatePersistentVolumeClaimUpdate(pvc: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(pvc, old), ...validatePersistentVolumeClaim(pvc)];
  const spec = structuredClone(objectAt(pvc, 'spec') ?? {});
  const oldSpec = structuredClone(objectAt(old, 'spec') ?? {});
  // A bound claim may grow its storage request and change its attributes class; nothing else.
  const bound = (stringAt(oldSpec, 'volumeName') ?? '') !== '';
  for (const s of [spec, oldSpec]) {
    if (bound) {
      const resources = objectAt(s, 'resources');
      if (resources !== undefined) delete resources.requests;
    }
    delete s.volumeAttributesClassName;
  }
  // Binding sets volumeName; a claim that had none may receive one.
  if ((stringAt(oldSpec, 'volumeName') ?? '') === '') delete spec.volumeName;
  if (!semanticEqual(spec, oldSpec)) {
    errs.push(forbidden(path('spec'), `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${podSpecDiff(oldSpec, spec).replace('core.PodSpec', 'core.PersistentVolumeClaimSpec')}`));
  }
  return errs;
}

// ---- ResourceQuota and LimitRange ----

const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

export function validateResourceQuota(quota: JsonObject): FieldError[] {
  const errs = namespaced(quota);
  const spec = objectAt(quota, 'spec');
  errs.push(...validateResourceList(spec?.hard, path('spec', 'hard')));
  (arrayAt(spec, 'scopes') ?? []).forEach((scope, i) => {
    if (!QUOTA_SCOPES.includes(String(scope))) errs.push(notSupported(path('spec', 'scopes').index(i), String(scope), QUOTA_SCOPES));
  });
  return errs;
}

export function validateResourceQuotaUpdate(quota: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...metaUpdate(quota, old), ...validateResourceQuota(quota)];
  if (!semanticEqual(objectAt(quota, 'spec')?.scopes, objectAt(old, 'spec')?.scopes)) errs.push(invalid(path('spec', 'scopes'), null, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

const LIMIT_TYPES = ['Container', 'Pod', 'PersistentVolumeClaim'];

export function validateLimitRange(limitRange: JsonObject): FieldError[] {
  const errs = namespaced(limitRange);
  for (const [item, i] of objectsAt(objectAt(limitRange, 'spec'), 'limits')) {
    const ip = path('spec', 'limits').index(i);
    const type = stringAt(item, 'type') ?? '';
    if (!LIMIT_TYPES.includes(type) && !type.includes('/')) errs.push(notSupported(ip.child('type'), type, LIMIT_TYPES));
    for (const list of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) errs.push(...validateResourceList(item[list], ip.child(list)));
  }
  return errs;
}

export function validateLimitRangeUpdate(limitRange: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(limitRange, old), ...validateLimitRange(limitRange)];
}

// ---- Event ----

export function validateEvent(event: JsonObject): FieldError[] {
  const errs = validateObjectMeta(event.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });
  const involved = objectAt(event, 'involvedObject') ?? objectAt(event, 'regarding');
  const eventNamespace = stringAt(event.metadata, 'namespace') ?? '';
  const involvedNamespace = stringAt(involved, 'namespace') ?? '';
  if (involvedNamespace.length > 0 && involvedNamespace !== eventNamespace) {
    const field = isSet(event, 'regarding') ? 'regarding' : 'involvedObject';
    errs.push(invalid(path(field, 'namespace'), involvedNamespace, 'does not match event.namespace'));
  }
  return errs;
}

export function validateEventUpdate(event: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(event, old), ...validateEvent(event)];
}

// ---- ReplicationController and PodTemplate ----

function validateReplicationControllerSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = nonNegative(numberAt(spec, 'replicas'), p.child('replicas'));
  errs.push(...nonNegative(numberAt(spec, 'minReadySeconds'), p.child('minReadySeconds')));
  const selector = stringMapAt(spec, 'selector') ?? {};
  if (Object.keys(selector).length === 0) errs.push(required(p.child('selector')));
  const template = objectAt(spec, 'template');
  if (template === undefined) errs.push(required(p.child('template')));
  else {
    const labels = stringMapAt(objectAt(template, 'metadata'), 'labels');
    if (Object.keys(selector).length > 0 && !selectorMatches({ matchLabels: selector }, labels ?? {})) {
      errs.push(invalid(p.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(template, p.child('template')));
    const policy = stringAt(objectAt(template, 'spec'), 'restartPolicy') ?? '';
    if (policy !== 'Always') errs.push(notSupported(p.child('template', 'spec', 'restartPolicy'), policy, ['Always']));
    if (isSet(objectAt(template, 'spec'), 'activeDeadlineSeconds')) {
      errs.push(forbidden(p.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
    }
  }
  return errs;
}

export function validateReplicationController(rc: JsonObject): FieldError[] {
  return [...namespaced(rc), ...validateReplicationControllerSpec(objectAt(rc, 'spec') ?? {}, path('spec'))];
}

export function validateReplicationControllerUpdate(rc: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(rc, old), ...validateReplicationControllerSpec(objectAt(rc, 'spec') ?? {}, path('spec'))];
}

export function validatePodTemplate(pt: JsonObject): FieldError[] {
  return [...namespaced(pt), ...validatePodTemplateSpec(pt.template, path('template'))];
}

export function validatePodTemplateUpdate(pt: JsonObject, old: JsonObject): FieldError[] {
  return [...metaUpdate(pt, old), ...validatePodTemplateSpec(pt.template, path('template'))];
}

