// POST /kubeql/v1/leaserenewals: a kubeql extension that renews many
// coordination.k8s.io/v1 Leases in one request, so a node agent carrying
// 1,000 nodes sends one request per period instead of 1,000. The Leases stay
// ordinary objects: each renewal is a normal update through the object
// service (admission, resourceVersion, watch events); issued together, the
// store group-commits them.
import { badRequest, toApiError, type Status } from '../errors.js';
import { parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import { ConflictError } from '../../store/errors.js';
import type { KubeObject } from '../../store/types.js';
import { requesterOf } from './request.js';

export const LEASE_RENEWALS_PATH = '/kubeql/v1/leaserenewals';
/** More than this many leases in one request is refused (the body limit would come first anyway). */
export const MAX_RENEWALS = 5_000;

export interface LeaseRenewalItem {
  name: string;
  holderIdentity?: string;
  /** uid of the Node the lease belongs to; set as its owner when the lease is created. */
  nodeUid?: string;
}

export interface LeaseRenewalRequest {
  apiVersion?: 'kubeql.io/v1';
  kind?: 'LeaseRenewal';
  /** @defaultValue kube-node-lease */
  namespace?: string;
  /** @defaultValue 40 (kubelet's node lease duration) */
  leaseDurationSeconds?: number;
  leases: LeaseRenewalItem[];
}

export interface LeaseRenewalResult {
  apiVersion: 'kubeql.io/v1';
  kind: 'LeaseRenewalResult';
  renewed: number;
  created: number;
  failed: { name: string; status: Status }[];
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseRequest(value: unknown): Required<Omit<LeaseRenewalRequest, 'apiVersion' | 'kind'>> {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { leases?: unknown }).leases)) {
    throw badRequest('a LeaseRenewal needs a "leases" list of {"name": ...}');
  }
  const body = value as LeaseRenewalRequest;
  if (body.leases.length > MAX_RENEWALS) throw badRequest(`at most ${MAX_RENEWALS} leases may be renewed in one request`);
  for (const item of body.leases) {
    if (typeof item !== 'object' || item === null || typeof item.name !== 'string' || item.name === '') throw badRequest('every lease needs a "name"');
  }
  const duration = body.leaseDurationSeconds ?? 40;
  if (!Number.isInteger(duration) || duration <= 0) throw badRequest('leaseDurationSeconds must be a positive whole number');
  return { namespace: typeof body.namespace === 'string' && body.namespace !== '' ? body.namespace : 'kube-node-lease', leaseDurationSeconds: duration, leases: body.leases };
}

export function registerLeaseRenewals(router: Router, objects: ObjectService): void {
  router.add('POST', LEASE_RENEWALS_PATH, async (ctx: RequestContext) => {
    const requester = requesterOf(ctx);
    const body = parseRequest(parseJson(await readBody(ctx.req)));
    const ref: ResourceRef = objects.resource(ctx.cluster, 'coordination.k8s.io', 'v1', 'leases');
    const now = microTime(new Date());
    // One list instead of one read per lease; a lease changed since is re-read on conflict.
    const existing = new Map<string, KubeObject>();
    for (const lease of (await objects.list(ref, body.namespace)).items) existing.set(lease.metadata.name ?? '', lease);
    const result: LeaseRenewalResult = { apiVersion: 'kubeql.io/v1', kind: 'LeaseRenewalResult', renewed: 0, created: 0, failed: [] };
    await Promise.all(
      body.leases.map(async (item) => {
        try {
          const created = await renew(objects, ref, body.namespace, item, body.leaseDurationSeconds, now, existing.get(item.name), requester);
          if (created) result.created += 1;
          else result.renewed += 1;
        } catch (err) {
          result.failed.push({ name: item.name, status: toApiError(err).toStatus() });
        }
      }),
    );
    sendJson(ctx.res, 200, result);
  });
}

async function renew(
  objects: ObjectService,
  ref: ResourceRef,
  namespace: string,
  item: LeaseRenewalItem,
  leaseDurationSeconds: number,
  renewTime: string,
  current: KubeObject | undefined,
  requester: ReturnType<typeof requesterOf>,
): Promise<boolean> {
  const holderIdentity = item.holderIdentity ?? item.name;
  if (current === undefined) {
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: item.name,
        namespace,
        ...(item.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: item.name, uid: item.nodeUid }] } : {}),
      },
      spec: { holderIdentity, leaseDurationSeconds, renewTime },
    };
    try {
      await objects.create(ref, namespace, lease, { requester });
      return true;
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'AlreadyExists') throw err;
      current = await objects.get(ref, namespace, item.name);
    }
  }
  for (let attempt = 0; ; attempt++) {
    const spec = { ...((current.spec ?? {}) as Record<string, unknown>), holderIdentity, leaseDurationSeconds, renewTime };
    try {
      await objects.update(ref, namespace, item.name, { ...current, spec }, { requester });
      return false;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= 2) throw err;
      current = await objects.get(ref, namespace, item.name);
    }
  }
}
