// The single OpenAPI v2 (swagger 2.0) document at /openapi/v2. Older clients
// read it: kubectl up to 1.29 validates objects against it (as protobuf) and
// 1.27 still loads it for explain and apply.
import type { ResourceRegistry } from '../resources/registry.js';
import { KUBERNETES_MINOR } from '../version.js';
import { schemas, SCHEMA_REF_PREFIX, type Schema } from './definitions.js';
import { groupVersionPaths, PATCH_CONTENT_TYPES, PATCH_DEFINITION, type OperationSpec, type ParameterSpec } from './operations.js';

const V2_REF_PREFIX = '#/definitions/';

// v2 has no oneOf: the API server publishes these two as strings.
const V2_SPECIAL: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
};

/** A v3-style schema in v2 form: refs under #/definitions, `allOf: [ref]` folded into the ref, no enums. */
export function toV2Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toV2Schema);
  if (schema === null || typeof schema !== 'object') return schema;
  const input = schema as Schema;
  const out: Schema = {};
  const allOf = input.allOf;
  if (Array.isArray(allOf) && allOf.length === 1) Object.assign(out, toV2Schema(allOf[0]) as Schema);
  for (const [key, value] of Object.entries(input)) {
    if (key === 'allOf' && Array.isArray(allOf) && allOf.length === 1) continue;
    if (key === 'enum') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(SCHEMA_REF_PREFIX, V2_REF_PREFIX);
    else out[key] = toV2Schema(value);
  }
  return out;
}

function definitionV2(name: string, schema: Schema): Schema {
  const special = V2_SPECIAL[name];
  if (special !== undefined) return schema.description === undefined ? special : { description: schema.description, ...special };
  return toV2Schema(schema) as Schema;
}

function parameter(p: ParameterSpec): Schema {
  const out: Schema = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required === true) out.required = true;
  return out;
}

const ref = (name: string): Schema => ({ $ref: `${V2_REF_PREFIX}${name}` });

function operation(o: OperationSpec): Schema {
  const parameters: Schema[] = [];
  if (o.request !== undefined) {
    parameters.push({ name: 'body', in: 'body', required: true, schema: ref('patch' in o.request ? PATCH_DEFINITION : o.request.definition) });
  }
  parameters.push(...o.parameters.map(parameter));
  const responses: Schema = {};
  for (const code of o.codes) {
    responses[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', schema: o.response === undefined ? { type: 'string' } : ref(o.response) };
  }
  responses['401'] = { description: 'Unauthorized' };
  const out: Schema = {
    description: o.description,
    consumes: o.request !== undefined && 'patch' in o.request ? [...PATCH_CONTENT_TYPES] : ['*/*'],
    produces: [...o.produces],
    schemes: ['https'],
    tags: [o.tag],
    operationId: o.operationId,
    responses,
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
  if (parameters.length > 0) out.parameters = parameters;
  return out;
}

export function swaggerDocument(registry: ResourceRegistry): Schema {
  const paths: Schema = {};
  for (const group of registry.groups()) {
    for (const version of group.versions) {
      for (const p of groupVersionPaths(registry, group.name, version)) {
        const item: Schema = {};
        for (const o of p.operations) item[o.method] = operation(o);
        if (p.parameters.length > 0) item.parameters = p.parameters.map(parameter);
        paths[p.path] = item;
      }
    }
  }
  const definitions: Schema = {};
  for (const name of Object.keys(schemas).sort()) definitions[name] = definitionV2(name, schemas[name] ?? {});
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: `v1.${KUBERNETES_MINOR}.0` },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}
