// v1 componentstatuses (deprecated upstream since 1.19, still what `kubectl
// get cs` and old tutorials ask for): computed on every read, never stored.
// scheduler and controller-manager are healthy while the Lease their workers
// hold in this cluster's kube-system is renewed; etcd-0 is PostgreSQL, healthy
// when a read round trip succeeds.
import { ApiError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import { NotFoundError } from '../../store/errors.js';
import type { KubeObject } from '../../store/types.js';
import { leaseHeld, LEASE_NAMESPACE, type ComponentLeaseName } from '../../process/component-lease.js';
import type { ObjectService } from '../../objects/service.js';
import { contentTypeOf, negotiate } from './negotiate.js';
import { renderList, renderObject } from './render.js';
import { sendWarnings, type RestRequest } from './request.js';

export const COMPONENT_STATUS_WARNING = 'v1 ComponentStatus is deprecated in v1.19+';

interface Health {
  healthy: boolean;
  message: string;
  error?: string;
}

const COMPONENTS: readonly { name: string; check: (objects: ObjectService, cluster: string) => Promise<Health> }[] = [
  { name: 'scheduler', check: (objects, cluster) => leaseHealth(objects, cluster, 'kube-scheduler') },
  { name: 'controller-manager', check: (objects, cluster) => leaseHealth(objects, cluster, 'kube-controller-manager') },
  { name: 'etcd-0', check: (objects, cluster) => storageHealth(objects, cluster) },
];

async function leaseHealth(objects: ObjectService, cluster: string, lease: ComponentLeaseName): Promise<Health> {
  let found: KubeObject;
  try {
    found = await objects.get(objects.resource(cluster, 'coordination.k8s.io', 'v1', 'leases'), LEASE_NAMESPACE, lease);
  } catch (err) {
    if (!(err instanceof NotFoundError)) return { healthy: false, message: '', error: (err as Error).message };
    return { healthy: false, message: '', error: `no ${lease} is running for this cluster: Lease ${LEASE_NAMESPACE}/${lease} does not exist` };
  }
  if (leaseHeld(found)) return { healthy: true, message: 'ok' };
  const spec = (found.spec ?? {}) as { holderIdentity?: string; renewTime?: string };
  return { healthy: false, message: '', error: `${lease} is not running: Lease ${LEASE_NAMESPACE}/${lease} was last renewed at ${spec.renewTime ?? 'never'} by ${spec.holderIdentity || 'nobody'}` };
}

async function storageHealth(objects: ObjectService, cluster: string): Promise<Health> {
  try {
    // A read of a key that is never stored: one real PostgreSQL round trip.
    await objects.store.get({ cluster, group: '', resource: 'componentstatuses', namespace: '', name: 'etcd-0' });
    return { healthy: true, message: 'ok' };
  } catch (err) {
    return { healthy: false, message: '', error: `PostgreSQL is unreachable: ${(err as Error).message}` };
  }
}

function componentStatus(name: string, health: Health): KubeObject {
  const condition: Record<string, string> = { type: 'Healthy', status: health.healthy ? 'True' : 'False', message: health.message };
  if (health.error !== undefined) condition.error = health.error;
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: [condition] };
}

/** get and list of componentstatuses; other verbs are refused before this by the resource's verbs. */
export async function serveComponentStatuses(request: RestRequest): Promise<void> {
  const { ctx, ref, info, objects } = request;
  const representation = negotiate(ctx.req.headers.accept);
  sendWarnings(request, [COMPONENT_STATUS_WARNING]);
  if (info.verb === 'get') {
    const component = COMPONENTS.find((c) => c.name === info.name);
    if (component === undefined) throw new NotFoundError('', 'componentstatuses', info.name);
    const object = componentStatus(component.name, await component.check(objects, ref.cluster));
    sendJson(ctx.res, 200, renderObject(ref.resource, object, representation, ctx.url.searchParams), contentTypeOf(representation));
    return;
  }
  if (info.verb !== 'list') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const items = await Promise.all(COMPONENTS.map(async (c) => componentStatus(c.name, await c.check(objects, ref.cluster))));
  sendJson(ctx.res, 200, renderList(ref.resource, { items, resourceVersion: '' }, representation, ctx.url.searchParams), contentTypeOf(representation));
}
