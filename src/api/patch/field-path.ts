// Field paths as server-side apply names them (sigs.k8s.io/structured-merge-diff
// fieldpath): a path is a list of elements, each a field name, the key of an
// item of an associative list, the value of an item of a set, or an index.
//
// Two renderings matter to clients:
//   - managedFields' fieldsV1 keys: `f:name`, `k:{"name":"nginx"}`, `v:"a"`, `i:0`;
//   - conflict messages: `.spec.template.spec.containers[name="nginx"].image`.

import type { JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  /** Key fields sorted by name. */
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', name });

export function keyElement(fields: Iterable<readonly [string, JsonValue]>): PathElement {
  const sorted = [...fields].sort(([a], [b]) => compareStrings(a, b));
  return { kind: 'key', fields: sorted };
}

export const valueElement = (value: JsonValue): PathElement => ({ kind: 'value', value });

/** Byte-wise order, like Go's strings.Compare on UTF-8 (identical for the BMP below U+D800). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RANK: Record<PathElement['kind'], number> = { field: 0, key: 1, value: 2, index: 3 };

/** The total order of elements: field names, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeyFields(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
    default:
      return 0;
  }
}

function compareKeyFields(a: readonly (readonly [string, JsonValue])[], b: readonly (readonly [string, JsonValue])[]): number {
  for (let i = 0; ; i += 1) {
    if (i >= a.length || i >= b.length) return a.length - b.length;
    const [nameA, valueA] = a[i] as readonly [string, JsonValue];
    const [nameB, valueB] = b[i] as readonly [string, JsonValue];
    const byName = compareStrings(nameA, nameB);
    if (byName !== 0) return byName;
    const byValue = compareValues(valueA, valueB);
    if (byValue !== 0) return byValue;
  }
}

const VALUE_RANK = (v: JsonValue): number => {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isJsonObject(v)) return 4;
  return 5; // null
};

/** value.Compare: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = VALUE_RANK(a) - VALUE_RANK(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const other = b as JsonValue[];
    for (let i = 0; i < Math.min(a.length, other.length); i += 1) {
      const c = compareValues(a[i] as JsonValue, other[i] as JsonValue);
      if (c !== 0) return c;
    }
    return a.length - other.length;
  }
  if (isJsonObject(a)) {
    const other = b as Record<string, JsonValue>;
    const entries = (o: Record<string, JsonValue>): [string, JsonValue][] => Object.keys(o).sort(compareStrings).map((k) => [k, o[k] as JsonValue]);
    return compareKeyFields(entries(a), entries(other));
  }
  return 0;
}

/** JSON text as Go's encoding/json writes it (it escapes <, > and & in strings). */
export function goJson(value: JsonValue): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function keyJson(fields: readonly (readonly [string, JsonValue])[]): string {
  return `{${fields.map(([name, value]) => `${goJson(name)}:${goJson(value)}`).join(',')}}`;
}

/** The fieldsV1 key of an element: `f:name`, `k:{...}`, `v:...`, `i:N`. */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:${keyJson(pe.fields)}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
    default:
      return '';
  }
}

export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
}

/** Parses a fieldsV1 key; undefined for an element type this version does not know (skipped, like upstream). */
export function parseElement(text: string): PathElement | undefined {
  if (text.length < 2 || text[1] !== ':') throw new FieldPathError(`missing colon: ${text}`);
  const body = text.slice(2);
  switch (text[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(parseJson(body));
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new FieldPathError(`invalid index: ${text}`);
      return { kind: 'index', index: Number.parseInt(body, 10) };
    }
    case 'k': {
      const parsed = parseJson(body);
      if (!isJsonObject(parsed)) throw new FieldPathError(`invalid key: ${text}`);
      return keyElement(Object.keys(parsed).map((name) => [name, parsed[name] as JsonValue] as const));
    }
    default:
      return undefined;
  }
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new FieldPathError(`invalid JSON in path element: ${text}`);
  }
}

/** value.ToString, as conflict messages print key values: strings quoted, others bare. */
function valueString(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(valueString).join(',')}]`;
  if (isJsonObject(value)) return Object.keys(value).map((k) => `${k}=${valueString(value[k] as JsonValue)}`).join('');
  return String(value);
}

/** `.name`, `[name="nginx"]`, `[="a"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([name, value]) => `${name}=${valueString(value)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
    default:
      return '';
  }
}

export function pathString(path: Path): string {
  return path.map(elementString).join('');
}
