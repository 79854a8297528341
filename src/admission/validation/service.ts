// Service validation (ValidateService, ValidateServiceUpdate): type, ports,
// selector, session affinity, cluster IP fields, node ports, and the rules
// on changing allocated cluster IPs.

import { arrayAt, isObject, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from '../json.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-errors.js';
import { path } from './field-path.js';
import { GoLiteral, goIntOrString, goQuote, goStringSlice } from './go-value.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123LabelField, validatePortNumOrName } from './containers.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
/** The kubelet's port; LoadBalancer services may not expose it. */
const KUBELET_PORT = 10250;

function specOf(service: JsonObject): JsonObject {
  return objectAt(service, 'spec') ?? {};
}

const clusterIPsOf = (spec: JsonObject): string[] => (arrayAt(spec, 'clusterIPs') ?? []).map(String);
const isHeadless = (spec: JsonObject): boolean => clusterIPsOf(spec)[0] === 'None';

function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:${goIntOrString(0).text}, NodePort:0}`,
  );
}

function validateClusterIPFields(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = stringAt(spec, 'type');
  const ips = clusterIPsOf(spec);
  const clusterIP = stringAt(spec, 'clusterIP') ?? '';
  const ipsPath = path('spec', 'clusterIPs');
  if (type === 'ExternalName') return errs;
  if (ips.length > 0 && clusterIP !== ips[0]) errs.push(invalid(ipsPath, goStringSlice(ips), 'first value must match `clusterIP`'));
  ips.forEach((ip, i) => {
    if (ip === 'None') {
      if (i !== 0 || ips.length > 1) errs.push(invalid(ipsPath.index(i), ip, "'None' must be the first and only value"));
      return;
    }
    for (const msg of isValidIP(ip)) errs.push(invalid(ipsPath.index(i), ip, msg));
  });
  const policy = stringAt(spec, 'ipFamilyPolicy');
  if (policy !== undefined && !IP_FAMILY_POLICIES.includes(policy)) errs.push(notSupported(path('spec', 'ipFamilyPolicy'), policy, IP_FAMILY_POLICIES));
  const families = (arrayAt(spec, 'ipFamilies') ?? []).map(String);
  const seen = new Set<string>();
  families.forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(path('spec', 'ipFamilies').index(i), family, IP_FAMILIES));
    if (seen.has(family)) errs.push(duplicate(path('spec', 'ipFamilies').index(i), family));
    seen.add(family);
  });
  if (families.length > 2) errs.push(invalid(path('spec', 'ipFamilies'), goStringSlice(families), 'may specify no more than one IP for each IP family, i.e 2 IPs in total'));
  return errs;
}

export function validateService(service: JsonObject): FieldError[] {
  const errs = validateObjectMeta(service.metadata, { requiresNamespace: true, nameValidator: nameIsDNS1035Label });
  const spec = specOf(service);
  const specPath = path('spec');
  const type = stringAt(spec, 'type') ?? '';
  const ports = objectsAt(spec, 'ports');
  const headless = isHeadless(spec);
  if ((arrayAt(spec, 'ports') ?? []).length === 0 && !headless && type !== 'ExternalName') errs.push(required(specPath.child('ports')));
  if (type === 'LoadBalancer') {
    if (headless) errs.push(invalid(specPath.child('clusterIPs').index(0), 'None', "may not be set to 'None' for LoadBalancer services"));
    for (const [port, i] of ports) {
      if (numberAt(port, 'port') === KUBELET_PORT) errs.push(invalid(specPath.child('ports').index(i), KUBELET_PORT, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
    }
  } else if (type === 'NodePort') {
    if (headless) errs.push(invalid(specPath.child('clusterIPs').index(0), 'None', "may not be set to 'None' for NodePort services"));
  } else if (type === 'ExternalName') {
    if (clusterIPsOf(spec).length > 0) errs.push(forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
    if ((arrayAt(spec, 'ipFamilies') ?? []).length > 0) errs.push(forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    // A trailing dot marks the name as fully qualified.
    const cname = (stringAt(spec, 'externalName') ?? '').replace(/\.$/, '');
    if (cname.length > 0) for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid(specPath.child('externalName'), cname, msg));
    else errs.push(required(specPath.child('externalName')));
  }
  const names = new Set<string>();
  const requireName = ports.length > 1;
  for (const [port, i] of ports) {
    const pp = specPath.child('ports').index(i);
    const name = stringAt(port, 'name') ?? '';
    if (requireName && name.length === 0) errs.push(required(pp.child('name')));
    else if (name.length > 0) {
      errs.push(...validateDNS1123LabelField(name, pp.child('name')));
      if (names.has(name)) errs.push(duplicate(pp.child('name'), name));
      else names.add(name);
    }
    const portNum = numberAt(port, 'port') ?? 0;
    for (const msg of isValidPortNum(portNum)) errs.push(invalid(pp.child('port'), portNum, msg));
    const protocol = stringAt(port, 'protocol') ?? '';
    if (protocol.length === 0) errs.push(required(pp.child('protocol')));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) errs.push(notSupported(pp.child('protocol'), protocol, SUPPORTED_PORT_PROTOCOLS));
    errs.push(...validatePortNumOrName(port.targetPort, pp.child('targetPort')));
    const appProtocol = stringAt(port, 'appProtocol');
    if (appProtocol !== undefined) for (const msg of isQualifiedName(appProtocol)) errs.push(invalid(pp.child('appProtocol'), appProtocol, msg));
  }
  if (isObject(spec.selector)) errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  const affinity = stringAt(spec, 'sessionAffinity') ?? '';
  if (affinity.length === 0) errs.push(required(specPath.child('sessionAffinity')));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(notSupported(specPath.child('sessionAffinity'), affinity, SESSION_AFFINITIES));
  if (affinity === 'ClientIP') {
    const timeout = numberAt(objectAt(objectAt(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds');
    const tp = specPath.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds');
    if (timeout === undefined) errs.push(required(tp));
    else if (timeout <= 0 || timeout > 86400) errs.push(invalid(tp, timeout, 'must be greater than 0 and less than 86400'));
  } else if (affinity === 'None' && isObject(spec.sessionAffinityConfig)) {
    errs.push(forbidden(specPath.child('sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPFields(spec));
  (arrayAt(spec, 'externalIPs') ?? []).forEach((ip, i) => {
    for (const msg of isValidIP(String(ip))) errs.push(invalid(specPath.child('externalIPs').index(i), String(ip), msg));
  });
  if (type.length === 0) errs.push(required(specPath.child('type')));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported(specPath.child('type'), type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    for (const [port, i] of ports) {
      if ((numberAt(port, 'nodePort') ?? 0) !== 0) errs.push(forbidden(specPath.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  const nodePorts = new Set<string>();
  for (const [port, i] of ports) {
    const nodePort = numberAt(port, 'nodePort') ?? 0;
    if (nodePort === 0) continue;
    const key = `${stringAt(port, 'protocol') ?? ''}/${nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(specPath.child('ports').index(i).child('nodePort'), nodePort));
    nodePorts.add(key);
  }
  const portKeys = new Set<string>();
  for (const [port, i] of ports) {
    const protocol = stringAt(port, 'protocol') ?? '';
    const portNum = numberAt(port, 'port') ?? 0;
    const key = `${protocol}/${portNum}`;
    if (portKeys.has(key)) errs.push(duplicate(specPath.child('ports').index(i), goServicePortKey(protocol, portNum)));
    portKeys.add(key);
  }
  const externalPolicy = stringAt(spec, 'externalTrafficPolicy') ?? '';
  if (externalPolicy !== '' && !TRAFFIC_POLICIES.includes(externalPolicy)) errs.push(notSupported(specPath.child('externalTrafficPolicy'), externalPolicy, TRAFFIC_POLICIES));
  const internalPolicy = stringAt(spec, 'internalTrafficPolicy');
  if (internalPolicy !== undefined && !TRAFFIC_POLICIES.includes(internalPolicy)) errs.push(notSupported(specPath.child('internalTrafficPolicy'), internalPolicy, TRAFFIC_POLICIES));
  return errs;
}

/** Allocated cluster IPs never change, except to or from ExternalName. */
function validateClusterIPsUpdate(service: JsonObject, oldService: JsonObject): FieldError[] {
  const spec = specOf(service);
  const oldSpec = specOf(oldService);
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const now = clusterIPsOf(spec);
  const before = clusterIPsOf(oldSpec);
  const p = path('spec', 'clusterIPs');
  const errs: FieldError[] = [];
  if (now.length === before.length) {
    before.forEach((ip, i) => {
      if (ip !== now[i]) errs.push(invalid(p.index(i), goStringSlice(now), 'may not change once set'));
    });
  } else if (before.length > now.length) {
    if (now.length === 0) errs.push(invalid(p.index(0), goStringSlice(now), 'primary clusterIP can not be unset'));
    else if (now[0] !== before[0]) errs.push(invalid(p.index(0), goStringSlice(now), 'may not change once set'));
  } else if (before.length > 0 && now[0] !== before[0]) {
    errs.push(invalid(p.index(0), goStringSlice(now), 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(service: JsonObject, oldService: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(service.metadata, oldService.metadata), ...validateClusterIPsUpdate(service, oldService), ...validateService(service)];
}
