// What the endpoints and endpointslice controllers share: which pods back a
// Service, whether they are ready, and which port each service port reaches
// on each pod (pkg/controller/endpoint, pkg/api/v1/pod FindPort).

import type { ReconcileKey } from '../queue/keys.js';
import type { ObjectChange } from '../queue/registry.js';
import type { KubeObject } from '../store/types.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
}

interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

/** A port on the endpoints side: name, number, protocol (and appProtocol when the service port has one). */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface PodEndpoint {
  pod: KubeObject;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The service ports this pod serves, resolved; empty for a headless service without ports. */
  ports: EndpointPort[];
}

export const specOf = (service: KubeObject): ServiceSpec => (service.spec ?? {}) as ServiceSpec;

/** The label selector string of a Service, or undefined when it has none (its endpoints are hand-made). */
export function serviceSelector(service: KubeObject): string | undefined {
  const selector = specOf(service).selector;
  if (selector === undefined || selector === null || Object.keys(selector).length === 0) return undefined;
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

const podSpec = (pod: KubeObject) => (pod.spec ?? {}) as { containers?: { ports?: ContainerPort[] }[]; hostname?: string; subdomain?: string; nodeName?: string };
const podStatus = (pod: KubeObject) => (pod.status ?? {}) as { phase?: string; podIP?: string; conditions?: { type?: string; status?: string }[] };

export function podIsReady(pod: KubeObject): boolean {
  return (podStatus(pod).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The container port a service port's targetPort names on this pod, by number or by port name. */
export function resolveTargetPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const container of podSpec(pod).containers ?? []) {
    for (const p of container.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol && typeof p.containerPort === 'number') return p.containerPort;
  }
  return undefined;
}

/**
 * The endpoint a pod gives a service, or undefined when it gives none: no IP
 * yet, finished, or (unless the service publishes not-ready addresses, or
 * `keepTerminating`) being deleted.
 */
export function podEndpoint(service: KubeObject, pod: KubeObject, keepTerminating: boolean): PodEndpoint | undefined {
  const status = podStatus(pod);
  const ip = status.podIP ?? '';
  if (ip === '') return undefined;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
  const spec = specOf(service);
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  if (terminating && !publishNotReady && !keepTerminating) return undefined;
  const podReady = podIsReady(pod);
  const ports: EndpointPort[] = [];
  for (const port of spec.ports ?? []) {
    const resolved = resolveTargetPort(pod, port);
    if (resolved === undefined) continue;
    ports.push({ ...(port.name ? { name: port.name } : {}), port: resolved, protocol: port.protocol ?? 'TCP', ...(port.appProtocol ? { appProtocol: port.appProtocol } : {}) });
  }
  // A pod that serves none of several ports is left out; a headless service without ports lists addresses only.
  if (ports.length === 0 && (spec.ports ?? []).length > 0) return undefined;
  return { pod, ip, ready: publishNotReady || (podReady && !terminating), serving: publishNotReady || podReady, terminating, ports };
}

export const portsKey = (ports: EndpointPort[]): string => JSON.stringify([...ports].sort(comparePorts));

export function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port || a.protocol.localeCompare(b.protocol);
}

export function targetRef(pod: KubeObject): { kind: string; namespace: string; name: string; uid: string } {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}

export function hostnameFor(service: KubeObject, pod: KubeObject): string | undefined {
  const spec = podSpec(pod);
  return spec.hostname && spec.subdomain === service.metadata.name ? spec.hostname : undefined;
}

export const nodeNameOf = (pod: KubeObject): string | undefined => podSpec(pod).nodeName || undefined;

const readyOf = (pod: KubeObject | null): boolean => (pod === null ? false : podIsReady(pod));
const relevant = (pod: KubeObject | null): string =>
  JSON.stringify([pod?.metadata.labels ?? null, podStatus(pod ?? { metadata: {} }).podIP ?? null, podStatus(pod ?? { metadata: {} }).phase ?? null, pod?.metadata.deletionTimestamp ?? null, pod?.spec ?? null]);

/**
 * A pod change concerns every Service of its namespace that selects it: it
 * maps to the namespace-wide key (`name: ''`), which the controllers expand.
 * Changes that move nothing an endpoint shows map to nothing.
 */
export function podChangeKeys(change: ObjectChange): ReconcileKey[] {
  if (change.type === 'MODIFIED' && readyOf(change.prev) === readyOf(change.object) && relevant(change.prev) === relevant(change.object)) return [];
  return [{ cluster: change.cluster, namespace: change.namespace, name: '' }];
}
