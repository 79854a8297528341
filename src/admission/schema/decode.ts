// The schema-level part of decoding a request body, as the API server's
// strict JSON decoder does it: unknown fields are refused (Strict), reported
// as warnings (Warn) or silently dropped (Ignore); values of the wrong JSON
// type and malformed quantities fail the decode; quantities come out in the
// canonical form the server serializes.

import { ApiError } from '../../api/errors.js';
import { isObject, type JsonObject } from '../json.js';
import { formatQuantity, parseQuantityJson, QuantityParseError } from '../../kube/quantity.js';
import type { KindVersion, SchemaLookup, SchemaNode } from './schema-lookup.js';
import { notSupported } from '../validation/field-errors.js';
import { invalidError } from '../validation/invalid-error.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const QUANTITY_REF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

export interface DecodeResult {
  /** The object with unknown fields removed and quantities canonical (the input, mutated). */
  object: JsonObject;
  /** Warning texts for the Warning header (Warn only): `unknown field "spec.foo"`. */
  warnings: string[];
  /** Paths of the unknown fields found. */
  unknownFields: string[];
}

class DecodeError extends Error {}

interface Walk {
  lookup: SchemaLookup;
  unknown: string[];
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Follows $ref and single-element allOf wrappers; returns the schema and its definition name. */
function resolve(walk: Walk, node: SchemaNode, name: string): [SchemaNode, string] {
  let current = node;
  let currentName = name;
  for (let depth = 0; depth < 8; depth++) {
    const ref = current.$ref;
    if (typeof ref === 'string') {
      const target = walk.lookup.resolveRef(ref);
      if (target === undefined) return [{}, currentName];
      current = target;
      currentName = refName(ref);
      continue;
    }
    const allOf = current.allOf;
    if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
      current = allOf[0];
      continue;
    }
    break;
  }
  return [current, currentName];
}

function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

function jsonTypeOf(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

function goTypeOf(node: SchemaNode, definition: string): string {
  switch (node.type) {
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'array':
      return '[]interface {}';
    default:
      return definition.includes('.') ? `v1.${shortName(definition)}` : 'map[string]interface {}';
  }
}

/** encoding/json's UnmarshalTypeError text. */
function typeError(value: unknown, node: SchemaNode, owner: string, definition: string, fieldPath: string): DecodeError {
  const got = typeof value === 'number' && !Number.isInteger(value) && node.type === 'integer' ? `number ${value}` : jsonTypeOf(value);
  const where = fieldPath === '' ? '' : ` into Go struct field ${shortName(owner)}.${fieldPath}`;
  return new DecodeError(`json: cannot unmarshal ${got}${where === '' ? ' into Go value' : where} of type ${goTypeOf(node, definition)}`);
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/**
 * Walks `value` against `node`. Returns the value to keep (quantities may be
 * rewritten); unknown keys are removed from their parent in place.
 */
function visit(walk: Walk, value: unknown, rawNode: SchemaNode, name: string, owner: string, fieldPath: string): unknown {
  if (value === null) return value;
  const [node, definition] = resolve(walk, rawNode, name);
  if (definition === QUANTITY_REF || shortName(definition) === 'Quantity') {
    try {
      return formatQuantity(parseQuantityJson(value));
    } catch (err) {
      if (err instanceof QuantityParseError) throw new DecodeError(err.message);
      throw err;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    if (typeof value !== 'string' && typeof value !== 'number') throw typeError(value, { type: 'string' }, owner, 'intstr.IntOrString', fieldPath);
    return value;
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return value;
  switch (node.type) {
    case 'string':
      if (typeof value !== 'string') throw typeError(value, node, owner, definition, fieldPath);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(value, node, owner, definition, fieldPath);
      return value;
    case 'number':
      if (typeof value !== 'number') throw typeError(value, node, owner, definition, fieldPath);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(value, node, owner, definition, fieldPath);
      return value;
    case 'array': {
      if (!Array.isArray(value)) throw typeError(value, node, owner, definition, fieldPath);
      const items = isObject(node.items) ? (node.items as SchemaNode) : undefined;
      if (items === undefined) return value;
      for (let i = 0; i < value.length; i++) value[i] = visit(walk, value[i], items, definition, owner, `${fieldPath}[${i}]`);
      return value;
    }
    default:
      break;
  }
  const properties = isObject(node.properties) ? (node.properties as Record<string, SchemaNode>) : undefined;
  const additional = isObject(node.additionalProperties) ? (node.additionalProperties as SchemaNode) : undefined;
  if (properties === undefined && additional === undefined) return value;
  if (!isObject(value)) throw typeError(value, { ...node, type: 'object' }, owner, definition, fieldPath);
  for (const key of Object.keys(value)) {
    const child = join(fieldPath, key);
    const schema = properties !== undefined ? properties[key] : additional;
    if (schema === undefined) {
      walk.unknown.push(child);
      delete value[key];
      continue;
    }
    value[key] = visit(walk, value[key], schema, definition, properties !== undefined ? definition : owner, child);
  }
  return value;
}

/**
 * Decodes `object` (already parsed JSON of the given kind) against its schema.
 * @throws ApiError 400 BadRequest as the API server words it:
 *   `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`
 */
export function decodeWithSchema(lookup: SchemaLookup, gvk: KindVersion, object: JsonObject, directive: FieldValidation = 'Warn'): DecodeResult {
  const root = lookup.rootSchema(gvk);
  if (root === undefined) return { object, warnings: [], unknownFields: [] };
  const walk: Walk = { lookup, unknown: [] };
  const fail = (detail: string): ApiError => new ApiError(400, 'BadRequest', `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ${detail}`);
  try {
    visit(walk, object, root, '', '', '');
  } catch (err) {
    if (err instanceof DecodeError) throw fail(err.message);
    throw err;
  }
  const messages = walk.unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
  if (directive === 'Strict' && messages.length > 0) throw fail(`strict decoding error: ${messages.join(', ')}`);
  return { object, warnings: directive === 'Warn' ? messages : [], unknownFields: walk.unknown };
}

/**
 * The fieldValidation query parameter; the server's default is Warn. An
 * unknown value is refused as the options object's Invalid error:
 * `CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: ...`.
 */
export function parseFieldValidation(value: string | null | undefined, optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' = 'CreateOptions'): FieldValidation {
  if (value === null || value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalidError({ group: 'meta.k8s.io', kind: optionsKind }, '', [notSupported('fieldValidation', value, ['Ignore', 'Warn', 'Strict'])]);
}
