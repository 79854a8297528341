// POST /kubeql/v1/podstatuses: a kubeql extension that writes many pods'
// status in one request, so a node agent carrying thousands of pods sends one
// request per batch of status changes instead of one per pod. Each item is an
// ordinary merge patch of pods/status through the object service (admission,
// resourceVersion, watch events, managedFields); issued together, the store
// group-commits them into one transaction. Every item gets its own result: a
// Conflict or NotFound for one pod never fails the others.
import { ApiError, badRequest, forbidden, toApiError, type Status } from '../errors.js';
import { parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { JsonObject } from '../patch/json-value.js';
import { applyPatch } from '../patch/patch-types.js';
import { agentIdOf } from '../../auth/node-agents.js';
import { forbiddenMessage } from '../authz/messages.js';
import type { Requester } from '../../objects/admission.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import { ConflictError } from '../../store/errors.js';
import type { KubeObject } from '../../store/types.js';
import { requesterOf } from './request.js';

export const POD_STATUS_BATCH_PATH = '/kubeql/v1/podstatuses';
/** More than this many pods in one request is refused (the 3 MiB body limit comes first for big statuses). */
export const MAX_POD_STATUSES = 1_000;
// As a merge patch without a resourceVersion: a concurrent write to the pod is retried against the new object.
const ATTEMPTS = 5;

export interface PodStatusItem {
  namespace: string;
  name: string;
  /** The pod the status is about; a pod of the same name with another uid is a Conflict. */
  uid?: string;
  /** Merged into pod.status (JSON merge patch). */
  status: Record<string, unknown>;
}

export interface PodStatusBatchRequest {
  apiVersion?: 'kubeql.io/v1';
  kind?: 'PodStatusBatch';
  items: PodStatusItem[];
}

/** One result per item, in the request's order. */
export interface PodStatusItemResult {
  namespace: string;
  name: string;
  /** Set when the write landed. */
  resourceVersion?: string;
  /** Set when it did not: the Status a single pods/status patch would have answered. */
  error?: Status;
}

export interface PodStatusBatchResult {
  apiVersion: 'kubeql.io/v1';
  kind: 'PodStatusBatchResult';
  results: PodStatusItemResult[];
}

function parseRequest(value: unknown): PodStatusItem[] {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { items?: unknown }).items)) {
    throw badRequest('a PodStatusBatch needs an "items" list of {"namespace", "name", "status"}');
  }
  const items = (value as PodStatusBatchRequest).items;
  if (items.length > MAX_POD_STATUSES) throw badRequest(`at most ${MAX_POD_STATUSES} pod statuses may be written in one request`);
  for (const item of items) {
    if (typeof item !== 'object' || item === null || typeof item.name !== 'string' || item.name === '' || typeof item.namespace !== 'string' || item.namespace === '') {
      throw badRequest('every item needs a "namespace" and a "name"');
    }
    if (typeof item.status !== 'object' || item.status === null || Array.isArray(item.status)) throw badRequest(`item ${item.namespace}/${item.name} needs a "status" object`);
    if (item.uid !== undefined && typeof item.uid !== 'string') throw badRequest(`item ${item.namespace}/${item.name}: "uid" must be a string`);
  }
  return items;
}

/**
 * The Node authorizer's rule for pod status: a node identity
 * (`system:node:<name>`) writes only pods bound to itself; cluster admins any
 * pod; a node agent credential (`system:node-agent:<id>`) bound pods, and
 * the Node authorizer in the admission chain (src/api/authz/node-authorizer.ts)
 * then refuses, item by item, pods bound to nodes the agent does not own.
 * Bootstrap tokens never get here (they may only join). Nobody reports status
 * for a pod no node runs.
 */
export function podStatusRefusal(requester: Requester, pod: KubeObject): string | undefined {
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
  const target = { verb: 'patch', group: '', resource: 'pods', subresource: 'status', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
  const denied = (why: string): string => forbiddenMessage(requester.username, target, why);
  if (requester.username.startsWith('system:node:') && requester.groups.includes('system:nodes')) {
    const self = requester.username.slice('system:node:'.length);
    return nodeName === self ? undefined : denied(`no relationship found between node '${self}' and this object`);
  }
  if (requester.groups.includes('system:masters')) return undefined;
  if (agentIdOf(requester) !== undefined) return nodeName === '' ? denied('the pod is not bound to a node') : undefined;
  return denied('only nodes write pod status in batches');
}

async function writeOne(objects: ObjectService, ref: ResourceRef, requester: Requester, item: PodStatusItem): Promise<KubeObject> {
  for (let attempt = 1; ; attempt++) {
    const current = await objects.get(ref, item.namespace, item.name);
    const refusal = podStatusRefusal(requester, current);
    if (refusal !== undefined) throw forbidden(refusal, { name: item.name, kind: 'pods' });
    if (item.uid !== undefined && item.uid !== '' && item.uid !== current.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${item.uid}, UID in object meta: ${current.metadata.uid ?? ''}`, { name: item.name, kind: 'pods' });
    }
    const patched = applyPatch('merge', current as unknown as JsonObject, { status: item.status }, { group: '', kind: 'Pod' }) as unknown as KubeObject;
    try {
      // The pod just read is the update's current object: one read per item, not two.
      return await objects.update(ref, item.namespace, item.name, patched, { requester, subresource: 'status', fieldManager: 'kubeql-node-agent', current });
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= ATTEMPTS) throw err;
    }
  }
}

export function registerPodStatusBatch(router: Router, objects: ObjectService): void {
  router.add('POST', POD_STATUS_BATCH_PATH, async (ctx: RequestContext) => {
    const requester = requesterOf(ctx);
    const items = parseRequest(parseJson(await readBody(ctx.req)));
    const ref = objects.resource(ctx.cluster, '', 'v1', 'pods');
    // All at once: the store's group commit turns these writes into one transaction.
    const results = await Promise.all(
      items.map(async (item): Promise<PodStatusItemResult> => {
        try {
          const written = await writeOne(objects, ref, requester, item);
          return { namespace: item.namespace, name: item.name, resourceVersion: written.metadata.resourceVersion ?? '' };
        } catch (err) {
          return { namespace: item.namespace, name: item.name, error: toApiError(err).toStatus() };
        }
      }),
    );
    const body: PodStatusBatchResult = { apiVersion: 'kubeql.io/v1', kind: 'PodStatusBatchResult', results };
    sendJson(ctx.res, 200, body);
  });
}
