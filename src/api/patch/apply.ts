// Server-side apply and field ownership (metadata.managedFields), as the API
// server's field manager does it (apimachinery managedfields + structured-merge-diff):
//
//   serverSideApply     `PATCH` with `application/apply-patch+yaml`: merges the
//                       applied configuration into the live object for one field
//                       manager, removes what that manager applied before and no
//                       longer applies (unless another manager owns it), and
//                       answers 409 when another manager owns a field the
//                       configuration sets to a different value (`force` takes it).
//   updateManagedFields every other write (create, update, patch): records the
//                       fields the write changed as owned by its manager
//                       (operation Update) and takes them from other managers.
//
// Both are pure: they return a new object and never modify their inputs.

import type { StatusCause } from '../errors.js';
import { patchBadRequest, patchInternal, PatchError } from './errors.js';
import type { Path } from './field-path.js';
import { fieldElement, goJson, pathString } from './field-path.js';
import { createdFieldSet } from './created-fields.js';
import { FieldSet } from './field-set.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { assertSafeValue, cloneJson, getOwn, goJsonType, isJsonObject, jsonEqual } from './json-value.js';
import type { ManagedFields, ManagerInfo } from './managed-fields.js';
import { decodeManagedFields, encodeManagedFields, formatTime, managerIdentifier, ManagedFieldsError } from './managed-fields.js';
import type { SchemaNode } from './patch-metadata.js';
import { FIELD_MANAGER_MAX_LENGTH, isPrintable } from './patch-options.js';
import { schemaFor } from './patch-metadata.js';
import { compareValues, mergeValues, pruneValue, toFieldSet, TypedValueError, validateTyped } from './typed-value.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** Update managers kept before the oldest are folded into "ancient-changes" (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;
/** apimachinery's TotalAnnotationSizeLimitB: past it the last-applied annotation is dropped. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface FieldManagerOptions {
  /** The object's API group ('' for core), version and kind, as served at this endpoint. */
  group: string;
  version: string;
  kind: string;
  /** The subresource written ('status', 'scale'), or undefined for the object itself. */
  subresource?: string;
  /**
   * Field paths this endpoint resets (the strategy's reset fields, e.g. `['status']`
   * for the main resource of most kinds): nobody gains or loses ownership of them here.
   */
  resetFields?: readonly (readonly string[])[];
  /** Clock for managedFields times. */
  now?: Date;
  /** Patch metadata of the kind; defaults to the built-in table. */
  schema?: SchemaNode;
}

export interface ApplyOptions extends FieldManagerOptions {
  /** The fieldManager query parameter (required for apply). */
  manager: string;
  /** `force=true`: take ownership of conflicting fields instead of failing. */
  force?: boolean;
}

export interface UpdateOptions extends FieldManagerOptions {
  /** From `managerFromRequest`: the fieldManager parameter or the user agent's product. */
  manager: string;
}

/** Fields nobody owns: identity and server-set metadata (stripMetaManager). */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);

/**
 * The manager of a non-apply write: the fieldManager parameter, else the user
 * agent's product (before the first "/"), printable characters only, at most 128.
 */
export function managerFromRequest(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager !== undefined && fieldManager !== '') return fieldManager;
  const product = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  for (const ch of product) {
    if (Buffer.byteLength(out) >= FIELD_MANAGER_MAX_LENGTH) break;
    if (isPrintable(ch)) out += ch;
  }
  return out;
}

function resetSet(options: FieldManagerOptions): FieldSet {
  return FieldSet.of(...(options.resetFields ?? []).map((path) => path.map(fieldElement)));
}

function groupVersion(options: FieldManagerOptions): string {
  return options.group === '' ? options.version : `${options.group}/${options.version}`;
}

/** schema.GroupVersionKind.String(). */
function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${kind}`;
}

/** The object without metadata.managedFields, which ownership never covers. */
function withoutManagedFields(object: JsonObject): JsonObject {
  const copy = cloneJson(object);
  const metadata = copy.metadata;
  if (isJsonObject(metadata)) delete metadata.managedFields;
  return copy;
}

function withManagedFields(object: JsonObject, managed: ManagedFields): JsonObject {
  const out = cloneJson(object);
  const metadata = isJsonObject(out.metadata) ? out.metadata : (out.metadata = {});
  const encoded = encodeManagedFields(managed);
  if (encoded === undefined) delete metadata.managedFields;
  else metadata.managedFields = encoded as unknown as JsonValue;
  return out;
}

function hasUid(object: JsonObject | undefined): boolean {
  const metadata = object?.metadata;
  return isJsonObject(metadata) && typeof metadata.uid === 'string' && metadata.uid !== '';
}

function stripped(set: FieldSet): FieldSet {
  return set.difference(STRIPPED);
}

/**
 * An Update by `id` changing `live` into `next` (merge.Updater.Update through
 * managedFieldsUpdater): the changed fields become the manager's and leave the others.
 */
function recordUpdate(managed: ManagedFields, live: JsonObject, next: JsonObject, info: ManagerInfo, schema: SchemaNode, reset: FieldSet, time: string): ManagedFields {
  const id = managerIdentifier(info);
  const change = compareValues(live, next, schema);
  const touched = change.modified.union(change.added).recursiveDifference(reset);
  const removed = change.removed.recursiveDifference(reset);
  const out: ManagedFields = new Map();
  for (const [other, owned] of managed) {
    const rest = owned.set.difference(touched).difference(removed);
    if (!rest.empty) out.set(other, { ...owned, set: rest });
  }
  const gained = stripped(touched);
  if (!gained.empty) {
    const previous = out.get(id)?.set ?? new FieldSet();
    out.set(id, { info, set: gained.union(previous), time });
  }
  return capUpdateManagers(out);
}

/** Folds the oldest Update managers into "ancient-changes" once there are more than ten. */
function capUpdateManagers(managed: ManagedFields): ManagedFields {
  const updaters = [...managed.entries()].filter(([, m]) => m.info.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  const seconds = (time: string | undefined): number => (time === undefined ? 0 : Math.floor(Date.parse(time) / 1000) || 0);
  updaters.sort(([idA, a], [idB, b]) => seconds(a.time) - seconds(b.time) || (idA < idB ? -1 : idA > idB ? 1 : 0));
  const out = new Map(managed);
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, entry] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const version = entry.info.apiVersion;
    const bucketInfo: ManagerInfo = { manager: 'ancient-changes', operation: 'Update', apiVersion: version };
    const bucket = managerIdentifier(bucketInfo);
    const first = firstByVersion.get(version);
    if (first === undefined) {
      firstByVersion.set(version, id);
      continue;
    }
    if (!out.has(bucket)) {
      const firstEntry = out.get(first);
      out.delete(first);
      if (firstEntry !== undefined) out.set(bucket, { ...firstEntry, info: bucketInfo });
    }
    const merged = (out.get(bucket)?.set ?? new FieldSet()).union(entry.set);
    out.delete(id);
    out.set(bucket, { info: bucketInfo, set: merged, ...(entry.time === undefined ? {} : { time: entry.time }) });
    count -= 1;
  }
  return out;
}

function decodeOrEmpty(entries: JsonValue | undefined): ManagedFields {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/** An explicit `managedFields: []` (or one empty entry) in a request clears ownership. */
function isReset(entries: JsonValue | undefined): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isJsonObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/**
 * Maintains metadata.managedFields for a create, update or non-apply patch:
 * `live` is the stored object (undefined on create), `next` the object about to
 * be stored. Managed fields a request sends are kept when they decode (that is
 * how clients migrate or clear ownership); objects stored without any are not
 * tracked until their first apply, as upstream. Never fails: on an object that
 * does not fit its schema, the live managedFields are kept (UpdateNoErrors).
 */
export function updateManagedFields(live: JsonObject | undefined, next: JsonObject, options: UpdateOptions): JsonObject {
  const liveEntries = isJsonObject(live?.metadata) ? getOwn(live.metadata, 'managedFields') : undefined;
  const nextEntries = isJsonObject(next.metadata) ? getOwn(next.metadata, 'managedFields') : undefined;
  const isSubresource = options.subresource !== undefined && options.subresource !== '';
  let managed: ManagedFields;
  if (isSubresource) managed = decodeOrEmpty(liveEntries);
  else if (isReset(nextEntries)) managed = new Map();
  else {
    managed = decodeOrEmpty(nextEntries);
    if (managed.size === 0) managed = decodeOrEmpty(liveEntries);
  }
  const target = withoutManagedFields(next);
  // Objects without managed fields start being tracked only at creation or first apply.
  if (managed.size === 0 && hasUid(live)) return target;
  const info: ManagerInfo = { manager: options.manager === '' ? 'unknown' : options.manager, operation: 'Update', apiVersion: groupVersion(options), ...subresourceOf(options) };
  if (live === undefined && !isSubresource && managed.size === 0) return recordCreate(target, info, options);
  try {
    const updated = recordUpdate(managed, withoutManagedFields(live ?? {}), target, info, options.schema ?? schemaFor(options.group, options.kind), resetSet(options), formatTime(options.now ?? new Date()));
    return withManagedFields(target, updated);
  } catch (err) {
    if (!(err instanceof TypedValueError)) throw err;
    const kept = cloneJson(target);
    if (liveEntries !== undefined && isJsonObject(kept.metadata)) kept.metadata.managedFields = cloneJson(liveEntries);
    return kept;
  }
}

/**
 * updateManagedFields for a create nobody owned fields of before: the manager
 * owns exactly the fields of the new object (see created-fields.ts). `target`
 * is the caller's fresh copy and is completed in place.
 */
function recordCreate(target: JsonObject, info: ManagerInfo, options: UpdateOptions): JsonObject {
  let set: FieldSet;
  try {
    set = createdFieldSet(target, options.schema ?? schemaFor(options.group, options.kind), resetSet(options), STRIPPED);
  } catch (err) {
    if (!(err instanceof TypedValueError)) throw err;
    return target;
  }
  const metadata = isJsonObject(target.metadata) ? target.metadata : (target.metadata = {});
  if (!set.empty) {
    const managed: ManagedFields = new Map([[managerIdentifier(info), { info, set, time: formatTime(options.now ?? new Date()) }]]);
    metadata.managedFields = encodeManagedFields(managed) as unknown as JsonValue;
  }
  return target;
}

function subresourceOf(options: FieldManagerOptions): { subresource?: string } {
  return options.subresource === undefined || options.subresource === '' ? {} : { subresource: options.subresource };
}

interface Conflict {
  manager: string;
  path: Path;
}

class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super('apply conflicts');
  }
}

/** printManager: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`, `"x" with subresource "status" using v1`. */
function printManager(id: string): string {
  let info: { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  try {
    info = JSON.parse(id) as typeof info;
  } catch {
    return JSON.stringify(id);
  }
  let out = JSON.stringify(info.manager ?? '');
  if (info.subresource !== undefined && info.subresource !== '') out += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') out += ` using ${info.apiVersion ?? ''}`;
  return out;
}

/** 409 Conflict with one cause per field, worded as apiserver's NewConflictError. */
function conflictError(conflicts: Conflict[]): PatchError {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    const only = conflicts[0] as Conflict;
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathString(only.path)}`;
  } else {
    const byManager = new Map<string, Path[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(manager)}:`);
      for (const path of byManager.get(manager) ?? []) lines.push(`- ${pathString(path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new PatchError(409, 'Conflict', message, undefined, causes);
}

interface ApplyResult {
  object: JsonObject;
  managed: ManagedFields;
}

/** One apply of `config` by `info` (merge.Updater.Apply + prune + update). */
function applyOnce(live: JsonObject, config: JsonObject, managed: ManagedFields, info: ManagerInfo, schema: SchemaNode, reset: FieldSet, time: string, force: boolean): ApplyResult {
  const id = managerIdentifier(info);
  const merged = mergeValues(live, config, schema) as JsonObject;
  const previous = managed.get(id);
  const applied = toFieldSet(config, schema).recursiveDifference(reset);
  const managers: ManagedFields = new Map(managed);
  managers.set(id, { info, set: applied, ...(previous?.time === undefined ? {} : { time: previous.time }) });

  let next = merged;
  if (previous !== undefined && !previous.set.empty) {
    let owned = new FieldSet();
    for (const entry of managers.values()) owned = owned.union(entry.set);
    next = (pruneValue(merged, previous.set, owned, schema) as JsonObject | undefined) ?? {};
  }

  const change = compareValues(live, next, schema);
  const touched = change.modified.union(change.added).recursiveDifference(reset);
  const removed = change.removed.recursiveDifference(reset);
  const conflicts: Conflict[] = [];
  for (const [other, owned] of [...managers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (other === id) continue;
    for (const path of owned.set.intersection(touched).paths()) conflicts.push({ manager: other, path });
  }
  if (conflicts.length > 0 && !force) throw new ApplyConflicts(conflicts);

  const out: ManagedFields = new Map();
  for (const [other, owned] of managers) {
    if (other === id) continue;
    const rest = owned.set.difference(touched).difference(removed);
    if (!rest.empty) out.set(other, { ...owned, set: rest });
  }
  const changed = !jsonEqual(live, next);
  const mine = stripped(applied);
  if (!mine.empty) out.set(id, { info, set: mine, ...(changed ? { time } : previous?.time === undefined ? {} : { time: previous.time }) });
  return { object: changed ? next : live, managed: out };
}

/** Fields kubectl's last client-side apply set that still hold those values (lastAppliedManager). */
function allowedByLastApplied(live: JsonObject, schema: SchemaNode, apiVersion: string): FieldSet | undefined {
  const annotations = isJsonObject(live.metadata) ? live.metadata.annotations : undefined;
  const text = isJsonObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
    assertSafeValue(lastApplied);
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  try {
    const set = toFieldSet(lastApplied, schema);
    const change = compareValues(lastApplied, live, schema);
    return set.difference(change.modified).difference(change.added).difference(change.removed);
  } catch {
    return undefined;
  }
}

/** JSON of the applied configuration as Go's unstructured encoder writes it: keys sorted. */
function sortedJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${goJson(k)}:${sortedJson(value[k] as JsonValue)}`)
      .join(',')}}`;
  }
  return goJson(value);
}

/** After kubectl's server-side apply, keeps an existing last-applied annotation in step (lastAppliedUpdater). */
function updateLastApplied(object: JsonObject, config: JsonObject): JsonObject {
  const annotations = isJsonObject(object.metadata) ? object.metadata.annotations : undefined;
  if (!isJsonObject(annotations) || typeof annotations[LAST_APPLIED_ANNOTATION] !== 'string' || annotations[LAST_APPLIED_ANNOTATION] === '') return object;
  const lastApplied = cloneJson(config);
  const configAnnotations = isJsonObject(lastApplied.metadata) ? lastApplied.metadata.annotations : undefined;
  if (isJsonObject(configAnnotations)) delete configAnnotations[LAST_APPLIED_ANNOTATION];
  const out = cloneJson(object);
  const outAnnotations = (out.metadata as JsonObject).annotations as JsonObject;
  outAnnotations[LAST_APPLIED_ANNOTATION] = sortedJson(lastApplied);
  const size = Object.entries(outAnnotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : ''), 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete outAnnotations[LAST_APPLIED_ANNOTATION];
  return out;
}

/**
 * Server-side apply of a configuration (the parsed apply-patch body) by
 * `options.manager`. `live` is the stored object, or undefined when the apply
 * creates it. Returns the object to store, managedFields included. Throws
 * PatchError: 400 for a configuration of another kind or carrying managedFields,
 * 409 for conflicts, 500 (as upstream) for a configuration that does not fit the
 * kind's list keys.
 */
export function serverSideApply(live: JsonObject | undefined, config: unknown, options: ApplyOptions): JsonObject {
  if (!isJsonObject(config)) throw patchBadRequest(`error decoding patch: json: cannot unmarshal ${goJsonType(config)} into Go value of type map[string]interface {}`);
  assertSafeValue(config);
  const apiVersion = groupVersion(options);
  const configApiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const configKind = typeof config.kind === 'string' ? config.kind : '';
  if (configApiVersion !== apiVersion || configKind !== options.kind) throw patchBadRequest(`invalid object type: ${gvkString(configApiVersion, configKind)}`);
  if (isJsonObject(config.metadata) && config.metadata.managedFields !== undefined) throw patchBadRequest('metadata.managedFields must be nil');

  const schema = options.schema ?? schemaFor(options.group, options.kind);
  const meta = isJsonObject(config.metadata) ? config.metadata : {};
  const describe = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}; ${gvkString(apiVersion, options.kind)}`;
  try {
    validateTyped(config, schema);
  } catch (err) {
    if (err instanceof TypedValueError) throw patchInternal(`failed to create typed patch object (${describe}): ${err.message}`);
    throw err;
  }

  let managed: ManagedFields;
  try {
    managed = decodeManagedFields(isJsonObject(live?.metadata) ? getOwn(live.metadata, 'managedFields') : undefined);
  } catch (err) {
    if (err instanceof ManagedFieldsError) throw patchInternal(`failed to decode managed fields: ${err.message}`);
    throw err;
  }

  const reset = resetSet(options);
  const time = formatTime(options.now ?? new Date());
  const liveObject = live === undefined ? {} : withoutManagedFields(live);
  try {
    // Fields set before anyone applied get an owner, so the first applier cannot silently take them.
    if (managed.size === 0 && hasUid(live)) {
      const before: ManagerInfo = { manager: 'before-first-apply', operation: 'Update', apiVersion, ...subresourceOf(options) };
      managed = recordUpdate(managed, {}, liveObject, before, schema, reset, time);
    }
    const info: ManagerInfo = { manager: options.manager, operation: 'Apply', apiVersion, ...subresourceOf(options) };
    let result: ApplyResult;
    try {
      result = applyOnce(liveObject, config, managed, info, schema, reset, time, options.force === true);
    } catch (err) {
      if (!(err instanceof ApplyConflicts)) throw err;
      if (options.manager !== 'kubectl') throw conflictError(err.conflicts);
      // kubectl moving from client-side to server-side apply: fields its last
      // client-side apply set, still at those values, are not conflicts.
      const allowed = allowedByLastApplied(liveObject, schema, apiVersion);
      const remaining = allowed === undefined ? err.conflicts : err.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw conflictError(remaining);
      result = applyOnce(liveObject, config, managed, info, schema, reset, time, true);
    }
    let object = result.object;
    if (options.manager === 'kubectl') object = updateLastApplied(object, config);
    return withManagedFields(object, result.managed);
  } catch (err) {
    if (err instanceof TypedValueError) throw patchInternal(`failed to create typed live object (${describe}): ${err.message}`);
    throw err;
  }
}
