// default/kubernetes: the Service every cluster has, and its Endpoints and
// EndpointSlice pointing at the API server. Like kube-apiserver's endpoint
// reconciler, each API replica puts its own address in at start and puts the
// Service's https port back if someone changed it; the rest of the Service is
// the user's. It has no selector, so the endpoints controllers leave it alone.
import { isIPv4, isIPv6 } from 'node:net';
import { DEFAULT_SERVICE_CIDR, kubernetesServiceIP, parseServiceCIDR } from '../../admission/allocators.js';
import type { KubeObject } from '../../store/types.js';
import type { ApiEndpoint, BootstrapTarget } from './types.js';

export const KUBERNETES_SERVICE = 'kubernetes';
const NAMESPACE = 'default';
const PORT_NAME = 'https';
const SERVICE_PORT = 443;
const ATTEMPTS = 5;

/** The address a replica listening on `host` advertises: the host itself when it is one IP, else loopback. */
export function advertisedAddress(host: string): string {
  if ((isIPv4(host) && host !== '0.0.0.0') || (isIPv6(host) && host !== '::')) return host;
  return '127.0.0.1';
}

export function kubernetesService(endpoint: ApiEndpoint, serviceCidr = DEFAULT_SERVICE_CIDR): KubeObject {
  const ip = kubernetesServiceIP(parseServiceCIDR(serviceCidr));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: servicePorts(endpoint), sessionAffinity: 'None' },
  };
}

function servicePorts(endpoint: ApiEndpoint): unknown[] {
  return [{ name: PORT_NAME, port: SERVICE_PORT, protocol: 'TCP', targetPort: endpoint.port }];
}

function endpointPorts(endpoint: ApiEndpoint): unknown[] {
  return [{ name: PORT_NAME, port: endpoint.port, protocol: 'TCP' }];
}

interface Subset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean };
}

function samePorts(ports: unknown, endpoint: ApiEndpoint): boolean {
  return JSON.stringify(ports) === JSON.stringify(endpointPorts(endpoint));
}

/** The Endpoints with this replica's address in; null when it is already there. */
function endpointsWith(current: KubeObject | null, endpoint: ApiEndpoint): KubeObject | null {
  const subsets = (current?.subsets ?? []) as Subset[];
  const [subset] = subsets;
  // Replicas share the port upstream; a different one means the set is rebuilt from this replica.
  const addresses = subsets.length === 1 && subset !== undefined && samePorts(subset.ports, endpoint) ? (subset.addresses ?? []) : [];
  if (addresses.some((a) => a.ip === endpoint.address)) return null;
  const merged = [...addresses, { ip: endpoint.address }].sort((a, b) => a.ip.localeCompare(b.ip));
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    ...current,
    metadata: { ...current?.metadata, name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { ...current?.metadata.labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: merged, ports: endpointPorts(endpoint) }],
  };
}

/** The EndpointSlice with this replica's address in; null when it is already there. */
function sliceWith(current: KubeObject | null, endpoint: ApiEndpoint): KubeObject | null {
  const same = current !== null && samePorts(current.ports, endpoint);
  const endpoints = same ? ((current.endpoints ?? []) as SliceEndpoint[]) : [];
  if (endpoints.some((e) => e.addresses.includes(endpoint.address))) return null;
  const merged = [...endpoints, { addresses: [endpoint.address], conditions: { ready: true } }].sort((a, b) => (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? ''));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    ...current,
    metadata: { ...current?.metadata, name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { ...current?.metadata.labels, 'kubernetes.io/service-name': KUBERNETES_SERVICE } },
    addressType: isIPv6(endpoint.address) ? 'IPv6' : 'IPv4',
    endpoints: merged,
    ports: endpointPorts(endpoint),
  };
}

/** The Service with its https port put back; null when it is as upstream keeps it. */
function serviceWithPorts(current: KubeObject, endpoint: ApiEndpoint): KubeObject | null {
  const spec = (current.spec ?? {}) as { ports?: unknown };
  if (JSON.stringify(spec.ports) === JSON.stringify(servicePorts(endpoint))) return null;
  return { ...current, spec: { ...spec, ports: servicePorts(endpoint) } };
}

type Change = (current: KubeObject | null) => KubeObject | null;

async function reconcile(target: BootstrapTarget, group: string, resource: string, change: Change): Promise<void> {
  const version = 'v1';
  for (let attempt = 1; ; attempt++) {
    try {
      const current = await target.get(group, version, resource, NAMESPACE, KUBERNETES_SERVICE);
      const wanted = change(current);
      if (wanted === null) return;
      if (current === null) await target.ensure(group, version, resource, wanted);
      else await target.update(group, version, resource, wanted);
      // ensure() tolerates a racing create: look again so this replica's address is in either way.
      if (current !== null) return;
    } catch (err) {
      // Another replica wrote first: read its version and merge again.
      if ((err as { reason?: string }).reason !== 'Conflict' || attempt >= ATTEMPTS) throw err;
    }
  }
}

/** Creates or repairs default/kubernetes, its Endpoints and EndpointSlice for this replica. */
export async function reconcileKubernetesService(target: BootstrapTarget, endpoint: ApiEndpoint): Promise<void> {
  await reconcile(target, '', 'services', (current) => (current === null ? kubernetesService(endpoint) : serviceWithPorts(current, endpoint)));
  await Promise.all([
    reconcile(target, '', 'endpoints', (current) => endpointsWith(current, endpoint)),
    reconcile(target, 'discovery.k8s.io', 'endpointslices', (current) => sliceWith(current, endpoint)),
  ]);
}
