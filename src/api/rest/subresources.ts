import { ApiError, serviceUnavailable } from '../errors.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { SubresourceDefinition } from '../resources/types.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import type { JsonObject } from '../patch/json-value.js';
import { bindPod } from '../../objects/binding.js';
import { evictPod } from '../../objects/eviction.js';
import { parsePatchBody, patchTypeOf } from '../../objects/patch.js';
import { readRequestObject } from '../protobuf/request-object.js';
import { ConflictError } from '../../store/errors.js';
import type { KubeObject } from '../../store/types.js';
import { writeOptions, type RestRequest } from './request.js';
import { servePodStream } from './pod-proxy/index.js';

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function success(request: RestRequest, code: number): void {
  sendJson(request.ctx.res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });
}

interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelector as the string form Scale.status.selector carries. */
function selectorString(selector: LabelSelectorJson | Record<string, string> | undefined, equalityOnly: boolean): string {
  if (selector === undefined) return '';
  if (equalityOnly) return Object.entries(selector as Record<string, string>).sort().map(([k, v]) => `${k}=${v}`).join(',');
  const s = selector as LabelSelectorJson;
  const parts = Object.entries(s.matchLabels ?? {}).sort().map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') parts.push(`${e.key} ${op.toLowerCase()} (${[...(e.values ?? [])].sort().join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** autoscaling/v1 Scale of a workload. */
function scaleOf(object: KubeObject, equalitySelector: boolean): Record<string, unknown> {
  const spec = (object.spec ?? {}) as { replicas?: number; selector?: LabelSelectorJson };
  const status = (object.status ?? {}) as { replicas?: number };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector, equalitySelector) },
  };
}

async function scale(request: RestRequest): Promise<void> {
  const { ref, info, objects } = request;
  const equality = ref.resource.resource === 'replicationcontrollers';
  if (info.verb === 'get') {
    return sendJson(request.ctx.res, 200, scaleOf(await objects.get(ref, info.namespace, info.name, request.signal), equality));
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw methodNotAllowed();
  let body: unknown;
  let patchType: ReturnType<typeof patchTypeOf> | undefined;
  if (info.verb === 'patch') {
    patchType = patchTypeOf(request.ctx.req.headers['content-type']);
    body = parsePatchBody(patchType, await readBody(request.ctx.req));
  } else {
    body = readRequestObject(request.ctx.req.headers['content-type'], await readBody(request.ctx.req), { apiVersion: 'autoscaling/v1', kind: 'Scale' });
  }
  for (let attempt = 1; ; attempt++) {
    const current = await objects.get(ref, info.namespace, info.name, request.signal);
    const currentScale = scaleOf(current, equality) as JsonObject;
    let wanted: JsonObject;
    if (patchType === 'json') wanted = applyJsonPatch(currentScale, body);
    else if (patchType !== undefined) wanted = applyMergePatch(currentScale, body);
    else wanted = body as JsonObject;
    const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${info.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
        name: info.name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
      });
    }
    const wantedVersion = (wanted.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    const pinned = patchType === undefined && typeof wantedVersion === 'string' && wantedVersion !== '';
    const next: KubeObject = { ...current, spec: { ...(current.spec as object), replicas }, metadata: { ...current.metadata, resourceVersion: pinned ? wantedVersion : current.metadata.resourceVersion } };
    try {
      // As the scale subresource, so managedFields record who scaled (subresource: scale).
      const updated = await objects.update(ref, info.namespace, info.name, next, { ...writeOptions(request), subresource: 'scale' });
      return sendJson(request.ctx.res, 200, scaleOf(updated, equality));
    } catch (err) {
      if (!(err instanceof ConflictError) || pinned || attempt >= 5) throw err;
    }
  }
}

/** pods/<name>/binding: what the scheduler posts to place a pod on a node. */
async function binding(request: RestRequest): Promise<void> {
  const { ref, info, objects } = request;
  if (info.verb !== 'create') throw methodNotAllowed();
  const body = readRequestObject(request.ctx.req.headers['content-type'], await readBody(request.ctx.req), { apiVersion: 'v1', kind: 'Binding' }) as { target?: { name?: string; kind?: string } };
  const node = body.target?.name;
  if (!node) throw new ApiError(422, 'Invalid', `Binding "${info.name}" is invalid: target.name: Required value`, { name: info.name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }] });
  await bindPod(objects, ref, info.namespace, info.name, node, writeOptions(request));
  success(request, 201);
}

/** pods/<name>/eviction: a delete that respects PodDisruptionBudgets. */
async function eviction(request: RestRequest): Promise<void> {
  const { ref, info, objects } = request;
  if (info.verb !== 'create') throw methodNotAllowed();
  const body = readRequestObject(request.ctx.req.headers['content-type'], await readBody(request.ctx.req), { apiVersion: 'policy/v1', kind: 'Eviction' }) as { deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } };
  const deleteOptions = body.deleteOptions ?? {};
  await evictPod(objects, ref, info.namespace, info.name, {
    ...writeOptions(request),
    ...(deleteOptions.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: deleteOptions.gracePeriodSeconds } : {}),
    ...(deleteOptions.preconditions ? { preconditions: deleteOptions.preconditions } : {}),
  });
  success(request, 201);
}

/** Subresources other than the object views (status & co. are served as the object). */
export async function serveSubresource(request: RestRequest, sub: SubresourceDefinition): Promise<void> {
  switch (sub.role) {
    case 'scale':
      return scale(request);
    case 'binding':
      return binding(request);
    case 'eviction':
      return eviction(request);
    case 'node-stream':
      return servePodStream(request, sub.name);
    case 'token':
    case 'proxy':
      throw serviceUnavailable(`${request.ref.resource.resource}/${sub.name} is not served yet`);
    case 'object':
      throw methodNotAllowed();
  }
}
