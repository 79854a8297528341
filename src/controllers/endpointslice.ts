// EndpointSlices for every Service with a selector
// (pkg/controller/endpointslice): one slice per address type and set of
// resolved ports, at most 100 endpoints each, labelled with the service name
// and owned by the Service (so the garbage collector removes them with it).
// Terminating pods stay listed with ready=false, terminating=true.

import type { Requester } from '../objects/admission.js';
import type { ResourceRef } from '../objects/service.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { generatedPodName, podNamePrefix } from './replica/pods.js';
import { defineController, done, type ReconcileContext, type ReconcileResult } from './runtime/define.js';
import { comparePorts, hostnameFor, nodeNameOf, podChangeKeys, podEndpoint, portsKey, serviceSelector, targetRef, type EndpointPort, type PodEndpoint } from './service-pods.js';

const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:endpointslice-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

interface SliceContent {
  addressType: 'IPv4' | 'IPv6';
  ports: EndpointPort[];
  endpoints: Record<string, unknown>[];
}

function sliceEndpoint(service: KubeObject, e: PodEndpoint): Record<string, unknown> {
  const hostname = hostnameFor(service, e.pod);
  const nodeName = nodeNameOf(e.pod);
  return {
    addresses: [e.ip],
    conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
    ...(hostname ? { hostname } : {}),
    ...(nodeName ? { nodeName } : {}),
    targetRef: targetRef(e.pod),
  };
}

/** The slices a service should have, in a stable order. */
export function desiredSlices(service: KubeObject, endpoints: PodEndpoint[]): SliceContent[] {
  const groups = new Map<string, { addressType: 'IPv4' | 'IPv6'; ports: EndpointPort[]; members: PodEndpoint[] }>();
  for (const e of endpoints) {
    const addressType = e.ip.includes(':') ? 'IPv6' : 'IPv4';
    const key = `${addressType} ${portsKey(e.ports)}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { addressType, ports: [...e.ports].sort(comparePorts), members: [] }));
    group.members.push(e);
  }
  const out: SliceContent[] = [];
  for (const [, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const members = group.members.sort((a, b) => a.ip.localeCompare(b.ip));
    for (let i = 0; i < members.length; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push({ addressType: group.addressType, ports: group.ports, endpoints: members.slice(i, i + MAX_ENDPOINTS_PER_SLICE).map((e) => sliceEndpoint(service, e)) });
    }
  }
  return out;
}

const contentOf = (slice: KubeObject): string => JSON.stringify([slice.addressType, slice.ports ?? [], slice.endpoints ?? []]);
const contentKey = (c: SliceContent): string => JSON.stringify([c.addressType, c.ports, c.endpoints]);
const shapeOf = (addressType: unknown, ports: unknown): string => JSON.stringify([addressType, ports ?? []]);

async function deleteSlice(ctx: ReconcileContext, slices: ResourceRef, slice: KubeObject): Promise<void> {
  try {
    await ctx.objects.delete(slices, ctx.key.namespace, slice.metadata.name ?? '', { requester: REQUESTER, signal: ctx.signal, preconditions: { uid: slice.metadata.uid ?? '' } });
  } catch (err) {
    if (!(err instanceof NotFoundError) && !(err instanceof ConflictError)) throw err;
  }
}

async function syncService(ctx: ReconcileContext, services: ResourceRef, slices: ResourceRef, name: string): Promise<void> {
  const { objects, store, key, signal } = ctx;
  const namespace = key.namespace;
  const service = await store.get(objects.key(services, namespace, name), { signal });
  const existing = (await objects.list(slices, namespace, { labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY}`, signal })).items;
  const selector = service === null || service.metadata.deletionTimestamp !== undefined ? undefined : serviceSelector(service);
  if (service === null || selector === undefined) {
    for (const slice of existing) await deleteSlice(ctx, slices, slice);
    return;
  }
  const pods = await objects.list(objects.resource(key.cluster, '', 'v1', 'pods'), namespace, { labelSelector: selector, signal });
  const endpoints = pods.items.map((pod) => podEndpoint(service, pod, true)).filter((e): e is PodEndpoint => e !== undefined);
  const desired = desiredSlices(service, endpoints);
  const labels = { ...(service.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
  const unused = [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const take = (match: (s: KubeObject) => boolean): KubeObject | undefined => {
    const i = unused.findIndex(match);
    return i < 0 ? undefined : unused.splice(i, 1)[0];
  };
  const pending: SliceContent[] = [];
  // Slices already right stay as they are.
  for (const content of desired) if (take((s) => contentOf(s) === contentKey(content)) === undefined) pending.push(content);
  try {
    await writeSlices(ctx, slices, service, labels, pending, take);
  } catch (err) {
    // Creates keep failing while the namespace terminates: drop the key, as upstream.
    if (namespaceTerminating(err)) return;
    if (!(err instanceof ConflictError)) await ctx.events.record({ apiVersion: 'v1', kind: 'Service', ...service }, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`);
    throw err;
  }
  for (const slice of unused) await deleteSlice(ctx, slices, slice);
}

function namespaceTerminating(err: unknown): boolean {
  const causes = (err as { details?: { causes?: { reason?: string }[] } } | null)?.details?.causes;
  return Array.isArray(causes) && causes.some((c) => c.reason === 'NamespaceTerminating');
}

/** Updates reusable slices of the same shape, creates the rest. */
async function writeSlices(ctx: ReconcileContext, slices: ResourceRef, service: KubeObject, labels: Record<string, string>, pending: SliceContent[], take: (match: (s: KubeObject) => boolean) => KubeObject | undefined): Promise<void> {
  const { objects, key, signal } = ctx;
  const namespace = key.namespace;
  const name = service.metadata.name ?? '';
  for (const content of pending) {
    const reuse = take((s) => shapeOf(s.addressType, s.ports) === shapeOf(content.addressType, content.ports));
    if (reuse !== undefined) {
      await objects.update(slices, namespace, reuse.metadata.name ?? '', { ...reuse, metadata: { ...reuse.metadata, labels }, ...content }, { requester: REQUESTER, signal });
      continue;
    }
    const owner = { apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
    // The name is made here, as the API server's generateName would make it: validation
    // in the object service runs before the store resolves generateName.
    await objects.create(slices, namespace, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: generatedPodName(name), generateName: podNamePrefix(name), labels, ownerReferences: [owner] }, ...content }, { requester: REQUESTER, signal });
  }
}

async function reconcileSlices(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, store, key, signal } = ctx;
  const services = objects.resource(key.cluster, '', 'v1', 'services');
  const slices = objects.resource(key.cluster, 'discovery.k8s.io', 'v1', 'endpointslices');
  if (key.name !== '') {
    await syncService(ctx, services, slices, key.name);
    return done();
  }
  const list = await store.list(objects.collection(services, key.namespace), { signal });
  for (const service of list.items) if (serviceSelector(service) !== undefined) await syncService(ctx, services, slices, service.metadata.name ?? '');
  return done();
}

/** A change to one of our slices goes back to its service. */
function sliceKeys(change: { cluster: string; namespace: string; object: KubeObject }): { cluster: string; namespace: string; name: string }[] {
  const labels = change.object.metadata.labels ?? {};
  const service = labels[SERVICE_NAME_LABEL];
  return service !== undefined && labels[MANAGED_BY_LABEL] === MANAGED_BY ? [{ cluster: change.cluster, namespace: change.namespace, name: service }] : [];
}

export default defineController({
  name: 'endpointslice',
  route: {
    name: 'endpointslice',
    for: { group: '', resource: 'services', kind: 'Service' },
    watches: [
      { group: '', resource: 'pods', map: podChangeKeys },
      { group: 'discovery.k8s.io', resource: 'endpointslices', map: sliceKeys },
    ],
  },
  reconcile: reconcileSlices,
});
