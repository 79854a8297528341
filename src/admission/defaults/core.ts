// Defaults for the core/v1 kinds other than Pod (pkg/apis/core/v1/defaults.go):
// Service, Namespace, Node, PersistentVolume(Claim), Endpoints, ConfigMap,
// Secret, LimitRange, ReplicationController, ResourceQuota, PodTemplate.

import { ensureObject, isObject, objectAt, objectsAt, setDefault, setDefaultString, stringAt, stringMapAt, type JsonObject } from '../json.js';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod-spec.js';
import { defaultResourceList } from './resources.js';

/** Seconds a ClientIP session sticks when the service names no timeout (3 hours). */
export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;

function isExternallyAccessible(spec: JsonObject): boolean {
  const type = spec.type;
  if (type === 'LoadBalancer' || type === 'NodePort') return true;
  const externalIPs = spec.externalIPs;
  return type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0;
}

export function defaultService(service: JsonObject): void {
  const spec = ensureObject(service, 'spec');
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = objectAt(objectAt(spec, 'sessionAffinityConfig'), 'clientIP');
    if (clientIP === undefined || clientIP.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
    }
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  for (const [port] of objectsAt(spec, 'ports')) {
    setDefaultString(port, 'protocol', 'TCP');
    // A missing (or 0, or "") targetPort is the port itself.
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec)) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') {
    setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    for (const [ingress] of objectsAt(objectAt(objectAt(service, 'status'), 'loadBalancer'), 'ingress')) {
      if (typeof ingress.ip === 'string' && ingress.ip !== '') setDefault(ingress, 'ipMode', 'VIP');
    }
  }
  // ServiceStatus is a non-pointer struct holding a non-pointer LoadBalancerStatus: Go writes {loadBalancer: {}}.
  ensureObject(ensureObject(service, 'status'), 'loadBalancer');
}

export function defaultNamespace(namespace: JsonObject): void {
  const metadata = ensureObject(namespace, 'metadata');
  const name = stringAt(metadata, 'name') ?? '';
  // Every named namespace carries its own name as a label (kubernetes.io/metadata.name).
  if (name.length > 0) ensureObject(metadata, 'labels')['kubernetes.io/metadata.name'] = name;
  setDefaultString(ensureObject(namespace, 'status'), 'phase', 'Active');
  // The namespace strategy (PrepareForCreate) adds the "kubernetes" finalizer.
  const spec = ensureObject(namespace, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
}

export function defaultNode(node: JsonObject): void {
  const status = objectAt(node, 'status');
  if (status === undefined) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if ((status.allocatable === undefined || status.allocatable === null) && isObject(status.capacity)) status.allocatable = { ...status.capacity };
}

export function defaultPersistentVolume(pv: JsonObject): void {
  const spec = ensureObject(pv, 'spec');
  setDefaultString(ensureObject(pv, 'status'), 'phase', 'Pending');
  setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  defaultResourceList(spec.capacity);
  const iscsi = objectAt(spec, 'iscsi');
  if (iscsi !== undefined) setDefaultString(iscsi, 'iscsiInterface', 'default');
  const rbd = objectAt(spec, 'rbd');
  if (rbd !== undefined) {
    setDefaultString(rbd, 'pool', 'rbd');
    setDefaultString(rbd, 'user', 'admin');
    setDefaultString(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const hostPath = objectAt(spec, 'hostPath');
  if (hostPath !== undefined) setDefault(hostPath, 'type', '');
}

export function defaultPersistentVolumeClaim(pvc: JsonObject): void {
  defaultPersistentVolumeClaimSpec(ensureObject(pvc, 'spec'));
  const status = ensureObject(pvc, 'status');
  setDefaultString(status, 'phase', 'Pending');
  defaultResourceList(status.capacity);
}

export function defaultEndpoints(endpoints: JsonObject): void {
  for (const [subset] of objectsAt(endpoints, 'subsets')) {
    for (const [port] of objectsAt(subset, 'ports')) setDefaultString(port, 'protocol', 'TCP');
  }
}

export function defaultConfigMap(configMap: JsonObject): void {
  // Go's decoder leaves data nil, but the defaulter makes it an empty map; as
  // data is omitempty, an empty map still serializes as absent.
  void configMap;
}

export function defaultSecret(secret: JsonObject): void {
  setDefaultString(secret, 'type', 'Opaque');
  // The v1 conversion folds the write-only stringData into data (overwriting
  // keys), so it is never stored nor returned.
  const stringData = objectAt(secret, 'stringData');
  if (stringData !== undefined) {
    const data = ensureObject(secret, 'data');
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

export function defaultLimitRange(limitRange: JsonObject): void {
  for (const [item] of objectsAt(objectAt(limitRange, 'spec'), 'limits')) {
    for (const list of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(item[list]);
    if (item.type !== 'Container') continue;
    const def = ensureObject(item, 'default');
    const defaultRequest = ensureObject(item, 'defaultRequest');
    // A missing default limit falls back to max; a missing default request to the default limit, then min.
    for (const [k, v] of Object.entries(objectAt(item, 'max') ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defaultRequest)) defaultRequest[k] = v;
    for (const [k, v] of Object.entries(objectAt(item, 'min') ?? {})) if (!(k in defaultRequest)) defaultRequest[k] = v;
  }
}

export function defaultReplicationController(rc: JsonObject): void {
  const spec = ensureObject(rc, 'spec');
  const template = objectAt(spec, 'template');
  const labels = stringMapAt(objectAt(template, 'metadata'), 'labels');
  // Selector and object labels come from the template's labels when absent.
  if (labels !== undefined) {
    const selector = objectAt(spec, 'selector');
    if (selector === undefined || Object.keys(selector).length === 0) spec.selector = { ...labels };
    const metadata = ensureObject(rc, 'metadata');
    const own = objectAt(metadata, 'labels');
    if (own === undefined || Object.keys(own).length === 0) metadata.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  if (template !== undefined) defaultPodTemplateSpec(template);
}

export function defaultResourceQuota(quota: JsonObject): void {
  defaultResourceList(objectAt(quota, 'spec')?.hard);
  const status = objectAt(quota, 'status');
  defaultResourceList(status?.hard);
  defaultResourceList(status?.used);
}

export function defaultPodTemplate(podTemplate: JsonObject): void {
  defaultPodTemplateSpec(ensureObject(podTemplate, 'template'));
}
