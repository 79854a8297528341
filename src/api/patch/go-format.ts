// Go's fmt "%v" rendering of decoded JSON (map[string]interface{}, []interface{}),
// for the few upstream error messages that print a value this way, such as
// `map: map[image:nginx] does not contain declared merge key: name`.

import type { JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

export function goFormat(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map((item) => goFormat(item)).join(' ')}]`;
  if (isJsonObject(value)) {
    // fmt prints maps with their keys sorted.
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key])}`).join(' ')}]`;
  }
  return String(value);
}
