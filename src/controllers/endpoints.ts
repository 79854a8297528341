// Endpoints for every Service with a selector (pkg/controller/endpoint):
// ready pods' addresses in `addresses`, the others in `notReadyAddresses`,
// grouped into subsets of pods serving the same resolved ports. Services
// without a selector keep their hand-made Endpoints untouched. A write the API
// refuses is a Warning Event (FailedToCreateEndpoint / FailedToUpdateEndpoint).

import type { Requester } from '../objects/admission.js';
import type { ResourceRef } from '../objects/service.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { defineController, done, type ReconcileContext, type ReconcileResult } from './runtime/define.js';
import { comparePorts, hostnameFor, nodeNameOf, podChangeKeys, podEndpoint, portsKey, serviceSelector, specOf, targetRef, type EndpointPort, type PodEndpoint } from './service-pods.js';

const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:endpoint-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: ReturnType<typeof targetRef>;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

function address(service: KubeObject, endpoint: PodEndpoint): EndpointAddress {
  const hostname = hostnameFor(service, endpoint.pod);
  const nodeName = nodeNameOf(endpoint.pod);
  return { ip: endpoint.ip, ...(hostname ? { hostname } : {}), ...(nodeName ? { nodeName } : {}), targetRef: targetRef(endpoint.pod) };
}

const byIp = (a: EndpointAddress, b: EndpointAddress): number => a.ip.localeCompare(b.ip) || a.targetRef.uid.localeCompare(b.targetRef.uid);

/** The subsets for a service's endpoints, in a stable order (RepackSubsets). */
export function endpointSubsets(service: KubeObject, endpoints: PodEndpoint[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const endpoint of endpoints) {
    const key = portsKey(endpoint.ports);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { ports: [...endpoint.ports].sort(comparePorts), ready: [], notReady: [] }));
    (endpoint.ready ? group.ready : group.notReady).push(address(service, endpoint));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}

function desiredLabels(service: KubeObject): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (specOf(service).clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

async function syncService(ctx: ReconcileContext, services: ResourceRef, endpointsRef: ResourceRef, name: string): Promise<void> {
  const { objects, store, key, signal } = ctx;
  const namespace = key.namespace;
  const service = await store.get(objects.key(services, namespace, name), { signal });
  const current = await store.get(objects.key(endpointsRef, namespace, name), { signal });
  if (service === null || service.metadata.deletionTimestamp !== undefined) {
    if (service === null && current !== null) {
      try {
        await objects.delete(endpointsRef, namespace, name, { requester: REQUESTER, signal, preconditions: { uid: current.metadata.uid ?? '' } });
      } catch (err) {
        if (!(err instanceof NotFoundError) && !(err instanceof ConflictError)) throw err;
      }
    }
    return;
  }
  const selector = serviceSelector(service);
  if (selector === undefined) return;
  const pods = await objects.list(objects.resource(key.cluster, '', 'v1', 'pods'), namespace, { labelSelector: selector, signal });
  const endpoints = pods.items.map((pod) => podEndpoint(service, pod, false)).filter((e): e is PodEndpoint => e !== undefined);
  const subsets = endpointSubsets(service, endpoints);
  const labels = desiredLabels(service);
  if (current === null) {
    const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
    try {
      await objects.create(endpointsRef, namespace, body, { requester: REQUESTER, signal });
    } catch (err) {
      // Created meanwhile (another worker): the next change brings us back.
      if (err instanceof AlreadyExistsError) return;
      // Creates keep failing while the namespace terminates: drop the key, as upstream.
      if (namespaceTerminating(err)) return;
      await ctx.events.record(body, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${(err as Error).message}`);
      throw err;
    }
    return;
  }
  const same = JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels);
  if (same) return;
  const next: KubeObject = { ...current, metadata: { ...current.metadata, labels }, subsets };
  try {
    await objects.update(endpointsRef, namespace, name, next, { requester: REQUESTER, signal });
  } catch (err) {
    // A conflict is the normal price of optimistic concurrency (upstream's informer cache makes it rarer): retried without an Event.
    if (!(err instanceof ConflictError)) await ctx.events.record({ apiVersion: 'v1', kind: 'Endpoints', ...next }, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${(err as Error).message}`);
    throw err;
  }
}

function namespaceTerminating(err: unknown): boolean {
  const causes = (err as { details?: { causes?: { reason?: string }[] } } | null)?.details?.causes;
  return Array.isArray(causes) && causes.some((c) => c.reason === 'NamespaceTerminating');
}

async function reconcileEndpoints(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, store, key, signal } = ctx;
  const services = objects.resource(key.cluster, '', 'v1', 'services');
  const endpointsRef = objects.resource(key.cluster, '', 'v1', 'endpoints');
  if (key.name !== '') {
    await syncService(ctx, services, endpointsRef, key.name);
    return done();
  }
  // A pod changed: every selecting Service of the namespace.
  const list = await store.list(objects.collection(services, key.namespace), { signal });
  for (const service of list.items) if (serviceSelector(service) !== undefined) await syncService(ctx, services, endpointsRef, service.metadata.name ?? '');
  return done();
}

export default defineController({
  name: 'endpoints',
  route: {
    name: 'endpoints',
    for: { group: '', resource: 'services', kind: 'Service' },
    watches: [
      { group: '', resource: 'pods', map: podChangeKeys },
      // Someone edited or deleted managed Endpoints: put them back.
      { group: '', resource: 'endpoints', map: (change) => [{ cluster: change.cluster, namespace: change.namespace, name: change.name }] },
    ],
  },
  reconcile: reconcileEndpoints,
});
