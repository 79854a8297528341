// RFC 6902 JSON Patch (`application/json-patch+json`), with the behaviour and
// error wording of the library the Kubernetes API server uses for it
// (gopkg.in/evanphx/json-patch.v4):
//   - a body that is not a list of operation objects is a 400 BadRequest;
//   - more than 10000 operations is a 413;
//   - an operation that does not apply (failed `test`, missing path, bad index)
//     is the generic 422 "the server rejected our request due to an error in our
//     request"; the precise reason travels in PatchError.detail for the log;
//   - negative array indices count from the end, `replace` of a missing object
//     key adds it, and `copy` may not copy more than 3 MiB in total, as upstream.

import { patchBadRequest, patchRejected, patchResultInvalid, patchTooLarge } from './errors.js';
import { parsePointer } from './json-pointer.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { assertSafeValue, cloneJson, getOwn, goJsonType, hasOwn, isJsonObject, jsonEqual, jsonSize } from './json-value.js';

/** apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** apiserver's default --json-patch-max-copy-bytes (jsonpatch.AccumulatedCopySizeLimit). */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

export interface JsonPatchOperation {
  readonly op?: JsonValue;
  readonly path?: JsonValue;
  readonly from?: JsonValue;
  readonly value?: JsonValue;
}

/** Validates the body's shape (jsonpatch.DecodePatch); 400 for anything but a list of objects. */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  // Go decodes `null` into a nil slice: a patch with no operations.
  if (body === null) return [];
  if (!Array.isArray(body)) throw patchBadRequest(`json: cannot unmarshal ${goJsonType(body)} into Go value of type jsonpatch.Patch`);
  for (const item of body) {
    if (!isJsonObject(item) && item !== null) throw patchBadRequest(`json: cannot unmarshal ${goJsonType(item)} into Go value of type jsonpatch.Operation`);
  }
  assertSafeValue(body);
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw patchTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`);
  }
  return body.map((item) => (item === null ? {} : (item as JsonPatchOperation)));
}

type Container = JsonObject | JsonValue[];

/** An operation failed: the detail uses evanphx/json-patch's words. */
class OperationFailed extends Error {}

function fail(message: string): never {
  throw new OperationFailed(message);
}

function stringField(operation: JsonPatchOperation, field: 'path' | 'from'): string | undefined {
  const value = operation[field];
  return typeof value === 'string' ? value : undefined;
}

/** Resolves all but the last token; undefined when the parent does not exist (findObject). */
function findParent(doc: Container, pointer: string): { parent: Container; key: string } | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined || tokens.length === 0) return undefined;
  let node: JsonValue = doc;
  for (const token of tokens.slice(0, -1)) {
    let next: JsonValue | undefined;
    if (Array.isArray(node)) {
      const index = arrayIndex(token, node.length, false);
      next = index === undefined ? undefined : node[index];
    } else if (isJsonObject(node)) {
      next = getOwn(node, token);
    }
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    node = next;
  }
  return { parent: node as Container, key: tokens[tokens.length - 1] as string };
}

/** Parses an array index; negative values count from the end like the v4 library allows. */
function arrayIndex(token: string, length: number, forInsert: boolean): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  let index = Number.parseInt(token, 10);
  const size = forInsert ? length + 1 : length;
  if (index < 0) {
    if (index < -size) return undefined;
    index += size;
  }
  return index < size ? index : undefined;
}

function indexOrFail(token: string, length: number, forInsert: boolean): number {
  if (!/^[+-]?\d+$/.test(token)) fail(`value was not a proper array index: '${token}'`);
  const index = arrayIndex(token, length, forInsert);
  if (index === undefined) fail(`Unable to access invalid index: ${token}: invalid index referenced`);
  return index;
}

function getChild(parent: Container, key: string): JsonValue | undefined {
  if (Array.isArray(parent)) return parent[indexOrFail(key, parent.length, false)];
  return getOwn(parent, key);
}

function addChild(parent: Container, key: string, value: JsonValue): void {
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value);
    else parent.splice(indexOrFail(key, parent.length, true), 0, value);
  } else {
    parent[key] = value;
  }
}

function removeChild(parent: Container, key: string): void {
  if (Array.isArray(parent)) {
    parent.splice(indexOrFail(key, parent.length, false), 1);
  } else {
    if (!hasOwn(parent, key)) fail(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
}

function operationValue(operation: JsonPatchOperation): JsonValue {
  return operation.value === undefined ? null : cloneJson(operation.value);
}

interface PatchState {
  root: JsonValue;
  copiedBytes: number;
}

function applyOperation(state: PatchState, operation: JsonPatchOperation): void {
  const kind = typeof operation.op === 'string' ? operation.op : 'unknown';
  const path = stringField(operation, 'path');
  const doc = state.root as Container;
  switch (kind) {
    case 'add': {
      if (path === undefined) fail('add operation failed to decode path: missing value');
      const target = findParent(doc, path) ?? fail(`add operation does not apply: doc is missing path: "${path}": missing value`);
      addChild(target.parent, target.key, operationValue(operation));
      return;
    }
    case 'remove': {
      if (path === undefined) fail('remove operation failed to decode path: missing value');
      const target = findParent(doc, path) ?? fail(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      removeChild(target.parent, target.key);
      return;
    }
    case 'replace': {
      if (path === undefined) fail('replace operation failed to decode path: missing value');
      if (path === '') {
        const value = operationValue(operation);
        if (value === null || typeof value !== 'object') fail('replace operation value must be object or array');
        state.root = value;
        return;
      }
      const target = findParent(doc, path) ?? fail(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      if (Array.isArray(target.parent)) target.parent[indexOrFail(target.key, target.parent.length, false)] = operationValue(operation);
      else target.parent[target.key] = operationValue(operation);
      return;
    }
    case 'move': {
      const from = stringField(operation, 'from') ?? fail('move operation failed to decode from: missing value');
      const source = findParent(doc, from) ?? fail(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      const value = getChild(source.parent, source.key) ?? null;
      removeChild(source.parent, source.key);
      if (path === undefined) fail('move operation failed to decode path: missing value');
      const target = findParent(doc, path) ?? fail(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
      addChild(target.parent, target.key, value);
      return;
    }
    case 'copy': {
      const from = stringField(operation, 'from') ?? fail('copy operation failed to decode from: missing value');
      const source = findParent(doc, from) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const value = cloneJson(getChild(source.parent, source.key) ?? null);
      if (path === undefined) fail('copy operation failed to decode path: missing value');
      const target = findParent(doc, path) ?? fail(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      state.copiedBytes += jsonSize(value);
      if (state.copiedBytes > MAX_JSON_PATCH_COPY_BYTES) {
        fail(`Unable to complete the copy, the accumulated size increase of copy is ${state.copiedBytes}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`);
      }
      addChild(target.parent, target.key, value);
      return;
    }
    case 'test': {
      if (path === undefined) fail('test operation failed to decode path: missing value');
      if (path === '') {
        if (!jsonEqual(state.root, operation.value)) fail(`testing value ${path} failed: test failed`);
        return;
      }
      const target = findParent(doc, path) ?? fail(`test operation does not apply: is missing path: ${path}: missing value`);
      const actual = getChild(target.parent, target.key);
      // A missing member equals an explicit null or an absent value, as upstream treats it.
      const expected = operation.value ?? null;
      if (actual === undefined ? expected !== null : !jsonEqual(actual, expected)) fail(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies a JSON patch body to a document and returns the patched copy; the
 * inputs are not modified. Throws PatchError with the status upstream answers.
 */
export function applyJsonPatch(document: JsonObject, body: unknown): JsonObject {
  const operations = decodeJsonPatch(body);
  const state: PatchState = { root: cloneJson(document), copiedBytes: 0 };
  for (const operation of operations) {
    try {
      applyOperation(state, operation);
    } catch (err) {
      if (err instanceof OperationFailed) throw patchRejected(err.message);
      throw err;
    }
  }
  if (!isJsonObject(state.root)) {
    throw patchResultInvalid(JSON.stringify(state.root), `json: cannot unmarshal ${goJsonType(state.root)} into Go value of type map[string]interface {}`);
  }
  return state.root;
}
