// The garbage collector: ownerReferences drive cascading deletion
// (pkg/controller/garbagecollector). Keys name an owner, not a dependent:
// `<group>/<kind>/<name>/<uid>` in the owner's namespace. A reconcile finds
// the owner's dependents (the store's owner index) and
// - owner gone (Background deletion, or never there): deletes dependents that
//   have no other live owner, and drops the dangling reference from the rest;
// - owner terminating with `orphan`: removes the references, then the finalizer;
// - owner terminating with `foregroundDeletion`: deletes its dependents
//   (blocking ones in foreground too) and removes the finalizer once no
//   dependent with blockOwnerDeletion is left.

import type { Requester } from '../objects/admission.js';
import type { ResourceRef } from '../objects/service.js';
import { builtinRegistry } from '../api/resources/registry.js';
import type { ApiResource } from '../api/resources/types.js';
import type { ReconcileKey } from '../queue/keys.js';
import type { ObjectChange, WatchedResource } from '../queue/registry.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject, ObjectKey, OwnerReference } from '../store/types.js';
import { forEachLimited } from './limited.js';
import { defineController, done, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
// Dependents deleted or rewritten at once by one reconcile.
const PARALLEL_WRITES = 32;
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

/** An owner as a reconcile key names it. */
export interface OwnerIdentity {
  group: string;
  kind: string;
  name: string;
  uid: string;
}

export function ownerKeyName(owner: OwnerIdentity): string {
  return [owner.group, owner.kind, owner.name, owner.uid].join('/');
}

export function parseOwnerKeyName(name: string): OwnerIdentity | undefined {
  const parts = name.split('/');
  if (parts.length !== 4) return undefined;
  const [group, kind, ownerName, uid] = parts as [string, string, string, string];
  return { group, kind, name: ownerName, uid };
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const refsOf = (object: KubeObject | null): OwnerReference[] => (Array.isArray(object?.metadata.ownerReferences) ? object.metadata.ownerReferences : []);

function kindOf(change: ObjectChange): string | undefined {
  if (typeof change.object.kind === 'string' && change.object.kind !== '') return change.object.kind;
  return builtinRegistry.resources().find((r) => r.group === change.group && r.resource === change.resource)?.kind;
}

/** Keys a change concerns: the object as an owner, and each of its owners. */
export function garbageCollectorKeys(change: ObjectChange): ReconcileKey[] {
  const keys: ReconcileKey[] = [];
  const key = (namespace: string, owner: OwnerIdentity): void => {
    keys.push({ cluster: change.cluster, namespace, name: ownerKeyName(owner) });
  };
  const meta = change.object.metadata;
  const finalizers = meta.finalizers ?? [];
  const asOwner = change.type === 'DELETED' || (meta.deletionTimestamp !== undefined && (finalizers.includes(ORPHAN_FINALIZER) || finalizers.includes(FOREGROUND_FINALIZER)));
  const kind = kindOf(change);
  if (asOwner && kind !== undefined && typeof meta.uid === 'string') key(change.namespace, { group: change.group, kind, name: change.name, uid: meta.uid });
  // As a dependent: new ones (their owner may already be gone), changed
  // references, and deletions (a foreground owner may be waiting). Status
  // churn maps to nothing.
  const before = refsOf(change.prev);
  const after = refsOf(change.object);
  const refsChanged = JSON.stringify(before) !== JSON.stringify(after);
  if (change.type === 'ADDED' || change.type === 'DELETED' || refsChanged) {
    const seen = new Set<string>();
    for (const ref of [...before, ...after]) {
      if (seen.has(ref.uid)) continue;
      seen.add(ref.uid);
      key(change.namespace, { group: groupOf(ref.apiVersion ?? ''), kind: ref.kind, name: ref.name, uid: ref.uid });
    }
  }
  return keys;
}

/** Every built-in resource, each watched once (any object can be an owner or a dependent). */
function watchedResources(): WatchedResource[] {
  const seen = new Set<string>();
  const out: WatchedResource[] = [];
  for (const r of builtinRegistry.resources()) {
    const id = `${r.group}/${r.resource}`;
    if (seen.has(id) || !r.verbs.includes('delete')) continue;
    seen.add(id);
    out.push({ group: r.group, resource: r.resource, map: garbageCollectorKeys });
  }
  return out;
}

interface Dependent {
  ref: ResourceRef;
  object: KubeObject;
}

function resourceOf(ctx: ReconcileContext, group: string, kind: string): ApiResource | undefined {
  return ctx.objects.registryFor(ctx.key.cluster).byKind(group, kind);
}

/** The object an ownerReference names, if it exists with that uid. */
async function liveOwner(ctx: ReconcileContext, namespace: string, owner: OwnerIdentity): Promise<{ ref: ResourceRef; object: KubeObject } | null> {
  const resource = resourceOf(ctx, owner.group, owner.kind);
  if (resource === undefined) return null;
  const ref: ResourceRef = { cluster: ctx.key.cluster, resource };
  const key: ObjectKey = ctx.objects.key(ref, resource.namespaced ? namespace : '', owner.name);
  const object = await ctx.store.get(key, { signal: ctx.signal });
  return object !== null && object.metadata.uid === owner.uid ? { ref, object } : null;
}

async function dependentsOf(ctx: ReconcileContext, uid: string): Promise<Dependent[]> {
  const rows = await ctx.store.dependents(ctx.key.cluster, uid, { signal: ctx.signal });
  const out: Dependent[] = [];
  for (const row of rows) {
    const resource = ctx.objects.registryFor(ctx.key.cluster).resources().find((r) => r.group === row.group && r.resource === row.resource && r.preferred);
    if (resource !== undefined) out.push({ ref: { cluster: ctx.key.cluster, resource }, object: row.object });
  }
  return out;
}

const namespaceOf = (object: KubeObject): string => object.metadata.namespace ?? '';

async function deleteDependent(ctx: ReconcileContext, dep: Dependent, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
  if (dep.object.metadata.deletionTimestamp !== undefined && propagationPolicy === 'Background') return;
  try {
    await ctx.objects.delete(dep.ref, namespaceOf(dep.object), dep.object.metadata.name ?? '', {
      requester: REQUESTER,
      signal: ctx.signal,
      propagationPolicy,
      preconditions: { uid: dep.object.metadata.uid ?? '' },
    });
  } catch (err) {
    // Gone already, or a different object of that name now: either way not ours to delete.
    if (err instanceof NotFoundError || err instanceof ConflictError) return;
    throw err;
  }
}

/** Writes the dependent without its references to `uid` (conditional on its version; a Conflict is retried). */
async function dropReference(ctx: ReconcileContext, dep: Dependent, uid: string): Promise<void> {
  const refs = refsOf(dep.object).filter((r) => r.uid !== uid);
  const next: KubeObject = { ...dep.object, metadata: { ...dep.object.metadata } };
  if (refs.length > 0) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  try {
    await ctx.objects.update(dep.ref, namespaceOf(dep.object), dep.object.metadata.name ?? '', next, { requester: REQUESTER, signal: ctx.signal });
  } catch (err) {
    if (err instanceof NotFoundError) return;
    throw err;
  }
}

async function removeFinalizer(ctx: ReconcileContext, owner: { ref: ResourceRef; object: KubeObject }, finalizer: string): Promise<void> {
  const next: KubeObject = { ...owner.object, metadata: { ...owner.object.metadata, finalizers: (owner.object.metadata.finalizers ?? []).filter((f) => f !== finalizer) } };
  try {
    await ctx.objects.update(owner.ref, namespaceOf(owner.object), owner.object.metadata.name ?? '', next, { requester: REQUESTER, signal: ctx.signal });
  } catch (err) {
    if (err instanceof NotFoundError) return;
    throw err;
  }
}

async function collectOrphanedDependents(ctx: ReconcileContext, uid: string, dependents: Dependent[]): Promise<void> {
  await forEachLimited(dependents, PARALLEL_WRITES, async (dep) => {
    const others = refsOf(dep.object).filter((r) => r.uid !== uid);
    let otherLive = false;
    for (const ref of others) {
      const owner = { group: groupOf(ref.apiVersion ?? ''), kind: ref.kind, name: ref.name, uid: ref.uid };
      if ((await liveOwner(ctx, namespaceOf(dep.object), owner)) !== null) {
        otherLive = true;
        break;
      }
    }
    if (otherLive) await dropReference(ctx, dep, uid);
    else await deleteDependent(ctx, dep, 'Background');
  });
}

async function reconcileOwner(ctx: ReconcileContext): Promise<ReconcileResult> {
  const identity = parseOwnerKeyName(ctx.key.name);
  if (identity === undefined) return done();
  const owner = await liveOwner(ctx, ctx.key.namespace, identity);
  // A live owner that is not being deleted needs nothing: its dependents are not read
  // (each of a 1,000-pod ReplicaSet's pod creations maps here).
  if (owner !== null && owner.object.metadata.deletionTimestamp === undefined) return done();
  const dependents = await dependentsOf(ctx, identity.uid);
  if (owner === null) {
    await collectOrphanedDependents(ctx, identity.uid, dependents);
    return done();
  }
  const meta = owner.object.metadata;
  const finalizers = meta.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) {
    await forEachLimited(dependents, PARALLEL_WRITES, (dep) => dropReference(ctx, dep, identity.uid));
    await removeFinalizer(ctx, owner, ORPHAN_FINALIZER);
    return done();
  }
  if (finalizers.includes(FOREGROUND_FINALIZER)) {
    let blocking = 0;
    await forEachLimited(dependents, PARALLEL_WRITES, async (dep) => {
      const blocks = refsOf(dep.object).some((r) => r.uid === identity.uid && r.blockOwnerDeletion === true);
      if (blocks) blocking += 1;
      await deleteDependent(ctx, dep, blocks ? 'Foreground' : 'Background');
    });
    // Each blocking dependent's deletion maps back to this key, so waiting costs nothing.
    if (blocking === 0) await removeFinalizer(ctx, owner, FOREGROUND_FINALIZER);
  }
  return done();
}

export default defineController({
  name: 'garbage-collector',
  route: {
    name: 'garbage-collector',
    // Keys are owners of any resource; nothing is stored under this resource, so a resync enqueues nothing for it.
    for: { group: 'kubeql.io', resource: 'garbagecollectorowners', kind: 'GarbageCollectorOwner' },
    watches: watchedResources(),
  },
  reconcile: reconcileOwner,
});
