// Reading and defaulting plain JSON objects as the API receives them. Every
// accessor tolerates a wrong type (the caller gets undefined), because
// admission runs on whatever a client sent, before anything is trusted.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object at `key`, or undefined when absent or not an object. */
export function objectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/** The array at `key`, or undefined when absent or not an array. */
export function arrayAt(parent: unknown, key: string): unknown[] | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return Array.isArray(value) ? value : undefined;
}

/** The objects of the array at `key`, with their indexes (non-objects are skipped). */
export function objectsAt(parent: unknown, key: string): [JsonObject, number][] {
  const items = arrayAt(parent, key) ?? [];
  const out: [JsonObject, number][] = [];
  items.forEach((item, i) => {
    if (isObject(item)) out.push([item, i]);
  });
  return out;
}

export function stringAt(parent: unknown, key: string): string | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberAt(parent: unknown, key: string): number | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'number' ? value : undefined;
}

export function booleanAt(parent: unknown, key: string): boolean | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'boolean' ? value : undefined;
}

/** A map of strings (labels, annotations, selectors); non-string values are dropped. */
export function stringMapAt(parent: unknown, key: string): Record<string, string> | undefined {
  const value = objectAt(parent, key);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Whether `key` holds something other than null/undefined (Go's "pointer is set"). */
export function isSet(parent: unknown, key: string): boolean {
  return isObject(parent) && parent[key] !== undefined && parent[key] !== null;
}

/** Sets `parent[key]` when it is unset or null, as a Go defaulter fills a nil pointer or zero value. */
export function setDefault(parent: JsonObject, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** Sets a string field when it is unset or empty (Go's zero string). */
export function setDefaultString(parent: JsonObject, key: string, value: string): void {
  const current = parent[key];
  if (current === undefined || current === null || current === '') parent[key] = value;
}

/** Sets a number field when it is unset or zero (Go's zero int on a non-pointer field). */
export function setDefaultNumber(parent: JsonObject, key: string, value: number): void {
  const current = parent[key];
  if (current === undefined || current === null || current === 0) parent[key] = value;
}

/** The object at `key`, created (empty) when unset; replaces a non-object. */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const current = parent[key];
  if (isObject(current)) return current;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a).filter((k) => a[k] !== undefined);
    const bk = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ak.length !== bk.length) return false;
    return ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Length of a string as Go's len() counts it: UTF-8 bytes. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * Equality as apimachinery's Semantic.DeepEqual sees decoded Go structs:
 * an absent field, null, an empty list, an empty map and an empty string
 * are all the zero value, so they compare equal to each other.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(withoutZeroValues(a), withoutZeroValues(b));
}

function withoutZeroValues(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withoutZeroValues);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = withoutZeroValues(v);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === null || value === '') return undefined;
  return value;
}
