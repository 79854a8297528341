// Server-side field validation (metav1 fieldValidation=Strict|Warn|Ignore):
// the API server decodes request bodies strictly and reports fields its Go
// types do not have. kubeql has no Go types; the published OpenAPI schemas of
// the built-in kinds stand in for them.

import { badRequest } from '../api/errors.js';
import { definitionFor, schemas, SCHEMA_REF_PREFIX, type Schema } from '../api/openapi/definitions.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const DIRECTIVES: ReadonlySet<string> = new Set<FieldValidation>(['Strict', 'Warn', 'Ignore']);

/** The `fieldValidation` query parameter; absent means Warn, as for any client that does not ask. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (!DIRECTIVES.has(value)) throw badRequest(`fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`);
  return value as FieldValidation;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows $ref and single-element allOf wrappers to the schema that describes the value. */
function resolve(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let hops = 0; current !== undefined && hops < 8; hops++) {
    const ref = current.$ref;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF_PREFIX)) {
      current = schemas[ref.slice(SCHEMA_REF_PREFIX.length)];
      continue;
    }
    const allOf = current.allOf;
    if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
      current = allOf[0];
      continue;
    }
    return current;
  }
  return current;
}

function collect(value: unknown, schema: Schema | undefined, path: string, out: string[]): void {
  const resolved = resolve(schema);
  if (resolved === undefined || resolved['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    const items = isObject(resolved.items) ? resolved.items : undefined;
    value.forEach((item, index) => collect(item, items, `${path}[${index}]`, out));
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(resolved.properties) ? resolved.properties : undefined;
  const additional = isObject(resolved.additionalProperties) ? resolved.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const property = properties?.[key];
    if (isObject(property)) collect(child, property, childPath, out);
    else if (additional !== undefined) collect(child, additional, childPath, out);
    // A schema without properties (RawExtension, free-form maps) accepts anything.
    else if (properties !== undefined) out.push(childPath);
  }
}

/** Paths of the fields in `object` that the kind's schema does not have, in document order. */
export function unknownFields(group: string, version: string, kind: string, object: unknown): string[] {
  const name = definitionFor({ group, version, kind });
  if (name === undefined) return [];
  const out: string[] = [];
  collect(object, schemas[name], '', out);
  return out;
}

/**
 * Applies a directive to the unknown fields of a request object: Strict refuses
 * it with the API server's wording, Warn returns the warnings to send back,
 * Ignore returns none.
 */
export function checkFields(directive: FieldValidation, group: string, version: string, kind: string, object: unknown): string[] {
  if (directive === 'Ignore') return [];
  const unknown = unknownFields(group, version, kind, object);
  if (unknown.length === 0) return [];
  const messages = unknown.map((field) => `unknown field "${field}"`);
  if (directive === 'Strict') {
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${messages.join(', ')}`);
  }
  return messages;
}
