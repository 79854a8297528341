// OpenAPI v3 documents, one per group/version (/openapi/v3/apis/<g>/<v>),
// as the API server splits them: the paths of that group/version and every
// schema they reach. kubectl explain and client-side apply read these.
import type { ResourceRegistry } from '../resources/registry.js';
import { KUBERNETES_MINOR } from '../version.js';
import { closure, schemas, SCHEMA_REF_PREFIX, type Schema } from './definitions.js';
import { groupVersionPaths, operationDefinitions, PATCH_CONTENT_TYPES, type OperationSpec, type ParameterSpec } from './operations.js';

const ref = (name: string): Schema => ({ $ref: `${SCHEMA_REF_PREFIX}${name}` });

function parameter(p: ParameterSpec): Schema {
  const out: Schema = { name: p.name, in: p.in, description: p.description, schema: { type: p.type, uniqueItems: true } };
  if (p.required === true) out.required = true;
  return out;
}

function operation(o: OperationSpec): Schema {
  const out: Schema = {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
  };
  if (o.parameters.length > 0) out.parameters = o.parameters.map(parameter);
  if (o.request !== undefined) {
    if ('patch' in o.request) {
      out.requestBody = { content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') }])), required: true };
    } else {
      out.requestBody = { content: { '*/*': { schema: ref(o.request.definition) } }, required: true };
    }
  }
  const body = o.response === undefined ? { type: 'string' } : ref(o.response);
  const responses: Schema = {};
  for (const code of o.codes) {
    responses[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', content: Object.fromEntries(o.produces.map((t) => [t, { schema: body }])) };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out['x-kubernetes-action'] = o.action;
  out['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return out;
}

/** The v3 document of one group/version, or undefined when it is not served. */
export function groupVersionDocument(registry: ResourceRegistry, group: string, version: string): Schema | undefined {
  if (registry.resourcesOf(group, version).length === 0) return undefined;
  const paths = groupVersionPaths(registry, group, version);
  const renderedPaths: Schema = {};
  for (const p of paths) {
    const item: Schema = {};
    if (p.parameters.length > 0) item.parameters = p.parameters.map(parameter);
    for (const o of p.operations) item[o.method] = operation(o);
    renderedPaths[p.path] = item;
  }
  const componentSchemas: Schema = {};
  for (const name of closure(operationDefinitions(paths))) componentSchemas[name] = schemas[name];
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v1.${KUBERNETES_MINOR}.0` },
    paths: renderedPaths,
    components: {
      schemas: componentSchemas,
      securitySchemes: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } },
    },
    security: [{ BearerToken: [] }],
  };
}
