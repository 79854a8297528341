// Plain JSON values as the patch engines see them, and the few operations they
// all need. Every engine treats its inputs as read-only and builds new values,
// so a caller's current object (often straight from the store) is never mutated.

import { patchBadRequest } from './errors.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Deeper documents or patches are refused (ARCHITECTURE.md trap 7); Kubernetes objects nest far less. */
export const MAX_PATCH_DEPTH = 100;

/** Keys that would reach Object.prototype if a careless consumer assigned them. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** Throws 400 when a patch names a prototype-polluting key (a path token, a merge key, a map key). */
export function assertSafeKey(key: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw patchBadRequest(`the patch contains the forbidden key "${key}"`);
}

/**
 * Walks a value once, refusing forbidden keys and excessive depth. Engines call
 * this on every patch body before using it, since a body may reach them from a
 * path that skipped the HTTP layer's checks (GraphQL, tests, controllers).
 */
export function assertSafeValue(value: unknown, depth = 0): void {
  if (depth > MAX_PATCH_DEPTH) throw patchBadRequest(`the patch nests deeper than ${MAX_PATCH_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) assertSafeValue(item, depth + 1);
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      assertSafeKey(key);
      assertSafeValue(value[key], depth + 1);
    }
  }
}

/** A deep copy into fresh plain objects (null-prototype-free, never sharing structure with the input). */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      // JSON.parse makes "__proto__" an own key; assigning it would set the prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value: cloneJson(item), enumerable: true, writable: true, configurable: true });
      else out[key] = cloneJson(item);
    }
    return out as T;
  }
  return value;
}

/** Structural equality; object key order does not matter, array order does. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
}

/** Own-property lookup, so `constructor` and friends never resolve to Object.prototype members. */
export function getOwn(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The name Go's encoding/json gives a JSON value's type in unmarshal errors ("cannot unmarshal array into ..."). */
export function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'number' ? 'number' : 'string';
}

/** Serialized size in bytes, used to bound what a patch may copy. */
export function jsonSize(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value));
}
