// The structural operations server-side apply runs over objects and their
// schema (structured-merge-diff's typed package): which field paths a value sets,
// how two values differ, how an applied configuration merges into the live
// object, and how owned fields are removed.
//
// Shapes follow the patch metadata: lists are atomic unless tagged `set` or
// `map` (associative), maps and structs are granular unless tagged atomic.
// Scalars, nulls, atomic lists and maps, and empty maps and lists are leaves.

import type { Path, PathElement } from './field-path.js';
import { fieldElement, keyElement, pathString, valueElement } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { cloneJson, getOwn, isJsonObject, jsonEqual } from './json-value.js';
import type { SchemaNode } from './patch-metadata.js';

/** A value that does not fit its schema (duplicate keys, list items without keys, ...). */
export class TypedValueError extends Error {
  override readonly name = 'TypedValueError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export type Shape = 'leaf' | 'map' | 'list';

export function shapeOf(value: JsonValue, node: SchemaNode): Shape {
  if (Array.isArray(value)) return node.listType === 'atomic' ? 'leaf' : 'list';
  if (isJsonObject(value)) return node.atomicMap ? 'leaf' : 'map';
  return 'leaf';
}

export const isEmptyContainer = (value: JsonValue | undefined): boolean =>
  value === undefined || (Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0);

/** Go's %q of a []string: `["name" "protocol"]`. */
const quotedList = (items: readonly string[]): string => `[${items.map((i) => JSON.stringify(i)).join(' ')}]`;

/** The path element naming a list item: its key fields, or its value for a set. */
export function itemElement(item: JsonValue, list: SchemaNode): PathElement | string {
  const keys = list.listMapKeys;
  if (list.listType === 'map' && keys.length > 0) {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isJsonObject(item)) return 'associative list with keys may not have non-map elements';
    const defaults = list.meta?.keyDefaults ?? {};
    const fields: [string, JsonValue][] = [];
    for (const key of keys) {
      const value = getOwn(item, key);
      if (value !== undefined) fields.push([key, value]);
      else if (Object.prototype.hasOwnProperty.call(defaults, key)) fields.push([key, defaults[key] as JsonValue]);
    }
    if (fields.length === 0) return `associative list with keys has an element that omits all key fields ${quotedList(keys)} (and doesn't have default values for any key fields)`;
    return keyElement(fields);
  }
  if (isJsonObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null) return "associative list without keys has an element that's an explicit null";
  return valueElement(item);
}

interface IndexedItems {
  /** Elements in list order, duplicates repeated. */
  elements: PathElement[];
  /** Element key -> the item, or null when several items share the element. */
  byKey: Map<string, JsonValue>;
  duplicates: Set<string>;
}

function indexItems(list: readonly JsonValue[], node: SchemaNode, path: Path, allowDuplicates: boolean): IndexedItems {
  const out: IndexedItems = { elements: [], byKey: new Map(), duplicates: new Set() };
  list.forEach((item, i) => {
    const pe = itemElement(item, node);
    if (typeof pe === 'string') throw new TypedValueError(pathString(path), `element ${i}: ${pe}`);
    const key = keyOf(pe);
    if (out.byKey.has(key)) {
      if (!allowDuplicates) throw new TypedValueError(pathString(path), `duplicate entries for key ${pathString([pe])}`);
      out.duplicates.add(key);
      out.byKey.set(key, null);
    } else {
      out.byKey.set(key, item);
    }
    out.elements.push(pe);
  });
  return out;
}

function keyOf(pe: PathElement): string {
  return JSON.stringify(pe);
}

/** Checks an applied configuration: list items must carry keys, and keys must be unique. */
export function validateTyped(value: JsonValue, node: SchemaNode, path: Path = []): void {
  const shape = shapeOf(value, node);
  if (shape === 'map') {
    for (const key of Object.keys(value as JsonObject)) {
      const child = (value as JsonObject)[key] as JsonValue;
      validateTyped(child, node.field(key), [...path, fieldElement(key)]);
    }
  } else if (shape === 'list') {
    const list = value as JsonValue[];
    const indexed = indexItems(list, node, path, false);
    list.forEach((item, i) => validateTyped(item, node.item(), [...path, indexed.elements[i] as PathElement]));
  }
}

/** The set of paths a value sets (TypedValue.ToFieldSet). */
export function toFieldSet(value: JsonValue, node: SchemaNode): FieldSet {
  const set = new FieldSet();
  collectFields(value, node, [], set);
  return set;
}

function collectFields(value: JsonValue, node: SchemaNode, path: Path, set: FieldSet): void {
  const shape = shapeOf(value, node);
  if (shape === 'leaf') {
    set.insert(path);
  } else if (shape === 'map') {
    const object = value as JsonObject;
    for (const key of Object.keys(object)) {
      const child = object[key] as JsonValue;
      const childPath = [...path, fieldElement(key)];
      collectFields(child, node.field(key), childPath, set);
      // A field set to null or to an empty map owns itself; other fields are owned through their content.
      if (child === null || (isJsonObject(child) && Object.keys(child).length === 0)) set.insert(childPath);
    }
  } else {
    const list = value as JsonValue[];
    const indexed = indexItems(list, node, path, true);
    list.forEach((item, i) => {
      const pe = indexed.elements[i] as PathElement;
      const itemPath = [...path, pe];
      if (!indexed.duplicates.has(keyOf(pe))) collectFields(item, node.item(), itemPath, set);
      set.insert(itemPath);
    });
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Which paths a change from `lhs` to `rhs` adds, modifies and removes (TypedValue.Compare). */
export function compareValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(lhs, rhs, node, [], out);
  return out;
}

function compareAt(lhsIn: JsonValue | undefined, rhsIn: JsonValue | undefined, node: SchemaNode, path: Path, out: Comparison): void {
  // A null map or list on one side is present but empty (Go's nil map or slice).
  const lhs = lhsIn === null && isContainer(rhsIn, node) ? emptyLike(rhsIn) : lhsIn;
  const rhs = rhsIn === null && isContainer(lhsIn, node) ? emptyLike(lhsIn) : rhsIn;
  const lShape = lhs === undefined ? undefined : shapeOf(lhs, node);
  const rShape = rhs === undefined ? undefined : shapeOf(rhs, node);
  const shape = lShape ?? rShape;
  const bothEmpty = isEmptyContainer(lhs) && isEmptyContainer(rhs);
  if (shape === 'leaf' || (lShape !== undefined && rShape !== undefined && lShape !== rShape) || bothEmpty) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (!jsonEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (shape === 'map') {
    const l = lhs === undefined ? undefined : withZeroFields(lhs as JsonObject, node);
    const r = rhs === undefined ? undefined : withZeroFields(rhs as JsonObject, node);
    const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
    for (const key of keys) {
      compareAt(l === undefined ? undefined : getOwn(l, key), r === undefined ? undefined : getOwn(r, key), node.field(key), [...path, fieldElement(key)], out);
    }
  } else {
    compareLists((lhs ?? []) as JsonValue[], (rhs ?? []) as JsonValue[], node, path, out);
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

export function isContainer(value: JsonValue | undefined, node: SchemaNode): value is JsonObject | JsonValue[] {
  return value !== undefined && value !== null && shapeOf(value, node) !== 'leaf';
}

export function emptyLike(value: JsonObject | JsonValue[]): JsonValue {
  return Array.isArray(value) ? [] : {};
}

/**
 * The map as Go's typed object would have it: unset non-pointer structs are {}
 * and unset slices without omitempty are null, so an object and its defaulted
 * form compare as upstream compares them.
 */
export function withZeroFields(value: JsonObject, node: SchemaNode): JsonObject {
  const zeros = node.zeroFields;
  if (zeros.length === 0) return value;
  const out: JsonObject = { ...value };
  for (const [name, zero] of zeros) if (getOwn(out, name) === undefined) out[name] = zero === 'object' ? {} : null;
  return out;
}

function compareLists(lhs: JsonValue[], rhs: JsonValue[], node: SchemaNode, path: Path, out: Comparison): void {
  const group = (list: JsonValue[]): Map<string, { pe: PathElement; items: JsonValue[] }> => {
    const map = new Map<string, { pe: PathElement; items: JsonValue[] }>();
    for (const item of list) {
      const pe = itemElement(item, node);
      if (typeof pe === 'string') throw new TypedValueError(pathString(path), pe);
      const entry = map.get(keyOf(pe)) ?? { pe, items: [] };
      entry.items.push(item);
      map.set(keyOf(pe), entry);
    }
    return map;
  };
  const left = group(lhs);
  const right = group(rhs);
  const keys = new Set([...left.keys(), ...right.keys()]);
  for (const key of keys) {
    const l = left.get(key);
    const r = right.get(key);
    const pe = (l ?? r)?.pe as PathElement;
    const lItems = l?.items ?? [];
    const rItems = r?.items ?? [];
    const itemPath = [...path, pe];
    if (lItems.length <= 1 && rItems.length <= 1) {
      compareAt(lItems[0], rItems[0], node.item(), itemPath, out);
    } else if (lItems.length >= 2 && rItems.length >= 2) {
      if (!jsonEqual(lItems, rItems)) out.modified.insert(itemPath);
    } else if (lItems.length >= 2) {
      if (rItems.length !== 0) compareAt(undefined, rItems[0], node.item(), itemPath, out);
      out.removed.insert(itemPath);
    } else {
      if (lItems.length !== 0) compareAt(lItems[0], undefined, node.item(), itemPath, out);
      out.added.insert(itemPath);
    }
  }
}

/** Merges an applied configuration into the live value (TypedValue.Merge): `rhs` wins on every leaf. */
export function mergeValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode, path: Path = []): JsonValue | undefined {
  if (rhs === undefined) return lhs === undefined ? undefined : cloneJson(lhs);
  if (lhs === undefined || lhs === null) return cloneJson(rhs);
  const lShape = shapeOf(lhs, node);
  const rShape = shapeOf(rhs, node);
  if (lShape !== rShape || rShape === 'leaf' || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) return cloneJson(rhs);
  if (rShape === 'map') {
    const l = lhs as JsonObject;
    const r = rhs as JsonObject;
    const out: JsonObject = {};
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const merged = mergeValues(getOwn(l, key), getOwn(r, key), node.field(key), [...path, fieldElement(key)]);
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  return mergeLists(lhs as JsonValue[], rhs as JsonValue[], node, path);
}

/**
 * Merges associative lists keeping both orders: the configuration's items keep
 * their relative order, and live-only items stay next to the items they
 * followed in the live list.
 */
function mergeLists(lhs: JsonValue[], rhs: JsonValue[], node: SchemaNode, path: Path): JsonValue[] {
  const right = indexItems(rhs, node, path, false);
  const left = indexItems(lhs, node, path, true);
  const shared = right.elements.filter((pe) => left.byKey.has(keyOf(pe))).map(keyOf);
  let nextShared = shared.shift();
  const mergedRight = new Set<string>();
  const out: JsonValue[] = [];
  const push = (value: JsonValue | undefined): void => {
    if (value !== undefined) out.push(value);
  };
  const item = node.item();
  let l = 0;
  let r = 0;
  while (l < left.elements.length || r < right.elements.length) {
    if (l < left.elements.length && r < right.elements.length) {
      const lKey = keyOf(left.elements[l] as PathElement);
      const rKey = keyOf(right.elements[r] as PathElement);
      if (lKey === rKey) {
        mergedRight.add(lKey);
        push(mergeValues(left.byKey.get(lKey) ?? undefined, right.byKey.get(rKey), item));
        l += 1;
        r += 1;
        nextShared = shared.shift();
        continue;
      }
      // A live item the configuration also has, but later: wait for it.
      if (right.byKey.has(lKey) && nextShared !== undefined && nextShared !== lKey) {
        l += 1;
        continue;
      }
    }
    if (l < left.elements.length) {
      const lKey = keyOf(left.elements[l] as PathElement);
      if (!right.byKey.has(lKey)) {
        push(cloneJson(lhs[l] as JsonValue));
        l += 1;
        continue;
      }
      if (mergedRight.has(lKey)) l += 1;
    }
    if (r < right.elements.length) {
      const rKey = keyOf(right.elements[r] as PathElement);
      mergedRight.add(rKey);
      const live = left.byKey.get(rKey);
      push(mergeValues(live === null ? undefined : live, right.byKey.get(rKey), item));
      r += 1;
      if (nextShared === rKey) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * Removes the paths of `set` from a value (TypedValue.RemoveItems). A map or list
 * emptied by the removal disappears (undefined), as it becomes null upstream.
 */
export function removeItems(value: JsonValue, set: FieldSet, node: SchemaNode): JsonValue | undefined {
  const shape = shapeOf(value, node);
  if (shape === 'leaf' || isEmptyContainer(value)) return value;
  if (shape === 'map') {
    const object = value as JsonObject;
    const out: JsonObject = {};
    for (const key of Object.keys(object)) {
      const pe = fieldElement(key);
      if (set.hasMember(pe)) continue;
      const child = object[key] as JsonValue;
      const kept = set.hasChild(pe) ? removeItems(child, set.withPrefix(pe), node.field(key)) : child;
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  const out: JsonValue[] = [];
  for (const item of value as JsonValue[]) {
    const pe = itemElement(item, node);
    if (typeof pe !== 'string' && set.hasMember(pe)) continue;
    const kept = typeof pe !== 'string' && set.hasChild(pe) ? removeItems(item, set.withPrefix(pe), node.item()) : item;
    if (kept !== undefined) out.push(kept);
  }
  return out.length === 0 ? undefined : out;
}

/**
 * Drops what an applier owned before and no longer applies (merge.Updater.prune):
 * a field or item goes when the applier's previous set had it and no manager,
 * the applier's new set included, owns it now. A field name owning anything
 * beneath it counts as owned (EnsureNamedFieldsAreMembers); list items count
 * only when owned themselves.
 */
export function pruneValue(value: JsonValue, previous: FieldSet, owned: FieldSet, node: SchemaNode): JsonValue | undefined {
  const shape = shapeOf(value, node);
  if (shape === 'leaf' || isEmptyContainer(value)) return value;
  if (shape === 'map') {
    const object = value as JsonObject;
    const out: JsonObject = {};
    for (const key of Object.keys(object)) {
      const pe = fieldElement(key);
      const wasApplied = previous.hasMember(pe) || previous.hasChild(pe);
      const isOwned = owned.hasMember(pe) || owned.hasChild(pe);
      if (wasApplied && !isOwned) continue;
      const child = object[key] as JsonValue;
      const kept = previous.hasChild(pe) ? pruneValue(child, previous.withPrefix(pe), owned.withPrefix(pe), node.field(key)) : child;
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  const out: JsonValue[] = [];
  for (const item of value as JsonValue[]) {
    const pe = itemElement(item, node);
    if (typeof pe === 'string') {
      out.push(item);
      continue;
    }
    if (previous.hasMember(pe) && !owned.hasMember(pe)) continue;
    const kept = previous.hasChild(pe) ? pruneValue(item, previous.withPrefix(pe), owned.withPrefix(pe), node.item()) : item;
    if (kept !== undefined) out.push(kept);
  }
  return out.length === 0 ? undefined : out;
}

