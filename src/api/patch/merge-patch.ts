// RFC 7386 JSON Merge Patch (`application/merge-patch+json`), as the API server
// applies it (jsonpatch.MergePatch): objects merge key by key, `null` deletes a
// key, anything else (lists included) replaces the current value whole.

import { patchBadRequest, patchResultInvalid } from './errors.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { assertSafeValue, cloneJson, getOwn, isJsonObject } from './json-value.js';

/** jsonpatch.ErrBadJSONPatch's text. */
const BAD_MERGE_PATCH = 'Invalid JSON Patch';

/** A copy of a value being added with its object members set to null dropped (they delete nothing). */
function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : withoutNulls(item)));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      const item = value[key] as JsonValue;
      if (item !== null) out[key] = withoutNulls(item);
    }
    return out;
  }
  return value;
}

function mergeValue(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(current)) return withoutNulls(patch);
  if (!isJsonObject(patch)) return cloneJson(patch);
  return mergeObjects(current, patch);
}

function mergeObjects(current: JsonObject, patch: JsonObject): JsonObject {
  const out = cloneJson(current);
  for (const key of Object.keys(patch)) {
    const patchValue = patch[key] as JsonValue;
    if (patchValue === null) {
      delete out[key];
      continue;
    }
    const currentValue = getOwn(out, key);
    out[key] = currentValue === undefined || currentValue === null ? withoutNulls(patchValue) : mergeValue(currentValue, patchValue);
  }
  return out;
}

/** Applies a merge patch body to a document and returns the patched copy. */
export function applyMergePatch(document: JsonObject, patch: unknown): JsonObject {
  assertSafeValue(patch);
  if (Array.isArray(patch)) {
    // Upstream replaces the document with the list, which then cannot be decoded as an object.
    throw patchResultInvalid(JSON.stringify(withoutNulls(patch as JsonValue[])), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  }
  if (!isJsonObject(patch)) throw patchBadRequest(BAD_MERGE_PATCH);
  return mergeObjects(document, patch);
}
