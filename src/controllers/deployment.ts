// Rolls a Deployment's pods from ReplicaSet to ReplicaSet: one ReplicaSet per
// pod template (named by its hash), scaled up and down by the strategy
// (RollingUpdate within maxSurge/maxUnavailable, or Recreate), with revision
// annotations, history cleanup, pause/resume and the Progressing/Available
// conditions `kubectl rollout status` reads.

import { isDeepStrictEqual } from 'node:util';
import type { LabelSelector } from '../kube/types.js';
import type { ResourceRef } from '../objects/service.js';
import { compileLabelSelector } from '../scheduler/selectors.js';
import type { KubeObject, OwnerReference } from '../store/types.js';
import * as C from './deployment/conditions.js';
import {
  copiedAnnotations,
  DESIRED_REPLICAS,
  fenceposts,
  MAX_REPLICAS,
  maxUnavailableOf,
  newReplicaSetReplicas,
  POD_TEMPLATE_HASH,
  podTemplateHash,
  REVISION,
  revisionOf,
  sameTemplate,
  scaleDownOld,
  specOf,
  type Condition,
  type DeploymentSpec,
  type PodTemplate,
  type ReplicaSetView,
} from './deployment/plan.js';
import { isScalingEvent, scaleTargets } from './deployment/proportional.js';
import { isActive } from './replica/pods.js';
import { controllerRequester } from './runtime/controller-manager.js';
import { defineController, done, requeueAfter, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

const NAME = 'deployment';
const requester = controllerRequester(NAME);
const ScalingReplicaSet = 'ScalingReplicaSet';
/** How often a Recreate rollout looks again while old pods terminate. */
const RECREATE_POLL_MS = 1000;

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

const reasonOf = (err: unknown): string | undefined => {
  const r = (err as { reason?: unknown } | null)?.reason;
  return typeof r === 'string' ? r : undefined;
};

function view(rs: KubeObject): ReplicaSetView {
  const status = (rs.status ?? {}) as { replicas?: number; availableReplicas?: number; readyReplicas?: number };
  const replicas = (rs.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  return {
    object: rs,
    name: rs.metadata.name ?? '',
    replicas,
    statusReplicas: status.replicas ?? 0,
    // A ReplicaSet just scaled down still reports the pods it is deleting as
    // available until its controller catches up; counting them would let the
    // next scale-down take the rollout below maxUnavailable.
    available: Math.min(status.availableReplicas ?? 0, replicas),
    ready: status.readyReplicas ?? 0,
    revision: revisionOf(rs),
    created: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
  };
}

function ownerReference(d: KubeObject): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

class DeploymentSync {
  readonly rsRef: ResourceRef;
  readonly dRef: ResourceRef;
  readonly spec: DeploymentSpec;
  createdNew: string | undefined;

  constructor(
    readonly ctx: ReconcileContext,
    public d: KubeObject,
  ) {
    this.rsRef = ctx.objects.resource(ctx.key.cluster, 'apps', 'v1', 'replicasets');
    this.dRef = ctx.objects.resource(ctx.key.cluster, 'apps', 'v1', 'deployments');
    this.spec = specOf(d);
  }

  get replicas(): number {
    return this.spec.replicas ?? 1;
  }

  /** Owned ReplicaSets, adopting matching orphans and releasing ones that stopped matching. */
  async claimReplicaSets(): Promise<KubeObject[]> {
    const { ctx, d } = this;
    const list = await ctx.store.list(ctx.objects.collection(this.rsRef, ctx.key.namespace), { signal: ctx.signal });
    const matches = compileLabelSelector(this.spec.selector as LabelSelector | undefined);
    const uid = d.metadata.uid;
    const owned: KubeObject[] = [];
    for (const rs of list.items) {
      const ref = rs.metadata.ownerReferences?.find((r) => r.controller === true);
      const match = matches(rs.metadata.labels);
      if (ref !== undefined) {
        if (ref.uid !== uid) continue;
        if (match || rs.metadata.deletionTimestamp !== undefined) owned.push(rs);
        else await this.write(rs, { ...rs, metadata: { ...rs.metadata, ownerReferences: (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid) } });
        continue;
      }
      if (!match || d.metadata.deletionTimestamp !== undefined || rs.metadata.deletionTimestamp !== undefined) continue;
      const adopted = await this.write(rs, { ...rs, metadata: { ...rs.metadata, ownerReferences: [...(rs.metadata.ownerReferences ?? []), ownerReference(d)] } });
      if (adopted !== undefined) owned.push(adopted);
    }
    return owned;
  }

  private async write(rs: KubeObject, next: KubeObject): Promise<KubeObject | undefined> {
    try {
      return await this.ctx.objects.update(this.rsRef, this.ctx.key.namespace, rs.metadata.name ?? '', next, { requester, signal: this.ctx.signal });
    } catch (err) {
      if (reasonOf(err) === 'NotFound') return undefined;
      throw err;
    }
  }

  /** Writes a ReplicaSet's replicas (and the annotations that go with them), recording ScalingReplicaSet. */
  async scale(rs: ReplicaSetView, replicas: number): Promise<ReplicaSetView> {
    const annotations = { ...(rs.object.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(this.replicas), [MAX_REPLICAS]: String(this.replicas + this.maxSurge()) };
    if (rs.replicas === replicas && isDeepStrictEqual(annotations, rs.object.metadata.annotations ?? {})) return rs;
    const next = { ...rs.object, metadata: { ...rs.object.metadata, annotations }, spec: { ...(rs.object.spec as object), replicas } };
    const written = await this.write(rs.object, next);
    if (written === undefined) return rs;
    if (rs.replicas !== replicas) {
      const direction = replicas > rs.replicas ? 'up' : 'down';
      await this.ctx.events.record(this.d, 'Normal', ScalingReplicaSet, `Scaled ${direction} replica set ${rs.name} from ${rs.replicas} to ${replicas}`);
    }
    return view(written);
  }

  maxSurge(): number {
    return this.spec.strategy?.type === 'Recreate' ? 0 : fenceposts(this.spec).maxSurge;
  }

  /** Keeps the new ReplicaSet's revision above every old one (a rollback makes an old template new again). */
  async syncRevision(next: ReplicaSetView, old: readonly ReplicaSetView[]): Promise<ReplicaSetView> {
    const maxOld = old.reduce((n, rs) => Math.max(n, rs.revision), 0);
    const wanted = next.revision > maxOld ? next.revision : maxOld + 1;
    const annotations = { ...(next.object.metadata.annotations ?? {}), ...copiedAnnotations(this.d), [REVISION]: String(wanted) };
    if (isDeepStrictEqual(annotations, next.object.metadata.annotations ?? {})) return next;
    const written = await this.write(next.object, { ...next.object, metadata: { ...next.object.metadata, annotations } });
    return written === undefined ? next : view(written);
  }

  /** Creates the ReplicaSet of the current template; on a name collision with another template, bumps collisionCount and retries. */
  async createNew(old: readonly ReplicaSetView[], replicas: number): Promise<ReplicaSetView> {
    const { ctx, d, spec } = this;
    const status = (d.status ?? {}) as DeploymentStatus;
    const hash = podTemplateHash(spec.template, status.collisionCount);
    const name = `${d.metadata.name ?? ''}-${hash}`;
    const template = structuredClone(spec.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = { ...(spec.selector ?? {}), matchLabels: { ...(spec.selector?.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const maxOld = old.reduce((n, rs) => Math.max(n, rs.revision), 0);
    const body: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: ctx.key.namespace,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: { ...copiedAnnotations(d), [REVISION]: String(maxOld + 1), [DESIRED_REPLICAS]: String(this.replicas), [MAX_REPLICAS]: String(this.replicas + this.maxSurge()) },
        ownerReferences: [ownerReference(d)],
      },
      spec: { replicas, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
    };
    try {
      const created = await ctx.objects.create(this.rsRef, ctx.key.namespace, body, { requester, signal: ctx.signal });
      this.createdNew = name;
      if (replicas > 0) await ctx.events.record(d, 'Normal', ScalingReplicaSet, `Scaled up replica set ${name} from 0 to ${replicas}`);
      return view(created);
    } catch (err) {
      if (reasonOf(err) !== 'AlreadyExists') throw err;
      const existing = await ctx.store.get(ctx.objects.key(this.rsRef, ctx.key.namespace, name), { signal: ctx.signal });
      const mine = existing?.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller === true);
      if (existing !== null && mine && sameTemplate((existing.spec as { template?: PodTemplate } | undefined)?.template, spec.template)) return view(existing);
      // A hash collision: another template owns the name. Change the hash and go again.
      await ctx.objects.update(this.dRef, ctx.key.namespace, ctx.key.name, { ...d, status: { ...status, collisionCount: (status.collisionCount ?? 0) + 1 } }, { subresource: 'status', requester, signal: ctx.signal });
      throw err;
    }
  }

  /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest revision first. */
  async cleanup(old: readonly ReplicaSetView[]): Promise<void> {
    const limit = this.spec.revisionHistoryLimit ?? 10;
    const cleanable = old.filter((rs) => rs.replicas === 0 && rs.statusReplicas === 0 && rs.object.metadata.deletionTimestamp === undefined).sort((a, b) => a.revision - b.revision || a.created - b.created);
    for (const rs of cleanable.slice(0, Math.max(0, cleanable.length - limit))) {
      try {
        await this.ctx.objects.delete(this.rsRef, this.ctx.key.namespace, rs.name, { requester, signal: this.ctx.signal, ...(rs.object.metadata.uid ? { preconditions: { uid: rs.object.metadata.uid } } : {}) });
      } catch (err) {
        if (reasonOf(err) !== 'NotFound') throw err;
      }
    }
  }

  /** Whether pods of the old ReplicaSets still run (Recreate waits for them to end). */
  async oldPodsRunning(old: readonly ReplicaSetView[]): Promise<boolean> {
    if (old.some((rs) => rs.statusReplicas > 0)) return true;
    const uids = new Set(old.map((rs) => rs.object.metadata.uid));
    const podsRef = this.ctx.objects.resource(this.ctx.key.cluster, '', 'v1', 'pods');
    const pods = await this.ctx.store.list(this.ctx.objects.collection(podsRef, this.ctx.key.namespace), { signal: this.ctx.signal });
    return pods.items.some((p) => {
      const phase = (p.status as { phase?: string } | undefined)?.phase;
      const owned = p.metadata.ownerReferences?.some((r) => r.controller === true && uids.has(r.uid));
      return owned === true && (isActive(p) || (phase !== 'Succeeded' && phase !== 'Failed'));
    });
  }

  /** Records the new ReplicaSet's revision on the Deployment. */
  async syncDeploymentRevision(next: ReplicaSetView | undefined): Promise<void> {
    if (next === undefined || next.revision === 0) return;
    const current = this.d.metadata.annotations?.[REVISION];
    if (current === String(next.revision)) return;
    this.d = await this.ctx.objects.update(this.dRef, this.ctx.key.namespace, this.ctx.key.name, { ...this.d, metadata: { ...this.d.metadata, annotations: { ...(this.d.metadata.annotations ?? {}), [REVISION]: String(next.revision) } } }, { requester, signal: this.ctx.signal });
  }

  /** Writes status and the conditions; returns when to look again for the progress deadline. */
  async syncStatus(all: readonly ReplicaSetView[], next: ReplicaSetView | undefined): Promise<ReconcileResult> {
    const { ctx, d, spec } = this;
    const now = ctx.now();
    const previous = (d.status ?? {}) as DeploymentStatus;
    const available = all.reduce((n, rs) => n + rs.available, 0);
    const status: DeploymentStatus = {
      ...(d.metadata.generation !== undefined ? { observedGeneration: d.metadata.generation } : {}),
      replicas: all.reduce((n, rs) => n + rs.statusReplicas, 0),
      updatedReplicas: next?.statusReplicas ?? 0,
      readyReplicas: all.reduce((n, rs) => n + rs.ready, 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, all.reduce((n, rs) => n + rs.replicas, 0) - available),
      ...(previous.collisionCount !== undefined ? { collisionCount: previous.collisionCount } : {}),
    };
    const time = C.timestamp(now);
    let conditions = previous.conditions ?? [];
    conditions =
      available >= this.replicas - maxUnavailableOf(spec)
        ? C.setCondition(conditions, { type: 'Available', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason: C.MinimumReplicasAvailable, message: 'Deployment has minimum availability.' })
        : C.setCondition(conditions, { type: 'Available', status: 'False', lastUpdateTime: time, lastTransitionTime: time, reason: C.MinimumReplicasUnavailable, message: 'Deployment does not have minimum availability.' });
    let result: ReconcileResult = done();
    const progressing = C.conditionOf(conditions, 'Progressing');
    // apps/v1 defaults it to 600; objects stored before defaulting may lack it.
    const deadline = spec.progressDeadlineSeconds ?? 600;
    const rsName = next?.name ?? '';
    const progress = (reason: string, message: string, status = 'True'): Condition => ({ type: 'Progressing', status, lastUpdateTime: time, lastTransitionTime: time, reason, message });
    if (spec.paused) {
      if (progressing?.reason !== C.PausedReason) conditions = C.setCondition(conditions, progress(C.PausedReason, 'Deployment is paused', 'Unknown'));
    } else {
      const complete = next !== undefined && status.updatedReplicas === this.replicas && status.replicas === this.replicas && available >= this.replicas && next.available >= this.replicas;
      const moved =
        this.createdNew !== undefined ||
        progressing?.reason === C.PausedReason ||
        (status.updatedReplicas ?? 0) > (previous.updatedReplicas ?? 0) ||
        (status.availableReplicas ?? 0) > (previous.availableReplicas ?? 0) ||
        (status.readyReplicas ?? 0) > (previous.readyReplicas ?? 0) ||
        (status.replicas ?? 0) < (previous.replicas ?? 0) ||
        d.metadata.generation !== previous.observedGeneration;
      if (complete) {
        conditions = C.setCondition(conditions, progress(C.NewRSAvailableReason, `ReplicaSet "${rsName}" has successfully progressed.`));
      } else if (this.createdNew !== undefined) {
        conditions = C.setCondition(conditions, progress(C.NewReplicaSetReason, `Created new replica set "${rsName}"`));
        result = requeueAfter(deadline * 1000);
      } else if (moved || progressing === undefined || progressing.reason === C.NewRSAvailableReason) {
        // setCondition keeps an identical condition; progress must refresh lastUpdateTime.
        conditions = [...conditions.filter((c) => c.type !== 'Progressing'), { ...progress(C.ReplicaSetUpdatedReason, `ReplicaSet "${rsName}" is progressing.`), lastTransitionTime: progressing?.status === 'True' ? (progressing.lastTransitionTime ?? time) : time }];
        result = requeueAfter(deadline * 1000);
      } else if (progressing.reason !== C.TimedOutReason) {
        const since = Date.parse(progressing.lastUpdateTime ?? '') || now.getTime();
        const left = since + deadline * 1000 - now.getTime();
        if (left <= 0) conditions = C.setCondition(conditions, progress(C.TimedOutReason, `ReplicaSet "${rsName}" has timed out progressing.`, 'False'));
        else result = requeueAfter(left + 100);
      }
    }
    status.conditions = conditions;
    if (!isDeepStrictEqual(previous, status)) {
      await ctx.objects.update(this.dRef, ctx.key.namespace, ctx.key.name, { ...d, status }, { subresource: 'status', requester, signal: ctx.signal });
    }
    return result;
  }
}

async function rollingUpdate(s: DeploymentSync, next: ReplicaSetView | undefined, old: ReplicaSetView[]): Promise<ReplicaSetView> {
  const none: ReplicaSetView = { ...view({ metadata: {}, spec: { replicas: 0 } }), replicas: 0 };
  let current = next ?? (await s.createNew(old, newReplicaSetReplicas(s.spec, old, none)));
  const target = newReplicaSetReplicas(s.spec, [current, ...old], current);
  if (target !== current.replicas) current = await s.scale(current, target);
  const cuts = scaleDownOld(s.spec, [current, ...old], current, old);
  for (let i = 0; i < old.length; i++) {
    const rs = old[i] as ReplicaSetView;
    const replicas = cuts.get(rs.name);
    if (replicas !== undefined) old[i] = await s.scale(rs, replicas);
  }
  return current;
}

async function recreate(s: DeploymentSync, next: ReplicaSetView | undefined, old: ReplicaSetView[]): Promise<{ next: ReplicaSetView | undefined; waiting: boolean }> {
  let scaledDown = false;
  for (let i = 0; i < old.length; i++) {
    const rs = old[i] as ReplicaSetView;
    if (rs.replicas > 0) {
      old[i] = await s.scale(rs, 0);
      scaledDown = true;
    }
  }
  if (scaledDown || (await s.oldPodsRunning(old))) return { next, waiting: true };
  const current = next ?? (await s.createNew(old, s.replicas));
  return { next: current.replicas !== s.replicas ? await s.scale(current, s.replicas) : current, waiting: false };
}

/** sync(): a scaling event or a paused Deployment is sized (proportionally mid-rollout) without rolling. */
async function scaleWithoutRolling(s: DeploymentSync, next: ReplicaSetView | undefined, old: ReplicaSetView[]): Promise<ReplicaSetView | undefined> {
  const statusReplicas = ((s.d.status ?? {}) as DeploymentStatus).replicas ?? 0;
  for (const { rs, replicas } of scaleTargets(s.spec, statusReplicas, next, old)) {
    const scaled = await s.scale(rs, replicas);
    if (rs === next) next = scaled;
    else old[old.indexOf(rs)] = scaled;
  }
  return next;
}

async function syncDeployment(ctx: ReconcileContext): Promise<ReconcileResult> {
  const dRef = ctx.objects.resource(ctx.key.cluster, 'apps', 'v1', 'deployments');
  const stored = await ctx.store.get(ctx.objects.key(dRef, ctx.key.namespace, ctx.key.name), { signal: ctx.signal });
  if (stored === null) return done();
  const s = new DeploymentSync(ctx, { ...stored, apiVersion: 'apps/v1', kind: 'Deployment' });
  const owned = (await s.claimReplicaSets()).map(view);
  const candidates = owned.filter((rs) => sameTemplate((rs.object.spec as { template?: PodTemplate } | undefined)?.template, s.spec.template)).sort((a, b) => a.created - b.created);
  let next = candidates[0];
  const old = owned.filter((rs) => rs !== next);
  if (s.d.metadata.deletionTimestamp !== undefined) return s.syncStatus(owned, next);
  let waiting = false;
  if (s.spec.paused) {
    next = await scaleWithoutRolling(s, next, old);
  } else if (isScalingEvent(s.spec, owned)) {
    if (next !== undefined) next = await s.syncRevision(next, old);
    next = await scaleWithoutRolling(s, next, old);
  } else {
    if (next !== undefined) next = await s.syncRevision(next, old);
    if (s.spec.strategy?.type === 'Recreate') ({ next, waiting } = await recreate(s, next, old));
    else next = await rollingUpdate(s, next, old);
  }
  await s.cleanup(old);
  await s.syncDeploymentRevision(next);
  const all = next === undefined ? old : [next, ...old];
  const result = await s.syncStatus(all, next);
  if (waiting) return requeueAfter(RECREATE_POLL_MS);
  return result;
}

export default defineController({
  name: NAME,
  route: { name: NAME, for: { group: 'apps', resource: 'deployments', kind: 'Deployment' }, owns: [{ group: 'apps', resource: 'replicasets' }] },
  concurrency: 8,
  reconcile: syncDeployment,
});
