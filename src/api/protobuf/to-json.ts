// Writes a decoded message as the JSON object kubectl would have sent for the
// same Go value: the Go struct's field order, `omitempty` and pointer rules
// (see describe.ts), embedded structs flattened, special types in their own form.
import type { CompiledField, CompiledMessage } from './describe.js';
import { SPECIAL_TO_JSON } from './special-types.js';
import { isPresent, isZeroJson, scalarToJson, type DecodedMessage } from './wire-values.js';

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

function writeFields(message: CompiledMessage, decoded: DecodedMessage, out: Record<string, unknown>): void {
  for (const field of message.fields) {
    const value = decoded[field.name];
    if (field.inline) {
      if (isPresent(decoded, field.name) && field.message !== undefined) writeFields(field.message, value as DecodedMessage, out);
      continue;
    }
    if (field.shape === 'list') {
      const items = Array.isArray(value) ? value : [];
      if (items.length > 0) out[field.name] = items.map((item: unknown) => valueToJson(field, item));
      else if (field.noOmitEmpty) out[field.name] = null;
      continue;
    }
    if (field.shape === 'map') {
      const entries = Array.isArray(value) ? (value as DecodedMessage[]) : [];
      if (entries.length > 0) out[field.name] = mapToJson(field, entries);
      else if (field.noOmitEmpty) out[field.name] = null;
      continue;
    }
    if (!isPresent(decoded, field.name)) {
      // gogo protobuf always writes non-pointer fields, so absence means a nil
      // pointer (or a field the sender does not know).
      if (field.noOmitEmpty && (field.pointer || field.scalar === undefined)) out[field.name] = null;
      continue;
    }
    if (field.scalar !== undefined) {
      const json = scalarToJson(field.scalar, value);
      if (field.pointer || field.noOmitEmpty || !isZeroJson(json)) out[field.name] = json;
      continue;
    }
    out[field.name] = valueToJson(field, value);
  }
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
    out[key] = valueToJson(field, isPresent(entry, 'value') ? entry.value : undefined);
  }
  return out;
}
