// What each write does to one object, as pure functions of the stored object:
// the generic registry's create/update/delete semantics (uid, generation,
// status split, preconditions, finalizers, graceful deletion). The committer
// runs them inside its transaction and persists what they return.

import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, type StoreError } from './errors.js';
import { isPlainObject, jsonClone, jsonEqual } from './json.js';
import { rfc3339 } from './timestamps.js';
import type { DeleteOptions, KubeObject, ObjectKey, ObjectMeta, Preconditions, UpdateOptions } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change-log entry to be: the object after the change and before it. */
export interface Change {
  type: ChangeType;
  object: KubeObject;
  prev: KubeObject | null;
}

export type Outcome =
  | { ok: true; object: KubeObject; change: Change | null; deleted: boolean }
  | { ok: false; error: StoreError };

/** Inputs every mutation needs besides the object: the clock and the version it would write. */
export interface MutationContext {
  now: Date;
  /** The resourceVersion this mutation gets if it changes anything. */
  rv: string;
}

export type WriteOp =
  | { kind: 'create'; key: ObjectKey; object: KubeObject; generatedName: boolean }
  | { kind: 'update'; key: ObjectKey; object: KubeObject; options: UpdateOptions }
  | { kind: 'delete'; key: ObjectKey; options: DeleteOptions };

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

const fail = (error: StoreError): Outcome => ({ ok: false, error });

function kindOf(key: ObjectKey, object: KubeObject | null): string {
  return typeof object?.kind === 'string' && object.kind !== '' ? object.kind : key.resource;
}

function placeInKey(meta: ObjectMeta, key: ObjectKey): void {
  meta.name = key.name;
  if (key.namespace === '') delete meta.namespace;
  else meta.namespace = key.namespace;
}

// Everything generation tracks: the object without metadata and status.
function specPart(object: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...object };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

function setOrDelete(target: Record<string, unknown>, field: string, value: unknown): void {
  if (value === undefined) delete target[field];
  else target[field] = value;
}

function checkPreconditions(key: ObjectKey, current: KubeObject, preconditions: Preconditions | undefined): StoreError | undefined {
  const uid = current.metadata.uid ?? '';
  const rv = current.metadata.resourceVersion ?? '';
  if (preconditions?.uid !== undefined && preconditions.uid !== '' && preconditions.uid !== uid) {
    return ConflictError.uidPrecondition(key, preconditions.uid, uid);
  }
  if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== '' && preconditions.resourceVersion !== rv) {
    return ConflictError.resourceVersionPrecondition(key, preconditions.resourceVersion, rv);
  }
  return undefined;
}

/** metadata.name or generateName is required; the committer resolves generateName before planning. */
export function missingNameError(key: ObjectKey, object: KubeObject): InvalidError {
  return new InvalidError(kindOf(key, object), key.group, '', [
    { field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' },
  ]);
}

export function planCreate(key: ObjectKey, input: KubeObject, current: KubeObject | null, ctx: MutationContext, generatedName: boolean): Outcome {
  if (current !== null) return fail(new AlreadyExistsError(key.group, key.resource, key.name, generatedName));
  // The store's own copy (Store.create made it): filled in place.
  const object = input;
  const meta: ObjectMeta = isPlainObject(object.metadata) ? object.metadata : {};
  object.metadata = meta;
  placeInKey(meta, key);
  // The object service assigns the uid before admission (a job's selector is built from it).
  meta.uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : randomUUID();
  meta.resourceVersion = ctx.rv;
  meta.generation = 1;
  meta.creationTimestamp = rfc3339(ctx.now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  return { ok: true, object, change: { type: 'ADDED', object, prev: null }, deleted: false };
}

// generic registry ShouldDeleteDuringUpdate: a terminating object whose last
// finalizer is gone disappears, unless a grace period is still running.
function shouldDeleteDuringUpdate(key: ObjectKey, object: KubeObject): boolean {
  const meta = object.metadata;
  return meta.deletionTimestamp !== undefined && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0 && namespaceFinalizers(key, object).length === 0;
}

// A Namespace is also kept by spec.finalizers ("kubernetes"): deleting it
// marks it Terminating until the namespace controller has emptied it and
// removed its finalizer (namespace registry Delete). A Namespace that never
// had the list (created before create-time defaults set it) counts as
// holding "kubernetes"; only an explicit empty list lets it go at once.
function namespaceFinalizers(key: ObjectKey, object: KubeObject): unknown[] {
  if (key.group !== '' || key.resource !== 'namespaces') return [];
  const finalizers = (object.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (finalizers === undefined) return ['kubernetes'];
  return Array.isArray(finalizers) ? finalizers : [];
}

function newFinalizersOnTerminating(key: ObjectKey, current: KubeObject, next: KubeObject): InvalidError | undefined {
  if (current.metadata.deletionTimestamp === undefined) return undefined;
  const before = new Set(current.metadata.finalizers ?? []);
  const added = [...new Set(next.metadata.finalizers ?? [])].filter((f) => !before.has(f)).sort();
  if (added.length === 0) return undefined;
  // Go's %#v of a []string, as ValidateObjectMetaUpdate prints it.
  const listed = `[]string{${added.map((f) => JSON.stringify(f)).join(', ')}}`;
  return new InvalidError(kindOf(key, current), key.group, key.name, [
    { field: 'metadata.finalizers', reason: 'FieldValueForbidden', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${listed}` },
  ]);
}

// A Namespace write that does not mention spec.finalizers keeps them (they
// are server-set at create; a client replacing the object from a manifest
// must not drop them). The namespace controller removes its finalizer by
// writing the list explicitly, as namespaces/<name>/finalize does.
function keepNamespaceFinalizers(key: ObjectKey, current: KubeObject, next: KubeObject): void {
  if (key.group !== '' || key.resource !== 'namespaces') return;
  const kept = (current.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (kept === undefined) return;
  const spec = isPlainObject(next.spec) ? (next.spec as { finalizers?: unknown }) : {};
  if (spec.finalizers === undefined) {
    spec.finalizers = jsonClone(kept);
    next.spec = spec;
  }
}

export function planUpdate(key: ObjectKey, input: KubeObject, current: KubeObject | null, ctx: MutationContext, options: UpdateOptions): Outcome {
  if (current === null) return fail(NotFoundError.of(key));
  const inputMeta: ObjectMeta = isPlainObject(input.metadata) ? input.metadata : {};
  const uid = current.metadata.uid ?? '';
  if (inputMeta.uid !== undefined && inputMeta.uid !== '' && inputMeta.uid !== uid) {
    return fail(ConflictError.uidPrecondition(key, inputMeta.uid, uid));
  }
  // An update without resourceVersion is unconditional; with one it must be current.
  if (inputMeta.resourceVersion !== undefined && inputMeta.resourceVersion !== '' && inputMeta.resourceVersion !== current.metadata.resourceVersion) {
    return fail(ConflictError.stale(key));
  }
  const preconditionError = checkPreconditions(key, current, options.preconditions);
  if (preconditionError) return fail(preconditionError);

  let next: KubeObject;
  if (options.subresource === 'status') {
    next = jsonClone(current);
    setOrDelete(next, 'status', jsonClone(input.status));
  } else {
    next = jsonClone({ ...input, metadata: inputMeta });
    if (options.hasStatusSubresource !== false) setOrDelete(next, 'status', jsonClone(current.status));
    const meta = next.metadata;
    placeInKey(meta, key);
    // Server-owned fields cannot be set or altered by an update.
    const cur = current.metadata;
    meta.uid = cur.uid;
    setOrDelete(meta, 'creationTimestamp', cur.creationTimestamp);
    setOrDelete(meta, 'generation', cur.generation);
    setOrDelete(meta, 'deletionTimestamp', cur.deletionTimestamp);
    setOrDelete(meta, 'deletionGracePeriodSeconds', cur.deletionGracePeriodSeconds);
    keepNamespaceFinalizers(key, current, next);
    const forbidden = newFinalizersOnTerminating(key, current, next);
    if (forbidden) return fail(forbidden);
  }
  next.metadata.resourceVersion = current.metadata.resourceVersion;
  if (!jsonEqual(specPart(next), specPart(current))) next.metadata.generation = (current.metadata.generation ?? 0) + 1;
  // Writing what is already stored changes nothing: no new version, no event.
  if (jsonEqual(next, current)) return { ok: true, object: current, change: null, deleted: false };
  next.metadata.resourceVersion = ctx.rv;
  if (shouldDeleteDuringUpdate(key, next)) {
    return { ok: true, object: next, change: { type: 'DELETED', object: next, prev: current }, deleted: true };
  }
  return { ok: true, object: next, change: { type: 'MODIFIED', object: next, prev: current }, deleted: false };
}

// The finalizers a propagation policy implies (generic registry
// deletionFinalizersForGarbageCollection): each policy excludes the others.
function finalizersFor(existing: string[], policy: DeleteOptions['propagationPolicy']): string[] {
  if (policy === undefined) return existing;
  const kept = existing.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (policy === 'Orphan') kept.push(ORPHAN);
  if (policy === 'Foreground') kept.push(FOREGROUND);
  return kept;
}

export function planDelete(key: ObjectKey, current: KubeObject | null, ctx: MutationContext, options: DeleteOptions): Outcome {
  if (current === null) return fail(NotFoundError.of(key));
  const preconditionError = checkPreconditions(key, current, options.preconditions);
  if (preconditionError) return fail(preconditionError);

  const cur = current.metadata;
  const finalizers = finalizersFor(cur.finalizers ?? [], options.propagationPolicy);
  const grace = Math.max(0, options.gracePeriodSeconds ?? 0);
  const next = jsonClone(current);
  const meta = next.metadata;
  if (finalizers.length > 0 || (cur.finalizers ?? []).length > 0) meta.finalizers = finalizers;
  if (finalizers.length === 0) delete meta.finalizers;

  if (cur.deletionTimestamp !== undefined) {
    const pendingGrace = cur.deletionGracePeriodSeconds ?? 0;
    if (pendingGrace > 0 && grace < pendingGrace) {
      // A shorter grace period replaces a running one (as kubelet's final delete with 0 does).
      meta.deletionGracePeriodSeconds = grace;
      meta.deletionTimestamp = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
    }
    if (jsonEqual(next, current)) return { ok: true, object: current, change: null, deleted: false };
  } else {
    if (grace > 0) {
      meta.deletionTimestamp = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
    } else if (finalizers.length > 0 || namespaceFinalizers(key, next).length > 0) {
      meta.deletionTimestamp = rfc3339(ctx.now);
      meta.deletionGracePeriodSeconds = 0;
      if (namespaceFinalizers(key, next).length > 0) next.status = { ...(next.status as object | undefined), phase: 'Terminating' };
    }
    // Marking an object as deleting bumps its generation (generic registry markAsDeleting).
    if (meta.deletionTimestamp !== undefined && (cur.generation ?? 0) > 0) meta.generation = (cur.generation ?? 0) + 1;
  }
  meta.resourceVersion = ctx.rv;
  if (meta.deletionTimestamp === undefined || shouldDeleteDuringUpdate(key, next)) {
    return { ok: true, object: next, change: { type: 'DELETED', object: next, prev: current }, deleted: true };
  }
  return { ok: true, object: next, change: { type: 'MODIFIED', object: next, prev: current }, deleted: false };
}

/** Runs one write against the object as it stands (or null when absent). */
export function plan(op: WriteOp, current: KubeObject | null, ctx: MutationContext): Outcome {
  switch (op.kind) {
    case 'create':
      return planCreate(op.key, op.object, current, ctx, op.generatedName);
    case 'update':
      return planUpdate(op.key, op.object, current, ctx, op.options);
    case 'delete':
      return planDelete(op.key, current, ctx, op.options);
    default:
      return assertNever(op);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
