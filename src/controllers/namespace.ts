// Namespace lifecycle: a deleted Namespace is Terminating (the store keeps it
// while spec.finalizers holds "kubernetes"); this controller deletes
// everything in it, then removes its finalizer, which lets it go
// (pkg/controller/namespace). Its status conditions say what is still there. System namespaces are created by the
// ObjectService when a cluster is first used.

import type { ApiResource } from '../api/resources/types.js';
import type { Requester } from '../objects/admission.js';
import type { ObjectService, ResourceRef } from '../objects/service.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { forEachLimited } from './limited.js';
import { failures, updatedConditions, type ContentTotals, type NamespaceCondition } from './namespace-conditions.js';
import { defineController, done, requeueAfter, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const NAMESPACE_FINALIZER = 'kubernetes';
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
// While objects are still going (pods stopping gracefully, other finalizers), look again after this.
const CONTENT_RECHECK_MS = 1000;
// Objects deleted at once (the store's group commit batches them).
const PARALLEL_DELETES = 32;

/** The resources whose objects live in namespaces and can be listed and deleted, one version each. */
export function namespacedResources(objects: ObjectService, cluster: string): ApiResource[] {
  const seen = new Set<string>();
  const out: ApiResource[] = [];
  for (const resource of objects.registryFor(cluster).resources()) {
    if (!resource.namespaced || !resource.preferred) continue;
    if (!resource.verbs.includes('list') || !resource.verbs.includes('delete')) continue;
    const id = `${resource.group}/${resource.resource}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(resource);
  }
  return out;
}

/** spec.finalizers; a Namespace without the list holds "kubernetes" (the store keeps it, see mutations.ts). */
const specFinalizers = (ns: KubeObject): string[] => {
  const finalizers = (ns.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (finalizers === undefined) return [NAMESPACE_FINALIZER];
  return Array.isArray(finalizers) ? finalizers.filter((f): f is string => typeof f === 'string') : [];
};

/**
 * Deletes every object in the namespace; returns what is still there
 * (terminating pods, objects held by finalizers) and the deletes that failed.
 */
async function deleteContent(ctx: ReconcileContext, namespace: string): Promise<ContentTotals> {
  const { objects, key, signal } = ctx;
  const totals: ContentTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map(), deleteErrors: [] };
  const remains = (resource: ApiResource, object: KubeObject): void => {
    const id = `${resource.resource}.${resource.group}`;
    totals.remainingByResource.set(id, (totals.remainingByResource.get(id) ?? 0) + 1);
    for (const f of object.metadata.finalizers ?? []) totals.remainingByFinalizer.set(f, (totals.remainingByFinalizer.get(f) ?? 0) + 1);
  };
  for (const resource of namespacedResources(objects, key.cluster)) {
    const ref: ResourceRef = { cluster: key.cluster, resource };
    const list = await objects.list(ref, namespace, { signal });
    await forEachLimited(list.items, PARALLEL_DELETES, async (object) => {
      if (object.metadata.deletionTimestamp !== undefined) return remains(resource, object);
      const name = object.metadata.name ?? '';
      try {
        const result = await objects.delete(ref, namespace, name, { requester: REQUESTER, signal, preconditions: { uid: object.metadata.uid ?? '' } });
        if (!result.deleted) remains(resource, object);
      } catch (err) {
        if (err instanceof NotFoundError) return;
        remains(resource, object);
        if (!(err instanceof ConflictError)) totals.deleteErrors.push((err as Error).message);
      }
    });
  }
  return totals;
}

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function reconcileNamespace(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, key, signal } = ctx;
  const ref = objects.resource(key.cluster, '', 'v1', 'namespaces');
  const nsKey = objects.key(ref, '', key.name);
  let ns = await objects.store.get(nsKey, { signal });
  if (ns === null || ns.metadata.deletionTimestamp === undefined) return done();
  const finalizers = specFinalizers(ns);
  if (!finalizers.includes(NAMESPACE_FINALIZER)) return done();
  const totals = await deleteContent(ctx, key.name);
  const now = timestamp(ctx.now());
  const status = (ns.status ?? {}) as { conditions?: NamespaceCondition[] };
  const conditions = updatedConditions(status.conditions ?? [], failures(totals, now), now);
  // A stale version is a Conflict: retried.
  if (conditions !== undefined) ns = await objects.store.update(nsKey, { ...ns, status: { ...status, conditions } }, { subresource: 'status', signal });
  if (totals.deleteErrors.length > 0) throw new Error(`namespace ${key.name}: ${totals.deleteErrors.length} delete(s) failed: ${totals.deleteErrors[0] ?? ''}`);
  if ([...totals.remainingByResource.values()].some((n) => n > 0)) return requeueAfter(CONTENT_RECHECK_MS);
  // Empty: drop our finalizer, as namespaces/<name>/finalize does (straight to
  // the store: create-time defaults must not put it back). With no finalizer
  // left, the store removes the namespace.
  const next: KubeObject = { ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) } };
  await objects.store.update(nsKey, next, { signal });
  return done();
}

export default defineController({
  name: 'namespace',
  route: {
    name: 'namespace',
    for: { group: '', resource: 'namespaces', kind: 'Namespace' },
    // A pod that finished stopping may be the last thing a terminating namespace waits for.
    watches: [{ group: '', resource: 'pods', map: (change) => (change.type === 'DELETED' ? [{ cluster: change.cluster, namespace: '', name: change.namespace }] : []) }],
  },
  reconcile: reconcileNamespace,
});
