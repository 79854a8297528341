// The replica controllers' reconcile (ReplicaSet and ReplicationController
// differ only in their selectors): claim the pods the selector matches
// (adopt orphans, release pods that stopped matching), create or delete
// pods until exactly spec.replicas are active, then write status.

import { isDeepStrictEqual } from 'node:util';
import type { LabelSelector } from '../../kube/types.js';
import type { ResourceRef } from '../../objects/service.js';
import type { KubeObject, OwnerReference } from '../../store/types.js';
import { compileLabelSelector, type LabelMatcher } from '../../scheduler/selectors.js';
import { controllerRequester } from '../runtime/controller-manager.js';
import { done, requeueAfter, type ReconcileContext, type ReconcileResult } from '../runtime/define.js';
import { CreationExpectations } from './expectations.js';
import { freshPodNames, isActive, isReady, msUntilAvailable, podNamePrefix, podsToDelete } from './pods.js';

/** At most this many pods are created or deleted by one reconcile (kube-controller-manager's burstReplicas). */
export const BURST_REPLICAS = 500;
/** Creates start with a batch of one and double while they succeed (SlowStartInitialBatchSize). */
const SLOW_START_INITIAL_BATCH = 1;

export const Reasons = {
  SuccessfulCreate: 'SuccessfulCreate',
  FailedCreate: 'FailedCreate',
  SuccessfulDelete: 'SuccessfulDelete',
  FailedDelete: 'FailedDelete',
} as const;

export interface ReplicaKind {
  controller: string;
  group: string;
  resource: string;
  kind: string;
  /** The pods the owner's selector matches. */
  selector(owner: KubeObject): LabelMatcher;
}

// Per process, as in kube-controller-manager.
const expectations = new CreationExpectations();

interface ReplicaSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
}

interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
}

export const setBasedSelector = (owner: KubeObject): LabelMatcher => compileLabelSelector((owner.spec as { selector?: LabelSelector } | undefined)?.selector);

/** ReplicationController selectors are plain label maps; an empty one means the template's labels. */
export const equalitySelector = (owner: KubeObject): LabelMatcher => {
  const spec = (owner.spec ?? {}) as { selector?: Record<string, string> } & ReplicaSpec;
  const labels = spec.selector && Object.keys(spec.selector).length > 0 ? spec.selector : (spec.template?.metadata?.labels ?? {});
  if (Object.keys(labels).length === 0) return () => false;
  return compileLabelSelector({ matchLabels: labels });
};

const reasonOf = (err: unknown): string | undefined => {
  const reason = (err as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : undefined;
};

const controllerRefOf = (pod: KubeObject): OwnerReference | undefined => pod.metadata.ownerReferences?.find((r) => r.controller === true);

function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion ?? 'v1', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function podFromTemplate(owner: KubeObject, name: string): KubeObject {
  const template = structuredClone((owner.spec as ReplicaSpec | undefined)?.template ?? {});
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: podNamePrefix(owner.metadata.name ?? ''),
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec: template.spec ?? {},
  };
}

interface Claimed {
  owned: KubeObject[];
  names: Set<string>;
}

/** Adopts matching orphans and releases owned pods that stopped matching (PodControllerRefManager.ClaimPods). */
async function claimPods(ctx: ReconcileContext, kind: ReplicaKind, podsRef: ResourceRef, owner: KubeObject, pods: readonly KubeObject[], matches: LabelMatcher): Promise<Claimed> {
  const requester = controllerRequester(kind.controller);
  const owned: KubeObject[] = [];
  const names = new Set<string>();
  const uid = owner.metadata.uid;
  const canAdopt = owner.metadata.deletionTimestamp === undefined;
  for (const pod of pods) {
    names.add(pod.metadata.name ?? '');
    const ref = controllerRefOf(pod);
    const match = matches(pod.metadata.labels);
    if (ref !== undefined) {
      if (ref.uid !== uid) continue;
      if (match || pod.metadata.deletionTimestamp !== undefined) {
        owned.push(pod);
        continue;
      }
      const released = { ...pod, metadata: { ...pod.metadata, ownerReferences: (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid) } };
      await ignoreGone(ctx.objects.update(podsRef, ctx.key.namespace, pod.metadata.name ?? '', released, { requester, signal: ctx.signal }));
      continue;
    }
    if (!match || !canAdopt || pod.metadata.deletionTimestamp !== undefined || !isActive(pod)) continue;
    const adopted = { ...pod, metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata.ownerReferences ?? []), ownerReference(owner)] } };
    const written = await ignoreGone(ctx.objects.update(podsRef, ctx.key.namespace, pod.metadata.name ?? '', adopted, { requester, signal: ctx.signal }));
    if (written !== undefined) owned.push(written);
  }
  return { owned, names };
}

async function ignoreGone<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (reasonOf(err) === 'NotFound') return undefined;
    throw err;
  }
}

async function createPods(ctx: ReconcileContext, kind: ReplicaKind, podsRef: ResourceRef, owner: KubeObject, names: readonly string[]): Promise<unknown> {
  // Events are written beside the creates, not between batches: the next
  // batch waits only for the pods (the recorder never throws).
  const events: Promise<void>[] = [];
  try {
    return await createInBatches(ctx, kind, podsRef, owner, names, events);
  } finally {
    await Promise.all(events);
  }
}

/** Slow start: batches of 1, 2, 4, ... created in parallel, stopping at the first batch with a failure. */
async function createInBatches(ctx: ReconcileContext, kind: ReplicaKind, podsRef: ResourceRef, owner: KubeObject, names: readonly string[], events: Promise<void>[]): Promise<unknown> {
  const uid = owner.metadata.uid ?? '';
  const requester = controllerRequester(kind.controller);
  let next = 0;
  for (let batch = SLOW_START_INITIAL_BATCH; next < names.length; batch *= 2) {
    const slice = names.slice(next, next + batch);
    next += slice.length;
    const results = await Promise.allSettled(
      slice.map(async (name) => {
        try {
          const pod = await ctx.objects.create(podsRef, ctx.key.namespace, podFromTemplate(owner, name), { requester, signal: ctx.signal });
          expectations.confirmed(uid, name);
          events.push(ctx.events.record(owner, 'Normal', Reasons.SuccessfulCreate, `Created pod: ${pod.metadata.name ?? name}`));
        } catch (err) {
          expectations.lower(uid, name);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      // The rest will never be observed.
      for (const name of names.slice(next)) expectations.lower(uid, name);
      const err = failed.reason as Error;
      events.push(ctx.events.record(owner, 'Warning', Reasons.FailedCreate, `Error creating: ${err.message}`));
      return err;
    }
  }
  return undefined;
}

async function deletePods(ctx: ReconcileContext, kind: ReplicaKind, podsRef: ResourceRef, owner: KubeObject, victims: readonly KubeObject[]): Promise<unknown> {
  const requester = controllerRequester(kind.controller);
  const results = await Promise.allSettled(
    victims.map(async (pod) => {
      const name = pod.metadata.name ?? '';
      try {
        await ctx.objects.delete(podsRef, ctx.key.namespace, name, { requester, signal: ctx.signal, ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}) });
        await ctx.events.record(owner, 'Normal', Reasons.SuccessfulDelete, `Deleted pod: ${name}`);
      } catch (err) {
        if (reasonOf(err) === 'NotFound') return;
        await ctx.events.record(owner, 'Warning', Reasons.FailedDelete, `Error deleting: ${(err as Error).message}`);
        throw err;
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return failed?.reason;
}

function replicaFailure(previous: ReplicaStatus['conditions'], err: unknown, diff: number, now: Date): ReplicaStatus['conditions'] {
  const others = (previous ?? []).filter((c) => c.type !== 'ReplicaFailure');
  if (err === undefined) return others;
  const existing = (previous ?? []).find((c) => c.type === 'ReplicaFailure');
  const reason = diff > 0 ? 'FailedCreate' : 'FailedDelete';
  const message = (err as Error).message ?? String(err);
  return [...others, { type: 'ReplicaFailure', status: 'True', reason, message, lastTransitionTime: existing?.lastTransitionTime ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z') }];
}

/** Reconciles one ReplicaSet or ReplicationController. */
export async function syncReplicas(kind: ReplicaKind, ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, key } = ctx;
  const ownerRef = objects.resource(key.cluster, kind.group, 'v1', kind.resource);
  const stored = await ctx.store.get(objects.key(ownerRef, key.namespace, key.name), { signal: ctx.signal });
  if (stored === null) return done();
  const owner: KubeObject = { ...stored, apiVersion: kind.group === '' ? 'v1' : `${kind.group}/v1`, kind: kind.kind };
  const podsRef = objects.resource(key.cluster, '', 'v1', 'pods');
  const listedAt = expectations.tick();
  const all = await ctx.store.list(objects.collection(podsRef, key.namespace), { signal: ctx.signal });
  const { owned, names } = await claimPods(ctx, kind, podsRef, owner, all.items, kind.selector(owner));
  const spec = (owner.spec ?? {}) as ReplicaSpec;
  const active = owned.filter(isActive);
  const desired = spec.replicas ?? 1;
  const uid = owner.metadata.uid ?? '';
  // No await between counting outstanding creations and raising them.
  const diff = desired - active.length - expectations.outstanding(uid, names, listedAt);
  let failure: unknown;
  if (owner.metadata.deletionTimestamp === undefined) {
    if (diff > 0) {
      const fresh = freshPodNames(owner.metadata.name ?? '', names, Math.min(diff, BURST_REPLICAS));
      expectations.expect(uid, fresh);
      failure = await createPods(ctx, kind, podsRef, owner, fresh);
    }
    else if (diff < 0) failure = await deletePods(ctx, kind, podsRef, owner, podsToDelete(active, Math.min(-diff, BURST_REPLICAS)));
  }
  const now = ctx.now();
  const templateLabels = spec.template?.metadata?.labels ?? {};
  let available = 0;
  let nextAvailable: number | undefined;
  for (const pod of active) {
    const wait = msUntilAvailable(pod, spec.minReadySeconds ?? 0, now);
    if (wait === 0) available += 1;
    else if (wait !== undefined) nextAvailable = Math.min(nextAvailable ?? wait, wait);
  }
  const previous = (owner.status ?? {}) as Partial<ReplicaStatus>;
  const status: ReplicaStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: active.filter(isReady).length,
    availableReplicas: available,
    ...(owner.metadata.generation !== undefined ? { observedGeneration: owner.metadata.generation } : {}),
  };
  const conditions = replicaFailure(previous.conditions, failure, diff, now);
  if (conditions !== undefined && conditions.length > 0) status.conditions = conditions;
  if (!isDeepStrictEqual(previous, status)) {
    // The read's resourceVersion rides along: a stale write is a Conflict, retried.
    await objects.update(ownerRef, key.namespace, key.name, { ...owner, status }, { subresource: 'status', requester: controllerRequester(kind.controller), signal: ctx.signal });
  }
  if (failure !== undefined) throw failure;
  // More to create or delete than one burst allows: go again.
  if (Math.abs(diff) > BURST_REPLICAS) return requeueAfter(0);
  return nextAvailable !== undefined ? requeueAfter(nextAvailable + 50) : done();
}
