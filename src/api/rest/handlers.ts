import { readRequestObject } from '../protobuf/request-object.js';
import { ApiError, badRequest, serviceUnavailable } from '../errors.js';
import { readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import { apiVersionOf } from '../resources/registry.js';
import type { ObjectService } from '../../objects/service.js';
import { parsePatchBody, patchTypeOf } from '../../objects/patch.js';
import type { DeleteOptions, KubeObject, ListOptions, PropagationPolicy, WatchOptions } from '../../store/types.js';
import { contentTypeOf, negotiate } from './negotiate.js';
import { renderList, renderObject } from './render.js';
import { sendJsonList } from './json-list.js';
import { integerParam, requesterOf, sendWarnings, writeOptions, type RestRequest } from './request.js';
import { parseRequestInfo } from './request-info.js';
import { streamWatch } from './watch-stream.js';
import { serveSubresource } from './subresources.js';
import { serveTokenRequest } from './token-request.js';
import { serveComponentStatuses } from './component-statuses.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

// Kubernetes' default and ceiling for watch timeouts (min-request-timeout 1800s, randomized).
const DEFAULT_WATCH_TIMEOUT_S = 1800;

function expectedType(request: RestRequest): { apiVersion: string; kind: string } {
  const { resource } = request.ref;
  return { apiVersion: apiVersionOf(resource.group, resource.version), kind: resource.kind };
}

async function readObject(request: RestRequest): Promise<KubeObject> {
  const body = await readBody(request.ctx.req);
  if (body.length === 0) throw badRequest('the request body is empty: send the object as JSON');
  const object = readRequestObject(request.ctx.req.headers['content-type'], body, expectedType(request)) as KubeObject;
  if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null || Array.isArray(object.metadata))) {
    throw badRequest('metadata must be an object');
  }
  object.metadata = object.metadata ?? {};
  return object;
}

function send(request: RestRequest, code: number, object: KubeObject): void {
  const representation = negotiate(request.ctx.req.headers.accept);
  sendJson(request.ctx.res, code, renderObject(request.ref.resource, object, representation, request.ctx.url.searchParams), contentTypeOf(representation));
}

function listOptions(query: URLSearchParams, signal: AbortSignal): ListOptions {
  const options: ListOptions = { signal };
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  const limit = integerParam(query, 'limit');
  const cont = query.get('continue');
  const resourceVersion = query.get('resourceVersion');
  const match = query.get('resourceVersionMatch');
  if (labelSelector) options.labelSelector = labelSelector;
  if (fieldSelector) options.fieldSelector = fieldSelector;
  if (limit !== undefined) options.limit = limit;
  if (cont) options.continue = cont;
  if (resourceVersion !== null && resourceVersion !== '') options.resourceVersion = resourceVersion;
  if (match) {
    if (match !== 'Exact' && match !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    options.resourceVersionMatch = match;
  }
  return options;
}

async function list(request: RestRequest): Promise<void> {
  const { ctx, ref, info } = request;
  const representation = negotiate(ctx.req.headers.accept);
  const options = listOptions(ctx.url.searchParams, request.signal);
  // JSON (what kubectl -o json and informers read): the stored texts pass through unparsed.
  if (representation.kind === 'json') return sendJsonList(ctx.res, ref.resource, await request.objects.listJson(ref, info.namespace, options));
  const result = await request.objects.list(ref, info.namespace, options);
  sendJson(ctx.res, 200, renderList(ref.resource, result, representation, ctx.url.searchParams), contentTypeOf(representation));
}

async function watch(request: RestRequest): Promise<void> {
  const { ctx, ref, info } = request;
  const query = ctx.url.searchParams;
  const representation = negotiate(ctx.req.headers.accept);
  const options: WatchOptions = {};
  for (const name of ['labelSelector', 'fieldSelector', 'resourceVersion'] as const) {
    const value = query.get(name);
    if (value) options[name] = value;
  }
  if (info.name !== '') options.fieldSelector = [options.fieldSelector, `metadata.name=${info.name}`].filter(Boolean).join(',');
  if (query.get('allowWatchBookmarks') === 'true') options.allowBookmarks = true;
  if (query.get('sendInitialEvents') === 'true') options.sendInitialEvents = true;
  const timeoutSeconds = integerParam(query, 'timeoutSeconds') ?? DEFAULT_WATCH_TIMEOUT_S;
  const stream = await request.objects.watch(ref, info.namespace, options);
  const apiVersion = apiVersionOf(ref.resource.group, ref.resource.version);
  await streamWatch(ctx.res, stream, {
    timeoutMs: timeoutSeconds * 1000,
    contentType: contentTypeOf(representation),
    onError: (err) => ctx.log.error({ err }, 'watch failed'),
    render: (event) => {
      const object = { ...event.object, apiVersion, kind: ref.resource.kind };
      if (event.type === 'BOOKMARK') return object;
      return renderObject(ref.resource, object, representation, query);
    },
  });
}

async function get(request: RestRequest): Promise<void> {
  const { ref, info } = request;
  send(request, 200, await request.objects.get(ref, info.namespace, info.name, request.signal));
}

async function create(request: RestRequest): Promise<void> {
  const { ref, info } = request;
  if (info.name !== '') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const object = await readObject(request);
  const options = writeOptions(request);
  const created = await request.objects.create(ref, info.namespace, object, options);
  sendWarnings(request, options.warnings);
  // 201 for a dry run too: the API server answers a create the same way either way.
  send(request, 201, created);
}

async function update(request: RestRequest): Promise<void> {
  const { ref, info } = request;
  const object = await readObject(request);
  const options = writeOptions(request);
  const updated = await request.objects.update(ref, info.namespace, info.name, object, { ...options, subresource: info.subresource });
  sendWarnings(request, options.warnings);
  send(request, 200, updated);
}

async function patch(request: RestRequest): Promise<void> {
  const { ctx, ref, info } = request;
  const type = patchTypeOf(ctx.req.headers['content-type']);
  const body = parsePatchBody(type, await readBody(ctx.req));
  const options = writeOptions(request);
  const outcome = { created: false };
  const patched = await request.objects.patch(ref, info.namespace, info.name, type, body, { ...options, subresource: info.subresource, outcome });
  sendWarnings(request, options.warnings);
  // A server-side apply that created the object answers 201, as a create does.
  send(request, outcome.created ? 201 : 200, patched);
}

const POLICIES = new Set<PropagationPolicy>(['Foreground', 'Background', 'Orphan']);

/** DeleteOptions from the body (kubectl sends one) and the query (curl users do). */
async function deleteOptions(request: RestRequest): Promise<DeleteOptions> {
  const query = request.ctx.url.searchParams;
  const raw = await readBody(request.ctx.req);
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    const parsed = readRequestObject(request.ctx.req.headers['content-type'], raw, { apiVersion: 'v1', kind: 'DeleteOptions' });
    body = parsed;
  }
  const options: DeleteOptions = {};
  const policy = (body.propagationPolicy as string | undefined) ?? query.get('propagationPolicy') ?? undefined;
  if (policy !== undefined) {
    if (!POLICIES.has(policy as PropagationPolicy)) throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    options.propagationPolicy = policy as PropagationPolicy;
  }
  if (body.orphanDependents === true || query.get('orphanDependents') === 'true') options.propagationPolicy = 'Orphan';
  const grace = typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : integerParam(query, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const preconditions = body.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  if (preconditions && (preconditions.uid || preconditions.resourceVersion)) options.preconditions = preconditions;
  return options;
}

async function remove(request: RestRequest): Promise<void> {
  const { ref, info } = request;
  const options = await deleteOptions(request);
  const result = await request.objects.delete(ref, info.namespace, info.name, { ...options, ...writeOptions(request) });
  if (!result.deleted || ref.resource.resource === 'pods') return send(request, 200, result.object);
  // What the API server answers for an object removed at once.
  sendJson(request.ctx.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: info.name, ...(ref.resource.group !== '' ? { group: ref.resource.group } : {}), kind: ref.resource.resource, uid: result.object.metadata.uid },
  });
}

async function deleteCollection(request: RestRequest): Promise<void> {
  const { ctx, ref, info } = request;
  const options = await deleteOptions(request);
  const listed = await request.objects.list(ref, info.namespace, listOptions(ctx.url.searchParams, request.signal));
  const deleted: KubeObject[] = [];
  for (const object of listed.items) {
    try {
      const result = await request.objects.delete(ref, object.metadata.namespace ?? '', object.metadata.name ?? '', { ...options, ...writeOptions(request) });
      deleted.push(result.object);
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'NotFound') throw err;
    }
  }
  sendJson(ctx.res, 200, { kind: ref.resource.listKind, apiVersion: apiVersionOf(ref.resource.group, ref.resource.version), metadata: { resourceVersion: listed.resourceVersion }, items: deleted });
}

const VERBS = { get, list, watch, create, update, patch, delete: remove, deletecollection: deleteCollection } as const;

export interface RestOptions {
  /** Where service-account tokens are issued (serviceaccounts/<name>/token); 503 without it. */
  prisma?: PrismaClient;
}

/** Serves every /api/v1/... and /apis/<group>/<version>/... resource path. */
export function registerRest(router: Router, objects: ObjectService, options: RestOptions = {}): void {
  const handler = async (ctx: RequestContext): Promise<void> => {
    const info = parseRequestInfo(ctx.req.method ?? 'GET', ctx.path, ctx.url.searchParams);
    if (info === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const ref = objects.resource(ctx.cluster, info.group, info.version, info.resource);
    const controller = new AbortController();
    // Only a client that went away cancels the work; a finished response also
    // emits 'close', and an abort builds a DOMException with its stack trace.
    ctx.res.on('close', () => {
      if (!ctx.res.writableFinished) controller.abort();
    });
    const request: RestRequest = { ctx, info, ref, objects, requester: requesterOf(ctx), signal: controller.signal };
    const allowed = info.verb === 'watch' ? 'watch' : info.verb;
    if (info.subresource !== '') {
      const sub = objects.registryFor(ctx.cluster).subresource(ref.resource, info.subresource);
      if (sub === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (sub.role === 'object') {
        if (!sub.verbs.includes(allowed as never)) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        if (info.verb === 'get') return get(request);
        if (info.verb === 'update') return update(request);
        if (info.verb === 'patch') return patch(request);
        throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      }
      if (sub.role === 'token' && options.prisma !== undefined) return serveTokenRequest(request, options.prisma);
      return serveSubresource(request, sub);
    }
    if (!ref.resource.verbs.includes(allowed)) {
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    if (ref.resource.group === '' && ref.resource.resource === 'componentstatuses') return serveComponentStatuses(request);
    await VERBS[info.verb](request);
  };
  const isResourcePath = (p: string): boolean => /^\/api\/[^/]+\/.+/.test(p) || /^\/apis\/[^/]+\/[^/]+\/.+/.test(p);
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) router.add(method, isResourcePath, handler);
}

export { serviceUnavailable };
