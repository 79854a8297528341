// Namespace lifecycle: a deleted Namespace is Terminating (the store keeps it
// while spec.finalizers holds "kubernetes"); this controller deletes
// everything in it, then removes its finalizer, which lets it go
// (pkg/controller/namespace). System namespaces are created by the
// ObjectService when a cluster is first used.

import type { ApiResource } from '../api/resources/types.js';
import type { Requester } from '../objects/admission.js';
import type { ObjectService, ResourceRef } from '../objects/service.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { forEachLimited } from './limited.js';
import { defineController, done, requeueAfter, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const NAMESPACE_FINALIZER = 'kubernetes';
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
// While objects are still going (pods stopping gracefully, other finalizers), look again after this.
const CONTENT_RECHECK_MS = 1000;
// Objects deleted at once (the store's group commit batches them).
const PARALLEL_DELETES = 32;

export const REASON_NAMESPACE_CONTENT_REMAINING = 'NamespaceContentRemaining';

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
 * Deletes every object in the namespace; returns how many are still there
 * (terminating pods, objects held by finalizers).
 */
async function deleteContent(ctx: ReconcileContext, namespace: string): Promise<number> {
  const { objects, key, signal } = ctx;
  let remaining = 0;
  for (const resource of namespacedResources(objects, key.cluster)) {
    const ref: ResourceRef = { cluster: key.cluster, resource };
    const list = await objects.list(ref, namespace, { signal });
    await forEachLimited(list.items, PARALLEL_DELETES, async (object) => {
      remaining += 1;
      if (object.metadata.deletionTimestamp !== undefined) return;
      const name = object.metadata.name ?? '';
      try {
        const result = await objects.delete(ref, namespace, name, { requester: REQUESTER, signal, preconditions: { uid: object.metadata.uid ?? '' } });
        if (result.deleted) remaining -= 1;
      } catch (err) {
        if (err instanceof NotFoundError) remaining -= 1;
        else if (!(err instanceof ConflictError)) throw err;
      }
    });
  }
  return remaining;
}

async function reconcileNamespace(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, key, signal, events } = ctx;
  const ref = objects.resource(key.cluster, '', 'v1', 'namespaces');
  const ns = await objects.store.get(objects.key(ref, '', key.name), { signal });
  if (ns === null || ns.metadata.deletionTimestamp === undefined) return done();
  const finalizers = specFinalizers(ns);
  if (!finalizers.includes(NAMESPACE_FINALIZER)) return done();
  const remaining = await deleteContent(ctx, key.name);
  if (remaining > 0) {
    await events.record(ns, 'Normal', REASON_NAMESPACE_CONTENT_REMAINING, `Some resources are remaining: ${remaining} object(s) are still being deleted`);
    return requeueAfter(CONTENT_RECHECK_MS);
  }
  // Empty: drop our finalizer, as namespaces/<name>/finalize does (straight to
  // the store: create-time defaults must not put it back). With no finalizer
  // left, the store removes the namespace. A stale version is a Conflict: retried.
  const next: KubeObject = { ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) } };
  await objects.store.update(objects.key(ref, '', key.name), next, { signal });
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
