// Defaults for a PodSpec wherever it appears (Pods and every pod template),
// following k8s.io/kubernetes pkg/apis/core/v1 defaults.go and the generated
// walk in zz_generated.defaults.go: containers, ports, env, probes,
// lifecycle hooks, volumes and resource quantities.

import { ensureObject, isObject, objectAt, objectsAt, setDefault, setDefaultNumber, setDefaultString, type JsonObject } from '../json.js';
import { defaultPullPolicy } from './image.js';
import { defaultResourceList, defaultResourceRequirements } from './resources.js';

/** File mode 0644, which secret, configMap, downwardAPI and projected volumes default to. */
export const DEFAULT_VOLUME_MODE = 420;
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';

function defaultFieldRef(fieldRef: unknown): void {
  if (isObject(fieldRef)) setDefaultString(fieldRef, 'apiVersion', 'v1');
}

function defaultHTTPGet(httpGet: unknown): void {
  if (!isObject(httpGet)) return;
  setDefaultString(httpGet, 'path', '/');
  setDefaultString(httpGet, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefaultNumber(probe, 'timeoutSeconds', 1);
  setDefaultNumber(probe, 'periodSeconds', 10);
  setDefaultNumber(probe, 'successThreshold', 1);
  setDefaultNumber(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe.httpGet);
  // grpc.service is a *string defaulted to "" (a +default marker), so it always appears.
  const grpc = objectAt(probe, 'grpc');
  if (grpc !== undefined) setDefault(grpc, 'service', '');
}

function defaultLifecycle(lifecycle: unknown): void {
  if (!isObject(lifecycle)) return;
  for (const hook of ['postStart', 'preStop']) defaultHTTPGet(objectAt(lifecycle[hook], 'httpGet'));
}

/** SetDefaults_Container plus the generated walk over the container's parts. */
export function defaultContainer(container: JsonObject): void {
  setDefaultString(container, 'imagePullPolicy', defaultPullPolicy(container.image));
  setDefaultString(container, 'terminationMessagePath', TERMINATION_MESSAGE_PATH_DEFAULT);
  setDefaultString(container, 'terminationMessagePolicy', 'File');
  for (const [port] of objectsAt(container, 'ports')) setDefaultString(port, 'protocol', 'TCP');
  for (const [env] of objectsAt(container, 'env')) defaultFieldRef(objectAt(env.valueFrom, 'fieldRef'));
  // ResourceRequirements is a non-pointer struct: Go always serializes it, as {} when empty.
  defaultResourceRequirements(ensureObject(container, 'resources'));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(container[probe]);
  defaultLifecycle(container.lifecycle);
}

function defaultVolume(volume: JsonObject): void {
  // A volume naming no source is an emptyDir (SetDefaults_Volume).
  if (Object.keys(volume).every((k) => k === 'name' || volume[k] === undefined || volume[k] === null)) volume.emptyDir = {};
  const hostPath = objectAt(volume, 'hostPath');
  if (hostPath !== undefined) setDefault(hostPath, 'type', '');
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = objectAt(volume, source);
    if (s !== undefined) setDefault(s, 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  for (const [item] of objectsAt(objectAt(volume, 'downwardAPI'), 'items')) defaultFieldRef(item.fieldRef);
  for (const [source] of objectsAt(objectAt(volume, 'projected'), 'sources')) {
    for (const [item] of objectsAt(source.downwardAPI, 'items')) defaultFieldRef(item.fieldRef);
    const token = objectAt(source, 'serviceAccountToken');
    if (token !== undefined) setDefault(token, 'expirationSeconds', 3600);
  }
  const iscsi = objectAt(volume, 'iscsi');
  if (iscsi !== undefined) setDefaultString(iscsi, 'iscsiInterface', 'default');
  const rbd = objectAt(volume, 'rbd');
  if (rbd !== undefined) {
    setDefaultString(rbd, 'pool', 'rbd');
    setDefaultString(rbd, 'user', 'admin');
    setDefaultString(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = objectAt(volume, 'azureDisk');
  if (azureDisk !== undefined) {
    setDefault(azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(azureDisk, 'fsType', 'ext4');
    setDefault(azureDisk, 'readOnly', false);
    setDefault(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = objectAt(volume, 'scaleIO');
  if (scaleIO !== undefined) {
    setDefaultString(scaleIO, 'storageMode', 'ThinProvisioned');
    setDefaultString(scaleIO, 'fsType', 'xfs');
  }
  const claimSpec = objectAt(objectAt(objectAt(volume, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (claimSpec !== undefined) defaultPersistentVolumeClaimSpec(claimSpec);
}

/** SetDefaults_PersistentVolumeClaimSpec (also used by StatefulSet claim templates and ephemeral volumes). */
export function defaultPersistentVolumeClaimSpec(spec: JsonObject): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
  defaultResourceRequirements(spec.resources);
}

/** SetDefaults_PodSpec and the generated walk over volumes and containers. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefaultString(spec, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  for (const [volume] of objectsAt(spec, 'volumes')) defaultVolume(volume);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const [container] of objectsAt(spec, list)) defaultContainer(container);
  }
  defaultResourceList(spec.overhead);
  defaultResourceRequirements(spec.resources);
}

/**
 * A PodTemplateSpec inside a controller. Go serializes the template's
 * zero-valued creationTimestamp as null, which is what clients read back.
 */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isObject(template)) return;
  const metadata = ensureObject(template, 'metadata');
  if (!('creationTimestamp' in metadata)) metadata.creationTimestamp = null;
  defaultPodSpec(ensureObject(template, 'spec'));
}

/** SetDefaults_Pod: what only a Pod (not a template) gets, then the PodSpec defaults. */
export function defaultPod(pod: JsonObject): void {
  const spec = ensureObject(pod, 'spec');
  for (const list of ['containers', 'initContainers']) {
    for (const [container] of objectsAt(spec, list)) {
      const resources = objectAt(container, 'resources');
      const limits = objectAt(resources, 'limits');
      if (resources === undefined || limits === undefined) continue;
      // Requests default to limits for every resource with a limit but no request.
      const requests = ensureObject(resources, 'requests');
      for (const [key, value] of Object.entries(limits)) if (!(key in requests)) requests[key] = value;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers']) {
      for (const [container] of objectsAt(spec, list)) {
        for (const [port] of objectsAt(container, 'ports')) {
          if (port.hostPort === undefined || port.hostPort === null || port.hostPort === 0) port.hostPort = port.containerPort;
        }
      }
    }
  }
  defaultPodSpec(spec);
  const status = objectAt(pod, 'status');
  for (const list of ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses']) {
    for (const [cs] of objectsAt(status, list)) {
      defaultResourceList(cs.allocatedResources);
      defaultResourceRequirements(cs.resources);
    }
  }
}
