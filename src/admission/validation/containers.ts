// Container checks shared by regular, init and ephemeral containers
// (validateContainerCommon and its helpers in pkg/apis/core/validation):
// name, image, ports, env, volume mounts, pull policy, resources, probes.

import { arrayAt, isObject, isSet, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from '../json.js';
import { duplicate, forbidden, invalid, IS_NEGATIVE_ERROR_MSG, notFound, notSupported, required, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from './names.js';
import { validateContainerResources } from './resources.js';

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

export function validateDNS1123LabelField(value: string, p: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(p, value, msg));
}

/** An IntOrString port: a number in 1..65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, p: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(p, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(p, port, msg));
  return isValidPortNum(0).map((msg) => invalid(p, 0, msg));
}

function validateContainerPorts(ports: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (Array.isArray(ports) ? ports : []).forEach((port, i) => {
    const ip = p.index(i);
    const name = stringAt(port, 'name') ?? '';
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(ip.child('name'), name, msg));
      else if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      else names.add(name);
    }
    const containerPort = numberAt(port, 'containerPort') ?? 0;
    if (containerPort === 0) errs.push(required(ip.child('containerPort')));
    else for (const msg of isValidPortNum(containerPort)) errs.push(invalid(ip.child('containerPort'), containerPort, msg));
    const hostPort = numberAt(port, 'hostPort') ?? 0;
    if (hostPort !== 0) for (const msg of isValidPortNum(hostPort)) errs.push(invalid(ip.child('hostPort'), hostPort, msg));
    const protocol = stringAt(port, 'protocol') ?? '';
    if (protocol.length === 0) errs.push(required(ip.child('protocol')));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) errs.push(notSupported(ip.child('protocol'), protocol, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

/** Host ports may not repeat (protocol/hostIP/port) across the given containers. */
export function checkHostPortConflicts(containers: readonly JsonObject[], p: FieldPath, seen: Set<string> = new Set()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((container, ci) => {
    (arrayAt(container, 'ports') ?? []).forEach((port, pi) => {
      const hostPort = numberAt(port, 'hostPort') ?? 0;
      if (hostPort === 0) return;
      const key = `${stringAt(port, 'protocol') ?? ''}/${stringAt(port, 'hostIP') ?? ''}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(p.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateKeySelector(selector: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringAt(selector, 'name') ?? '';
  for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(p.child('name'), name, msg));
  const key = stringAt(selector, 'key') ?? '';
  if (key.length === 0) errs.push(required(p.child('key')));
  else for (const msg of isConfigMapKey(key)) errs.push(invalid(p.child('key'), key, msg));
  return errs;
}

function validateEnvVarValueFrom(env: JsonObject, p: FieldPath): FieldError[] {
  const valueFrom = objectAt(env, 'valueFrom');
  if (valueFrom === undefined) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  const fieldRef = objectAt(valueFrom, 'fieldRef');
  if (fieldRef !== undefined) {
    sources++;
    if ((stringAt(fieldRef, 'apiVersion') ?? '') === '') errs.push(required(p.child('fieldRef', 'apiVersion')));
    if ((stringAt(fieldRef, 'fieldPath') ?? '') === '') errs.push(required(p.child('fieldRef', 'fieldPath')));
  }
  const resourceFieldRef = objectAt(valueFrom, 'resourceFieldRef');
  if (resourceFieldRef !== undefined) {
    sources++;
    if ((stringAt(resourceFieldRef, 'resource') ?? '') === '') errs.push(required(p.child('resourceFieldRef', 'resource')));
  }
  const configMapKeyRef = objectAt(valueFrom, 'configMapKeyRef');
  if (configMapKeyRef !== undefined) {
    sources++;
    errs.push(...validateKeySelector(configMapKeyRef, p.child('configMapKeyRef')));
  }
  const secretKeyRef = objectAt(valueFrom, 'secretKeyRef');
  if (secretKeyRef !== undefined) {
    sources++;
    errs.push(...validateKeySelector(secretKeyRef, p.child('secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if ((stringAt(env, 'value') ?? '') !== '') errs.push(invalid(p, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(envs: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(envs) ? envs : []).forEach((env, i) => {
    const ip = p.index(i);
    if (!isObject(env)) return;
    const name = stringAt(env, 'name') ?? '';
    if (name.length === 0) errs.push(required(ip.child('name')));
    for (const msg of isRelaxedEnvVarName(name)) errs.push(invalid(ip.child('name'), name, msg));
    errs.push(...validateEnvVarValueFrom(env, ip.child('valueFrom')));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (Array.isArray(mounts) ? mounts : []).forEach((mount, i) => {
    const ip = p.index(i);
    const name = stringAt(mount, 'name') ?? '';
    const mountPath = stringAt(mount, 'mountPath') ?? '';
    if (name.length === 0) errs.push(required(ip.child('name')));
    if (!volumes.has(name)) errs.push(notFound(ip.child('name'), name));
    if (mountPath.length === 0) errs.push(required(ip.child('mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(ip.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    const subPath = stringAt(mount, 'subPath') ?? '';
    if (subPath.length > 0) errs.push(...validateLocalDescendingPath(subPath, p.child('subPath')));
  });
  return errs;
}

/** A relative path that stays below its root: not absolute, no '..' element. */
export function validateLocalDescendingPath(target: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(p, target, 'must be a relative path'));
  if (target.split(/[\\/]/).includes('..')) errs.push(invalid(p, target, "must not contain '..'"));
  return errs;
}

function validateHandler(handler: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(handler)) return errs;
  let handlers = 0;
  const more = (name: string): boolean => {
    if (handlers > 0) {
      errs.push(forbidden(p.child(name), 'may not specify more than 1 handler type'));
      return false;
    }
    handlers++;
    return true;
  };
  if (isSet(handler, 'exec') && more('exec')) {
    const command = arrayAt(objectAt(handler, 'exec'), 'command') ?? [];
    if (command.length === 0) errs.push(required(p.child('exec', 'command')));
  }
  if (isSet(handler, 'httpGet') && more('httpGet')) {
    const httpGet = objectAt(handler, 'httpGet') ?? {};
    const hp = p.child('httpGet');
    if ((stringAt(httpGet, 'path') ?? '') === '') errs.push(required(hp.child('path')));
    errs.push(...validatePortNumOrName(httpGet.port, hp.child('port')));
    const scheme = stringAt(httpGet, 'scheme') ?? '';
    if (!HTTP_SCHEMES.includes(scheme)) errs.push(notSupported(hp.child('scheme'), scheme, HTTP_SCHEMES));
  }
  if (isSet(handler, 'tcpSocket') && more('tcpSocket')) errs.push(...validatePortNumOrName(objectAt(handler, 'tcpSocket')?.port, p.child('tcpSocket', 'port')));
  if (isSet(handler, 'grpc') && more('grpc')) {
    const port = numberAt(objectAt(handler, 'grpc'), 'port') ?? 0;
    for (const msg of isValidPortNum(port)) errs.push(invalid(p.child('grpc', 'port'), port, msg));
  }
  if (isSet(handler, 'sleep') && more('sleep')) {
    const seconds = numberAt(objectAt(handler, 'sleep'), 'seconds') ?? 0;
    if (seconds < 0) errs.push(invalid(p.child('sleep', 'seconds'), seconds, 'must be non-negative'));
  }
  if (handlers === 0) errs.push(required(p, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, kind: 'liveness' | 'readiness' | 'startup', p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(probe)) return errs;
  errs.push(...validateHandler(probe, p));
  for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const value = numberAt(probe, field) ?? 0;
    if (value < 0) errs.push(invalid(p.child(field), value, IS_NEGATIVE_ERROR_MSG));
  }
  const grace = numberAt(probe, 'terminationGracePeriodSeconds');
  if (grace !== undefined && grace <= 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  if (kind === 'readiness' && grace !== undefined) errs.push(invalid(p.child('terminationGracePeriodSeconds'), grace, 'must not be set for readinessProbes'));
  const success = numberAt(probe, 'successThreshold') ?? 0;
  if (kind !== 'readiness' && success !== 1) errs.push(invalid(p.child('successThreshold'), success, 'must be 1'));
  return errs;
}

export function validateLifecycle(lifecycle: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const handler = objectAt(lifecycle, hook);
    if (handler !== undefined) errs.push(...validateHandler(handler, p.child(hook)));
  }
  return errs;
}

export function validateProbes(container: JsonObject, p: FieldPath): FieldError[] {
  return [
    ...validateProbe(container.livenessProbe, 'liveness', p.child('livenessProbe')),
    ...validateProbe(container.readinessProbe, 'readiness', p.child('readinessProbe')),
    ...validateProbe(container.startupProbe, 'startup', p.child('startupProbe')),
  ];
}

/** validateContainerCommon: what every kind of container must satisfy. */
export function validateContainerCommon(container: JsonObject, volumes: ReadonlySet<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringAt(container, 'name') ?? '';
  if (name.length === 0) errs.push(required(p.child('name')));
  else errs.push(...validateDNS1123LabelField(name, p.child('name')));
  if ((stringAt(container, 'image') ?? '').length === 0) errs.push(required(p.child('image')));
  const tmp = stringAt(container, 'terminationMessagePolicy') ?? '';
  if (tmp === '') errs.push(required(p.child('terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(p.child('terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(container.ports, p.child('ports')));
  errs.push(...validateEnv(container.env, p.child('env')));
  for (const [envFrom, i] of objectsAt(container, 'envFrom')) {
    const ep = p.child('envFrom').index(i);
    const sources = ['configMapRef', 'secretRef'].filter((k) => isSet(envFrom, k));
    if (sources.length === 0) errs.push(invalid(ep, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources.length > 1) errs.push(invalid(ep, '', 'may not have more than one field specified at a time'));
  }
  errs.push(...validateVolumeMounts(container.volumeMounts, volumes, p.child('volumeMounts')));
  const pull = stringAt(container, 'imagePullPolicy') ?? '';
  if (pull === '') errs.push(required(p.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull)) errs.push(notSupported(p.child('imagePullPolicy'), pull, PULL_POLICIES));
  errs.push(...validateContainerResources(container.resources, p.child('resources')));
  return errs;
}
