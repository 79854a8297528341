// The REST operations of one group/version, described once and rendered as
// OpenAPI v3 (per group/version documents) and v2 (the single swagger
// document). Paths, operation ids, actions and GVK extensions follow what the
// Kubernetes API server publishes: kubectl explain finds a resource's kind
// through them, and apply and --validate look for the PATCH operation of a
// kind and its fieldValidation parameter.
import { apiVersionOf, type ApiResource, type ResourceRegistry, type ResourceVerb, type SubresourceDefinition } from '../resources/registry.js';
import { definitionFor, type Gvk } from './definitions.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ParameterSpec {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'integer' | 'boolean';
  description: string;
  required?: boolean;
}

export type RequestBody = { definition: string } | { patch: true } | undefined;

export interface OperationSpec {
  method: HttpMethod;
  action: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk: Gvk;
  parameters: ParameterSpec[];
  request: RequestBody;
  /** Definition returned with 200 (and 201/202 where the API server lists them); undefined for plain-text answers. */
  response: string | undefined;
  codes: readonly string[];
  /** What the response may be sent as. */
  produces: readonly string[];
}

export interface PathSpec {
  path: string;
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

export const PATCH_CONTENT_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
const OBJECT_TYPES = ['application/json', 'application/yaml'] as const;
const LIST_TYPES = ['application/json', 'application/yaml', 'application/json;stream=watch'] as const;
const TEXT_TYPES = ['text/plain', 'application/json', 'application/yaml'] as const;
const CONNECT_TYPES = ['*/*'] as const;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const PATCH_DEFINITION = `${META}.Patch`;
export const DELETE_OPTIONS_DEFINITION = `${META}.DeleteOptions`;
export const STATUS_DEFINITION = `${META}.Status`;
export const API_RESOURCE_LIST_DEFINITION = `${META}.APIResourceList`;

function query(name: string, type: ParameterSpec['type'], description: string): ParameterSpec {
  return { name, in: 'query', type, description };
}

// Query parameters, described briefly; semantics are the API server's.
const Q = {
  pretty: query('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'string', 'When present, modifications are validated but not persisted. The only valid value is All.'),
  fieldManager: query('fieldManager', 'string', 'A name for the actor making the change, recorded in managedFields.'),
  fieldValidation: query('fieldValidation', 'string', 'How to treat unknown and duplicate fields in the request body: Ignore, Warn or Strict (the default for kubectl).'),
  force: query('force', 'boolean', 'Force an apply request: take ownership of fields other managers own. Only for apply patches.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds before the object should be deleted; zero means immediately.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string', 'Whether and how garbage collection deletes dependents: Orphan, Background or Foreground.'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'Ask a watch for BOOKMARK events.'),
  continue: query('continue', 'string', 'The continue token of the previous page of a paginated list.'),
  fieldSelector: query('fieldSelector', 'string', 'Restrict the returned objects by their fields.'),
  labelSelector: query('labelSelector', 'string', 'Restrict the returned objects by their labels.'),
  limit: query('limit', 'integer', 'The most items to return in one page; the rest is fetched with the continue token.'),
  resourceVersion: query('resourceVersion', 'string', 'The resourceVersion the list or watch starts from.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'Start a watch with synthetic ADDED events for the current objects.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'How long a list or watch call may last.'),
  watch: query('watch', 'boolean', 'Watch for changes and return them as a stream of add, update and remove notifications.'),
  container: query('container', 'string', 'The container to use; defaults to the only container of the pod.'),
  command: query('command', 'string', 'The command to run; repeat the parameter for each argument.'),
  stdin: query('stdin', 'boolean', 'Attach standard input.'),
  stdout: query('stdout', 'boolean', 'Attach standard output.'),
  stderr: query('stderr', 'boolean', 'Attach standard error.'),
  tty: query('tty', 'boolean', 'Allocate a terminal.'),
  ports: query('ports', 'integer', 'The pod ports to forward.'),
  follow: query('follow', 'boolean', 'Follow the log stream.'),
  insecureSkipTLSVerifyBackend: query('insecureSkipTLSVerifyBackend', 'boolean', 'Do not verify the serving certificate of the node agent that serves the log.'),
  limitBytes: query('limitBytes', 'integer', 'The most bytes of log to return.'),
  previous: query('previous', 'boolean', 'Return the log of the previous, terminated container instance.'),
  sinceSeconds: query('sinceSeconds', 'integer', 'Only return log lines newer than this many seconds.'),
  tailLines: query('tailLines', 'integer', 'The number of lines from the end of the log to return.'),
  timestamps: query('timestamps', 'boolean', 'Prefix every log line with an RFC3339 timestamp.'),
  path: query('path', 'string', 'The path to proxy to.'),
};

const LIST_PARAMS = [Q.allowWatchBookmarks, Q.continue, Q.fieldSelector, Q.labelSelector, Q.limit, Q.resourceVersion, Q.resourceVersionMatch, Q.sendInitialEvents, Q.timeoutSeconds, Q.watch];
const WRITE_PARAMS = [Q.dryRun, Q.fieldManager, Q.fieldValidation];
const PATCH_PARAMS = [Q.dryRun, Q.fieldManager, Q.fieldValidation, Q.force];
const DELETE_PARAMS = [Q.dryRun, Q.gracePeriodSeconds, Q.orphanDependents, Q.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [Q.continue, Q.dryRun, Q.fieldSelector, Q.gracePeriodSeconds, Q.labelSelector, Q.limit, Q.orphanDependents, Q.propagationPolicy, Q.resourceVersion, Q.resourceVersionMatch, Q.sendInitialEvents, Q.timeoutSeconds];
const LOG_PARAMS = [Q.container, Q.follow, Q.insecureSkipTLSVerifyBackend, Q.limitBytes, Q.previous, Q.sinceSeconds, Q.tailLines, Q.timestamps];
const CONNECT_PARAMS: Record<string, ParameterSpec[]> = {
  exec: [Q.command, Q.container, Q.stderr, Q.stdin, Q.stdout, Q.tty],
  attach: [Q.container, Q.stderr, Q.stdin, Q.stdout, Q.tty],
  portforward: [Q.ports],
  proxy: [Q.path],
};

const pathParam = (name: string, description: string): ParameterSpec => ({ name, in: 'path', type: 'string', description, required: true });
const NAMESPACE_PARAM = pathParam('namespace', 'object name and auth scope, such as for teams and projects');
const nameParam = (kind: string): ParameterSpec => pathParam('name', `name of the ${kind}`);

const title = (s: string): string => (s === '' ? s : s[0]?.toUpperCase() + s.slice(1));

/** The API server's operation id prefix for a group/version: CoreV1, AppsV1, RbacAuthorizationV1. */
export function groupVersionId(group: string, version: string): string {
  const name = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  return `${name.split('.').map(title).join('')}${title(version)}`;
}

/** The API server's tag for a group/version: core_v1, apps_v1, rbacAuthorization_v1. */
export function groupVersionTag(group: string, version: string): string {
  const id = groupVersionId(group, version);
  const groupPart = id.slice(0, id.length - version.length);
  return `${groupPart[0]?.toLowerCase() ?? ''}${groupPart.slice(1)}_${version}`;
}

interface Builder {
  gvId: string;
  tag: string;
  r: ApiResource;
  gvk: Gvk;
  definition: string | undefined;
  listDefinition: string | undefined;
}

function op(b: Builder, fields: Omit<OperationSpec, 'tag' | 'gvk' | 'codes' | 'produces'> & { gvk?: Gvk; codes?: readonly string[]; produces?: readonly string[] }): OperationSpec {
  return { tag: b.tag, gvk: b.gvk, codes: ['200'], produces: OBJECT_TYPES, ...fields };
}

function has(verbs: readonly ResourceVerb[], verb: ResourceVerb): boolean {
  return verbs.includes(verb);
}

function subresourceOperations(b: Builder, sub: SubresourceDefinition, scope: string): OperationSpec[] {
  const { r, gvId } = b;
  const Sub = title(sub.name);
  const kind = r.kind;
  const subGvk: Gvk = { group: sub.kind.group, version: sub.kind.version, kind: sub.kind.kind };
  const subDefinition = definitionFor(subGvk);
  const ops: OperationSpec[] = [];
  if (sub.connect === true) {
    const params = CONNECT_PARAMS[sub.name] ?? [];
    const methods: HttpMethod[] = sub.role === 'proxy' ? ['get', 'put', 'post', 'patch', 'delete'] : ['get', 'post'];
    for (const method of methods) {
      const Method = title(method);
      ops.push(op(b, { method, action: 'connect', gvk: subGvk, operationId: `connect${gvId}${Method}${scope}${kind}${Sub}`, description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${kind}`, parameters: params, request: undefined, response: undefined, produces: CONNECT_TYPES }));
    }
    return ops;
  }
  if (sub.name === 'log') {
    ops.push(op(b, { method: 'get', action: 'get', operationId: `read${gvId}${scope}${kind}Log`, description: `read log of the specified ${kind}`, parameters: LOG_PARAMS, request: undefined, response: undefined, produces: TEXT_TYPES }));
    return ops;
  }
  if (has(sub.verbs, 'get')) {
    ops.push(op(b, { method: 'get', action: 'get', gvk: subGvk, operationId: `read${gvId}${scope}${kind}${Sub}`, description: `read ${sub.name} of the specified ${kind}`, parameters: [], request: undefined, response: subDefinition }));
  }
  if (has(sub.verbs, 'update')) {
    ops.push(op(b, { method: 'put', action: 'put', gvk: subGvk, operationId: `replace${gvId}${scope}${kind}${Sub}`, description: `replace ${sub.name} of the specified ${kind}`, parameters: WRITE_PARAMS, request: subDefinition === undefined ? undefined : { definition: subDefinition }, response: subDefinition, codes: ['200', '201'] }));
  }
  if (has(sub.verbs, 'patch')) {
    ops.push(op(b, { method: 'patch', action: 'patch', gvk: subGvk, operationId: `patch${gvId}${scope}${kind}${Sub}`, description: `partially update ${sub.name} of the specified ${kind}`, parameters: PATCH_PARAMS, request: { patch: true }, response: subDefinition, codes: ['200', '201'] }));
  }
  if (has(sub.verbs, 'create')) {
    ops.push(op(b, { method: 'post', action: 'post', gvk: subGvk, operationId: `create${gvId}${scope}${kind}${Sub}`, description: `create ${sub.name} of a ${kind}`, parameters: WRITE_PARAMS, request: subDefinition === undefined ? undefined : { definition: subDefinition }, response: subDefinition, codes: ['200', '201', '202'] }));
  }
  return ops;
}

function resourcePaths(b: Builder, prefix: string): PathSpec[] {
  const { r, gvId, definition, listDefinition } = b;
  const kind = r.kind;
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const scopeParams = r.namespaced ? [NAMESPACE_PARAM] : [];
  const paths: PathSpec[] = [];

  const collection: OperationSpec[] = [];
  if (has(r.verbs, 'list')) {
    collection.push(op(b, { method: 'get', action: 'list', operationId: `list${gvId}${scope}${kind}`, description: `list or watch objects of kind ${kind}`, parameters: LIST_PARAMS, request: undefined, response: listDefinition, produces: LIST_TYPES }));
  }
  if (has(r.verbs, 'create')) {
    collection.push(op(b, { method: 'post', action: 'post', operationId: `create${gvId}${scope}${kind}`, description: `create a ${kind}`, parameters: WRITE_PARAMS, request: definition === undefined ? undefined : { definition }, response: definition, codes: ['200', '201', '202'] }));
  }
  if (has(r.verbs, 'deletecollection')) {
    collection.push(op(b, { method: 'delete', action: 'deletecollection', operationId: `delete${gvId}Collection${scope}${kind}`, description: `delete collection of ${kind}`, parameters: DELETE_COLLECTION_PARAMS, request: { definition: DELETE_OPTIONS_DEFINITION }, response: STATUS_DEFINITION }));
  }
  if (collection.length > 0) paths.push({ path: base, parameters: [...scopeParams, Q.pretty], operations: collection });

  const item: OperationSpec[] = [];
  if (has(r.verbs, 'get')) item.push(op(b, { method: 'get', action: 'get', operationId: `read${gvId}${scope}${kind}`, description: `read the specified ${kind}`, parameters: [], request: undefined, response: definition }));
  if (has(r.verbs, 'update')) item.push(op(b, { method: 'put', action: 'put', operationId: `replace${gvId}${scope}${kind}`, description: `replace the specified ${kind}`, parameters: WRITE_PARAMS, request: definition === undefined ? undefined : { definition }, response: definition, codes: ['200', '201'] }));
  if (has(r.verbs, 'patch')) item.push(op(b, { method: 'patch', action: 'patch', operationId: `patch${gvId}${scope}${kind}`, description: `partially update the specified ${kind}`, parameters: PATCH_PARAMS, request: { patch: true }, response: definition, codes: ['200', '201'] }));
  if (has(r.verbs, 'delete')) item.push(op(b, { method: 'delete', action: 'delete', operationId: `delete${gvId}${scope}${kind}`, description: `delete a ${kind}`, parameters: DELETE_PARAMS, request: { definition: DELETE_OPTIONS_DEFINITION }, response: definition, codes: ['200', '202'] }));
  if (item.length > 0) paths.push({ path: `${base}/{name}`, parameters: [nameParam(kind), ...scopeParams, Q.pretty], operations: item });

  for (const sub of r.subresources) {
    const operations = subresourceOperations(b, sub, scope);
    if (operations.length > 0) paths.push({ path: `${base}/{name}/${sub.name}`, parameters: [nameParam(sub.kind.kind === kind ? kind : sub.kind.kind), ...scopeParams, ...(sub.connect === true ? [] : [Q.pretty])], operations });
  }

  if (r.namespaced && has(r.verbs, 'list')) {
    paths.push({
      path: `${prefix}/${r.resource}`,
      parameters: [Q.pretty],
      operations: [op(b, { method: 'get', action: 'list', operationId: `list${gvId}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, parameters: LIST_PARAMS, request: undefined, response: listDefinition, produces: LIST_TYPES })],
    });
  }
  return paths;
}

/** The URL prefix of a group/version: /api/v1 or /apis/<group>/<version>. */
export function groupVersionPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** Every path of one group/version, sorted, starting with its discovery document. */
export function groupVersionPaths(registry: ResourceRegistry, group: string, version: string): PathSpec[] {
  const prefix = groupVersionPrefix(group, version);
  const gvId = groupVersionId(group, version);
  const tag = groupVersionTag(group, version);
  const discovery: PathSpec = {
    path: `${prefix}/`,
    parameters: [],
    operations: [
      {
        method: 'get',
        action: 'get',
        operationId: `get${gvId}APIResources`,
        description: `get available resources in ${apiVersionOf(group, version)}`,
        tag,
        gvk: { group: '', version: 'v1', kind: 'APIResourceList' },
        parameters: [],
        request: undefined,
        response: API_RESOURCE_LIST_DEFINITION,
        codes: ['200'],
        produces: OBJECT_TYPES,
      },
    ],
  };
  const paths = [discovery];
  for (const r of registry.resourcesOf(group, version)) {
    const gvk: Gvk = { group: r.group, version: r.version, kind: r.kind };
    const b: Builder = { gvId, tag, r, gvk, definition: definitionFor(gvk), listDefinition: definitionFor({ ...gvk, kind: r.listKind }) };
    paths.push(...resourcePaths(b, prefix));
  }
  return paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The definitions a group/version's operations name directly. */
export function operationDefinitions(paths: readonly PathSpec[]): Set<string> {
  const names = new Set<string>();
  for (const p of paths) {
    for (const o of p.operations) {
      if (o.response !== undefined) names.add(o.response);
      if (o.request !== undefined && 'definition' in o.request) names.add(o.request.definition);
      if (o.request !== undefined && 'patch' in o.request) names.add(PATCH_DEFINITION);
      if (o.action === 'delete' || o.action === 'deletecollection') names.add(STATUS_DEFINITION);
    }
  }
  return names;
}
