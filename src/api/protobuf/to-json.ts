// Writes a decoded message as the JSON object kubectl would have sent for the
// same Go value: the Go struct's field order, `omitempty` and pointer rules
// (see describe.ts), embedded structs flattened, special types in their own form.
import type { CompiledField, CompiledMessage } from './describe.js';
import { SPECIAL_TO_JSON } from './special-types.js';
import { isZeroJson, scalarToJson, type DecodedMessage } from './wire-values.js';

// Map keys become object keys; these would change the object's prototype
// instead (the JSON body reader refuses them too).
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export class ForbiddenKeyError extends Error {
  override readonly name = 'ForbiddenKeyError';
}

export function messageToJson(message: CompiledMessage, decoded: DecodedMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  writeFields(message, decoded, out);
  return out;
}

// Only the fields present on the wire are own properties of a protobufjs
// message (plus empty arrays for repeated fields), so walking those instead
// of every described field keeps sparse messages (VolumeSource, PodSpec) cheap.
function writeFields(message: CompiledMessage, decoded: DecodedMessage, out: Record<string, unknown>): void {
  const slots: unknown[] = new Array<unknown>(message.fields.length);
  for (const key of Object.keys(decoded)) {
    const index = message.index.get(key);
    const field = index === undefined ? undefined : message.fields[index];
    if (field === undefined || index === undefined) continue;
    slots[index] = fieldToJson(field, decoded[key]);
  }
  for (let i = 0; i < message.fields.length; i += 1) {
    const field = message.fields[i];
    if (field === undefined) continue;
    const value = slots[i];
    if (value === undefined) {
      if (field.nullWhenAbsent) out[field.name] = null;
    } else if (field.inline) {
      Object.assign(out, value);
    } else {
      out[field.name] = value;
    }
  }
}

/** The JSON of a field present on the wire, or undefined when Go would leave it out. */
function fieldToJson(field: CompiledField, value: unknown): unknown {
  if (field.shape === 'list') {
    const items = value as unknown[];
    return items.length === 0 ? undefined : items.map((item) => valueToJson(field, item));
  }
  if (field.shape === 'map') {
    const entries = value as DecodedMessage[];
    return entries.length === 0 ? undefined : mapToJson(field, entries);
  }
  if (field.scalar !== undefined) {
    const json = scalarToJson(field.scalar, value);
    return field.pointer || field.noOmitEmpty || !isZeroJson(json) ? json : undefined;
  }
  return valueToJson(field, value);
}

function valueToJson(field: CompiledField, value: unknown): unknown {
  if (field.scalar !== undefined) return scalarToJson(field.scalar, value);
  const decoded = (value ?? {}) as DecodedMessage;
  if (field.special !== undefined) {
    const convert = SPECIAL_TO_JSON[field.special];
    if (convert === undefined) throw new Error(`no JSON form for ${field.special}`);
    return convert(decoded);
  }
  if (field.message === undefined) throw new Error(`field ${field.name} has no type`);
  return messageToJson(field.message, decoded);
}

// Later entries win, as when Go decodes a repeated key into a map.
function mapToJson(field: CompiledField, entries: DecodedMessage[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const key = typeof entry.key === 'string' ? entry.key : '';
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(`the request body contains the forbidden key "${key}"`);
    out[key] = valueToJson(field, Object.prototype.hasOwnProperty.call(entry, 'value') ? entry.value : undefined);
  }
  return out;
}
