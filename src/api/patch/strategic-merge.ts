// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`),
// applied as the API server applies it (apimachinery strategicpatch,
// StrategicMergeMapPatch): a JSON merge patch where lists tagged
// `patchStrategy: merge` merge item by item (by their merge key for lists of
// objects, as a set for lists of scalars), plus the directives kubectl sends:
//
//   {"$patch": "replace" | "delete"}         in a map: replace it / clear it
//   {"name": "x", "$patch": "delete"}        in a merging list: delete item x
//   {"$patch": "replace"}                    in a merging list: the list is the patch's items
//   "$deleteFromPrimitiveList/<field>": [..] remove scalars from a merging list
//   "$setElementOrder/<field>": [..]         the order of the resulting list
//   "$retainKeys": [..]                      drop the map's keys not listed (unions)
//   null                                     delete the key
//
// Errors carry the status apiserver answers for them (interpretStrategicMergePatchError):
// malformed directives are 400, lists of lists are 422, and the rest (a list item
// without its merge key, mixed element types) is a plain 500 with upstream's text.

import { patchBadRequest, patchInternal, patchRejected } from './errors.js';
import type { PatchError } from './errors.js';
import { goFormat } from './go-format.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { assertSafeKey, assertSafeValue, cloneJson, getOwn, goJsonType, hasOwn, isJsonObject } from './json-value.js';
import type { SchemaNode } from './patch-metadata.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// mergepatch's sentinel errors.
const badPrimitiveList = (): PatchError => patchBadRequest('invalid patch format of primitive list');
const badRetainKeys = (): PatchError => patchBadRequest('invalid patch format of retainKeys');
const badSetElementOrder = (): PatchError => patchBadRequest('invalid patch format of setElementOrder list');
const noListOfLists = (): PatchError => patchRejected('lists of lists are not supported');
const noMergeKey = (item: JsonValue, key: string): PatchError => patchInternal(`map: ${goFormat(item)} does not contain declared merge key: ${key}`);
const badPatchType = (directive: JsonValue | undefined, item: JsonValue): PatchError =>
  patchInternal(`unknown patch type: ${typeof directive === 'string' ? directive : goFormat(directive)} in map: ${goFormat(item)}`);

/** reflect.TypeOf names, for mergepatch.ErrBadArgType's message. */
function goTypeName(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '%!s(<nil>)';
  if (Array.isArray(value)) return '[]interface {}';
  if (isJsonObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

const badArgType = (expected: 'list' | 'map', actual: JsonValue | undefined): PatchError =>
  patchInternal(`expected a ${expected === 'list' ? '[]interface {}' : 'map[string]interface {}'}, but received a ${goTypeName(actual)}`);

/** The element "kind" sliceElementType compares: Go's dynamic types after decoding. */
type ElementKind = 'map' | 'list' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

function kindOf(value: JsonValue): ElementKind {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'list';
  if (isJsonObject(value)) return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function elementKind(...lists: (JsonValue[] | undefined)[]): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const item of list ?? []) {
      const current = kindOf(item);
      if (kind === undefined) {
        if (current === 'list') throw noListOfLists();
        kind = current;
      } else if (kind !== current) {
        throw patchInternal(`list element types are not identical: ${goFormat(lists.map((l) => l ?? null))}`);
      }
    }
  }
  if (kind === undefined) throw patchInternal('no elements in any of the given slices');
  return kind;
}

/**
 * What a patch value becomes once stored: upstream drops null members and
 * directive-bearing maps here (discardNullValuesFromPatch + removeDirectives), and
 * its typed decoding drops any other directive keys, so kubeql drops them all.
 */
function cleanPatchValue(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const cleaned = item === null ? null : cleanPatchValue(item);
      if (cleaned !== undefined) out.push(cleaned);
    }
    return out;
  }
  if (isJsonObject(value)) {
    if (hasOwn(value, DIRECTIVE)) return undefined;
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      const item = value[key] as JsonValue;
      if (item === null || isDirectiveKey(key)) continue;
      const cleaned = cleanPatchValue(item);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return out;
  }
  return value;
}

function isDirectiveKey(key: string): boolean {
  return key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`) || key.startsWith(`${SET_ELEMENT_ORDER}/`);
}

/** `$prefix/field` -> `field`; the error depends on the prefix, as upstream's extractKey. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? badPrimitiveList() : badSetElementOrder();
  }
  const field = key.slice(slash + 1);
  assertSafeKey(field);
  return field;
}

/** The non-retainKeys strategy of a field: '', 'merge' or 'replace'. */
function otherStrategy(schema: SchemaNode): string {
  const strategies = schema.patchStrategies.filter((s) => s !== 'retainKeys');
  if (strategies.length > 1 || schema.patchStrategies.length > 2) throw patchInternal(`unexpected patch strategy: [${schema.patchStrategies.join(' ')}]`);
  return strategies[0] ?? '';
}

/** Value of the merge key for `index` comparisons; scalars stand for themselves. */
function keyValue(item: JsonValue, mergeKey: string, kind: ElementKind): JsonValue | undefined {
  if (kind !== 'map') return item;
  return isJsonObject(item) ? getOwn(item, mergeKey) : undefined;
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  const wanted = keyValue(item, mergeKey, kind);
  return list.findIndex((candidate) => keyValue(candidate, mergeKey, kind) === wanted);
}

function requireMergeKeys(mergeKey: string, ...lists: readonly JsonValue[][]): void {
  if (mergeKey === '') return;
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item)) throw badArgType('map', item);
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** Stable sort of `items` by their position in `order` (normalizeSliceOrder); `$patch: delete` items go last. */
function sortByOrder(items: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let toSort = items;
  let deleted: JsonValue[] = [];
  if (kind === 'map') {
    requireMergeKeys(mergeKey, items, [...order]);
    toSort = items.filter((item) => !(isJsonObject(item) && getOwn(item, DIRECTIVE) === 'delete'));
    deleted = items.filter((item) => isJsonObject(item) && getOwn(item, DIRECTIVE) === 'delete');
  }
  const positioned = toSort.map((item, i) => ({ item, i, at: indexIn(order, item, mergeKey, kind) }));
  positioned.sort((a, b) => (a.at >= 0 && b.at >= 0 && a.at !== b.at ? a.at - b.at : a.i - b.i));
  return [...positioned.map((p) => p.item), ...deleted];
}

/**
 * Interleaves server-only items into the patch's items, keeping each list's own
 * order and, where both appear in the live list, the live order (mergeSortedSlice).
 */
function interleave(serverOnly: JsonValue[], patchItems: JsonValue[], serverOrder: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++] as JsonValue);
    else if (j >= patchItems.length) out.push(serverOnly[i++] as JsonValue);
    else {
      const left = indexIn(serverOrder, serverOnly[i] as JsonValue, mergeKey, kind);
      const right = indexIn(serverOrder, patchItems[j] as JsonValue, mergeKey, kind);
      if (left >= 0 && right >= 0 && left < right) out.push(serverOnly[i++] as JsonValue);
      else out.push(patchItems[j++] as JsonValue);
    }
  }
  return out;
}

function normalizeOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const sortedPatch = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return interleave(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/** Splits `merged` into items present in `by` (by merge key for objects) and the rest. */
function partition(merged: JsonValue[], by: readonly JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of merged) {
    let present: boolean;
    if (mergeKey === '') {
      present = by.some((candidate) => candidate === item);
    } else {
      if (!isJsonObject(item)) throw badArgType('map', item);
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      present = findByKey(by, mergeKey, getOwn(item, mergeKey) as JsonValue) >= 0;
    }
    (present ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

/** Index of the first object whose merge key equals `value` (findMapInSliceBasedOnKeyValue). */
function findByKey(list: readonly JsonValue[], mergeKey: string, value: JsonValue): number {
  for (let i = 0; i < list.length; i += 1) {
    const item = list[i] as JsonValue;
    if (!isJsonObject(item)) throw patchInternal(`value for key ${i} is not a map`);
    if (hasOwn(item, mergeKey) && getOwn(item, mergeKey) === value) return i;
  }
  return -1;
}

function dedupeScalars(items: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of items) if (!out.some((existing) => existing === item)) out.push(item);
  return out;
}

/** Applies `$patch` items of a merging list of objects; returns the new original and the remaining patch items. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let current = original;
  for (const item of patch) {
    const entry = item as JsonObject;
    if (!hasOwn(entry, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = getOwn(entry, DIRECTIVE);
    if (directive === 'delete') {
      if (!hasOwn(entry, mergeKey)) throw noMergeKey(entry, mergeKey);
      const value = getOwn(entry, mergeKey) as JsonValue;
      current = current.filter((candidate, i) => {
        if (!isJsonObject(candidate)) throw patchInternal(`value for key ${i} is not a map`);
        return !(hasOwn(candidate, mergeKey) && getOwn(candidate, mergeKey) === value);
      });
    } else if (directive === 'replace') {
      // The other items are still scanned so their directives are validated.
      replace = true;
    } else if (directive === 'merge') {
      throw patchInternal('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, entry);
    }
  }
  return replace ? [plain.map((item) => cleanPatchValue(item) ?? {}), []] : [current, plain];
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: SchemaNode, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: JsonValue[];
  let serverOrder = original;
  let patchOrder = patch;
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((item) => !patch.some((gone) => gone === item));
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw patchInternal('cannot merge lists without merge key');
    const [remaining, items] = applyListDirectives(original, patch, mergeKey);
    serverOrder = remaining;
    patchOrder = items;
    merged = [...remaining];
    for (const item of items) {
      const entry = item as JsonObject;
      if (!hasOwn(entry, mergeKey)) throw noMergeKey(entry, mergeKey);
      const at = findByKey(merged, mergeKey, getOwn(entry, mergeKey) as JsonValue);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, entry, schema);
      else merged.push(cleanPatchValue(entry) ?? {});
    }
  }
  const [patchItems, serverOnly] = partition(merged, patchOrder, kind === 'map' ? mergeKey : '');
  return normalizeOrder(patchItems, serverOnly, patchOrder, serverOrder, kind === 'map' ? mergeKey : '', kind);
}

function mergeListField(original: JsonValue, patch: JsonValue, field: SchemaNode, isDeleteList: boolean): JsonValue {
  if (!Array.isArray(original)) throw badArgType('list', original);
  if (!Array.isArray(patch)) throw badArgType('list', patch);
  if (otherStrategy(field) === 'merge' || isDeleteList) return mergeList(original, patch, field.item(), field.patchMergeKey, isDeleteList);
  // Lists without a merge strategy are replaced by the patch's list.
  return cleanPatchValue(patch) ?? [];
}

/** `$retainKeys`: drop the original's keys not listed; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badRetainKeys();
  const keep = new Set(retain.filter((key): key is string => typeof key === 'string'));
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw badRetainKeys();
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** `$setElementOrder/<field>`: the field's list goes in the given order; the directive's list is consumed first. */
function applyElementOrders(original: JsonObject, patch: JsonObject, schema: SchemaNode): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key] as JsonValue;
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('list', order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const originalList = getOwn(original, field);
    const patchList = getOwn(patch, field);
    if (originalList !== undefined && !Array.isArray(originalList)) throw badArgType('list', originalList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType('list', patchList);
    const fieldSchema = schema.field(field);
    const mergeKey = fieldSchema.patchMergeKey;
    checkOrderMatchesPatch(patchList ?? [], order, mergeKey);

    let merged: JsonValue[];
    if (originalList !== undefined && patchList === undefined) merged = originalList;
    else if (originalList === undefined && patchList !== undefined) merged = cleanPatchValue(patchList) as JsonValue[];
    else if (originalList !== undefined && patchList !== undefined) merged = mergeListField(originalList, patchList, fieldSchema, false) as JsonValue[];
    else continue;

    const [patchItems, serverOnly] = partition(merged, order, mergeKey);
    const kind = elementKind(originalList, patchList);
    original[field] = normalizeOrder(patchItems, serverOnly, order, originalList ?? [], mergeKey, kind);
    delete patch[field];
  }
}

/** The patch's items must appear in the same relative order as in `$setElementOrder` (deletions aside). */
function checkOrderMatchesPatch(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const item of patchList) if (!isJsonObject(item)) throw badArgType('map', item);
    items = patchList.filter((item) => getOwn(item as JsonObject, DIRECTIVE) !== 'delete');
  }
  const same = (left: JsonValue, right: JsonValue): boolean => {
    if (mergeKey === '') return left === right;
    if (!isJsonObject(left)) throw badArgType('map', left);
    if (!isJsonObject(right)) throw badArgType('map', right);
    if (!hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
    if (!hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
    return getOwn(left, mergeKey) === getOwn(right, mergeKey);
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) {
      p += 1;
      continue;
    }
    if (same(item, order[o] as JsonValue)) p += 1;
    o += 1;
  }
  if (p < items.length && o >= order.length) {
    throw patchInternal(`The order in patch list:\n${goFormat([...patchList])}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat([...order])}\n`);
  }
}

/** Merges `patch` into `original` in place (both are private copies) and returns the result. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return cleanPatchValue(patch) as JsonObject;
    }
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  applyElementOrders(original, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    const patchValue = patch[patchKey] as JsonValue;
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = getOwn(original, key);
    if (current === undefined || kindOf(current) !== kindOf(patchValue)) {
      // Absent or of another type: the patch's value wins (a deletion list adds nothing).
      if (!isDeleteList) {
        const cleaned = cleanPatchValue(patchValue);
        if (cleaned === undefined) delete original[key];
        else original[key] = cleaned;
      }
      continue;
    }
    const field = schema.field(key);
    if (isJsonObject(current)) {
      original[key] = otherStrategy(field) === 'replace' ? (cleanPatchValue(patchValue) as JsonObject) : mergeMap(current, patchValue as JsonObject, field);
    } else if (Array.isArray(current)) {
      original[key] = mergeListField(current, patchValue, field, isDeleteList);
    } else {
      original[key] = patchValue;
    }
  }
  return original;
}

/**
 * Applies a strategic merge patch to a document of the given schema (see
 * patch-metadata.ts `schemaFor`) and returns the patched copy; the inputs are not
 * modified. Custom resources have no patch metadata: the REST layer answers 415
 * for this patch type on them, as upstream does.
 */
export function applyStrategicMergePatch(document: JsonObject, patch: unknown, schema: SchemaNode): JsonObject {
  assertSafeValue(patch);
  if (!isJsonObject(patch)) {
    // kjson.Unmarshal into map[string]interface{} fails for anything but an object (null decodes to an empty map).
    if (patch === null) return cloneJson(document);
    throw patchBadRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(document), cloneJson(patch), schema);
}
