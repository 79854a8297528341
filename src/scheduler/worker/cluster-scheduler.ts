// The scheduler of one cluster: informers keep the snapshot current from the
// change log; pods to place arrive as keys from the scheduler's BullMQ queue
// (pending-pod-feed.ts) and wait in an in-memory priority queue. One loop pops
// pods in priority order, runs a cycle against the snapshot (no database
// read), assumes the pod on the chosen node and binds it in the background
// through the same code as the pods/binding subresource. A lost bind race
// (Conflict) forgets the assumption; the pod is tried again only if the change
// log still shows it pending.

import type { Logger } from '../../log.js';
import type { Requester } from '../../objects/admission.js';
import { bindPod, type NodeBindLock } from '../../objects/binding.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import { ConflictError, NotFoundError } from '../../store/errors.js';
import type { KubeObject } from '../../store/types.js';
import type { Node, Pod } from '../../kube/types.js';
import { ApiError } from '../../api/errors.js';
import type { BackoffPolicy } from '../backoff.js';
import type { ClusterEvent } from '../framework.js';
import { DEFAULT_SCHEDULER_NAME, failureOutcome, needsScheduling, scheduledEvent, type SchedulingEvent } from '../outcome.js';
import { podKey } from '../pod-info.js';
import { buildProfile, type Profile } from '../registry.js';
import { nodeUpdateActions, podUpdateActions, requeuePolicy } from '../requeue.js';
import { Scheduler, type ScheduleResult } from '../schedule-one.js';
import { SchedulerSnapshot } from '../snapshot.js';
import { ObjectEventRecorder, QueuedEventRecorder } from '../../objects/event-recorder.js';
import { Informer, objectCacheKey } from './informer.js';
import { Limiter } from './limiter.js';
import { SchedulingQueue } from './scheduling-queue.js';

export const SCHEDULER_REQUESTER: Requester = Object.freeze({ username: 'system:kube-scheduler', groups: Object.freeze(['system:authenticated']) });

/**
 * Retry delays. kube-scheduler waits 1 s doubling to 10 s; kubeql starts
 * lower and caps at 1 s so a pending pod is bound within a second of
 * capacity appearing (issue #6).
 */
export const WORKER_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 100, maxMs: 1_000 });

export interface ClusterSchedulerOptions {
  objects: ObjectService;
  cluster: string;
  log: Logger;
  /** Pods whose spec.schedulerName is this (or unset, for the default). @defaultValue 'default-scheduler' */
  schedulerName?: string;
  profile?: Profile;
  backoff?: BackoffPolicy;
  /** Binds in flight at once. @defaultValue 64 */
  parallelBinds?: number;
  /** Status and event writes for unschedulable pods in flight at once. @defaultValue 16 */
  parallelReports?: number;
  /** Housekeeping period: stale unschedulable pods, expired assumptions. @defaultValue 10000 */
  housekeepingMs?: number;
  /** Serializes binds per node; several processes need a shared one (PgNodeBindLock). @defaultValue this process only */
  bindLock?: NodeBindLock;
}

export interface ClusterSchedulerStats {
  /** Jobs from the queue handled (pods offered, pending or not). */
  offered: number;
  bound: number;
  bindConflicts: number;
  unschedulable: number;
  errors: number;
}

type PodCondition = { type: string; status?: string; reason?: string; message?: string };

// Cycles between forced yields to the event loop, so watch events keep flowing while pods queue up.
const CYCLES_PER_YIELD = 32;

export class ClusterScheduler {
  readonly cluster: string;
  readonly snapshot = new SchedulerSnapshot({ assumeTtlMs: 30_000 });
  readonly stats: ClusterSchedulerStats = { offered: 0, bound: 0, bindConflicts: 0, unschedulable: 0, errors: 0 };
  private readonly objects: ObjectService;
  private readonly log: Logger;
  private readonly schedulerName: string;
  private readonly scheduler: Scheduler;
  private readonly queue: SchedulingQueue;
  private readonly podsRef: ResourceRef;
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly recorder: ObjectEventRecorder;
  // Scheduled events: queued off the bind path, dropped when the queue is full.
  private readonly scheduledEvents: QueuedEventRecorder;
  private readonly binds: Limiter;
  private readonly reports: Limiter;
  /** Pods this scheduler should place, latest version seen, by namespace/name. */
  private readonly pending = new Map<string, Pod>();
  private readonly binding = new Set<string>();
  private readonly housekeepingMs: number;
  private readonly bindLock: NodeBindLock | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(options: ClusterSchedulerOptions) {
    const { objects, cluster } = options;
    this.objects = objects;
    this.cluster = cluster;
    this.log = options.log.child({ component: 'scheduler', cluster });
    this.schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    const profile = options.profile ?? buildProfile();
    this.scheduler = new Scheduler(profile, this.snapshot);
    this.queue = new SchedulingQueue(requeuePolicy(profile), options.backoff ?? WORKER_BACKOFF);
    this.podsRef = objects.resource(cluster, '', 'v1', 'pods');
    this.nodes = new Informer(objects, objects.resource(cluster, '', 'v1', 'nodes'), { upsert: (o, p) => this.onNode(o, p), delete: (o) => this.onNodeDeleted(o) }, this.log);
    this.pods = new Informer(objects, this.podsRef, { upsert: (o, p) => this.onPod(o, p), delete: (o) => this.onPodDeleted(o) }, this.log);
    this.recorder = new ObjectEventRecorder({ objects, cluster, component: this.schedulerName, requester: SCHEDULER_REQUESTER, log: this.log });
    this.scheduledEvents = new QueuedEventRecorder(this.recorder);
    this.binds = new Limiter(options.parallelBinds ?? 64);
    this.reports = new Limiter(options.parallelReports ?? 16);
    this.housekeepingMs = options.housekeepingMs ?? 10_000;
    this.bindLock = options.bindLock;
  }

  /** Scheduled events dropped because their queue was full (a burst of binds). */
  get scheduledEventsDropped(): number {
    return this.scheduledEvents.dropped;
  }

  get queueSizes(): { active: number; backoff: number; unschedulable: number } {
    return this.queue.sizes;
  }

  /** Starts the informers and, once both have listed, the scheduling loop. */
  start(): void {
    if (this.loop !== undefined) return;
    this.nodes.start();
    this.pods.start();
    this.housekeeping = setInterval(() => {
      this.queue.flushUnschedulableLeftovers();
      for (const key of this.snapshot.cleanupExpiredAssumedPods()) this.log.warn({ pod: key }, 'assumed pod expired without its binding in the change log');
    }, this.housekeepingMs);
    this.housekeeping.unref();
    this.loop = Promise.all([this.nodes.synced, this.pods.synced]).then(() => this.run());
  }

  /** Resolves when both informers have their first list. */
  async synced(): Promise<void> {
    await Promise.all([this.nodes.synced, this.pods.synced]);
  }

  /**
   * A job from the scheduler's queue: the pod may need scheduling. Its state
   * comes from the informer when the informer has seen it pending, else from
   * the store (the informer may lag behind the dispatcher); a pod that needs
   * scheduling joins the priority queue unless it waits there already.
   */
  async podMayNeedScheduling(namespace: string, name: string): Promise<void> {
    await this.synced();
    if (this.stopped) return;
    this.stats.offered++;
    const key = `${namespace}/${name}`;
    let pod = this.pending.get(key);
    if (pod === undefined) {
      const cached = this.pods.get(key) as unknown as Pod | undefined;
      // A bound pod never becomes pending again: nothing to read.
      if (cached?.spec?.nodeName) return;
      try {
        pod = (await this.objects.get(this.podsRef, namespace, name)) as unknown as Pod;
      } catch (err) {
        if (err instanceof NotFoundError) return;
        throw err;
      }
      if (this.stopped || !needsScheduling(pod, this.schedulerName)) return;
      // The informer may have caught up (or seen it go) while we read.
      const seen = this.pods.get(key) as unknown as Pod | undefined;
      if (seen !== undefined && !needsScheduling(seen, this.schedulerName) && Number(seen.metadata.resourceVersion) >= Number(pod.metadata.resourceVersion)) return;
      if (!this.pending.has(key)) this.pending.set(key, pod);
    }
    if (this.binding.has(key)) return;
    this.queue.add(key, pod.spec?.priority ?? 0);
  }

  /** Stops taking pods, lets binds and reports in flight finish, stops the watches. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.queue.close();
    await Promise.all([this.nodes.stop(), this.pods.stop()]);
    await this.loop?.catch(() => undefined);
    await Promise.all([this.binds.idle(), this.reports.idle()]);
    await this.scheduledEvents.idle();
  }

  private async run(): Promise<void> {
    let cycles = 0;
    for (;;) {
      const popped = await this.queue.pop();
      if (popped === undefined || this.stopped) return;
      const pod = this.pending.get(popped.key);
      if (pod === undefined || this.binding.has(popped.key)) continue;
      let result: ScheduleResult;
      try {
        result = this.scheduler.schedule(pod);
      } catch (err) {
        this.log.error({ err, pod: popped.key }, 'scheduling cycle failed');
        this.stats.errors++;
        this.queue.retryWithBackoff(popped);
        continue;
      }
      if (result.kind === 'Scheduled') {
        this.snapshot.assumePod(pod, result.nodeName, result.podInfo);
        this.binding.add(popped.key);
        await this.binds.spawn(() => this.bind(popped, pod, result.nodeName));
      } else {
        if (result.kind === 'Unschedulable') {
          this.stats.unschedulable++;
          this.queue.markUnschedulable(popped, result.unschedulablePlugins);
        } else {
          this.stats.errors++;
          this.queue.retryWithBackoff(popped);
        }
        await this.reports.spawn(() => this.reportFailure(popped.key, result));
      }
      if (++cycles % CYCLES_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async bind(popped: { key: string; priority: number; enqueuedAt: number; sequence: number }, pod: Pod, nodeName: string): Promise<void> {
    const uidKey = podKey(pod);
    const node = this.nodes.get(`/${nodeName}`);
    try {
      await bindPod(this.objects, this.podsRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', nodeName, {
        requester: SCHEDULER_REQUESTER,
        // The informer's copies save two reads per bind; a stale pod is a Conflict, retried.
        knownPod: (this.pending.get(popped.key) ?? pod) as unknown as KubeObject,
        ...(node !== undefined ? { knownNode: node as unknown as KubeObject } : {}),
        ...(this.bindLock ? { nodeLock: this.bindLock } : {}),
      });
      this.snapshot.finishBinding(uidKey);
      this.stats.bound++;
      this.binding.delete(popped.key);
      this.queue.done(popped.key);
      // The event is not part of the binding: queued, written by the event
      // recorder's own few writers, dropped when a burst fills its queue.
      const event = scheduledEvent(pod, nodeName);
      void this.scheduledEvents.record(pod as unknown as KubeObject, event.type, event.reason, event.note);
    } catch (err) {
      this.binding.delete(popped.key);
      this.snapshot.forgetPod(uidKey);
      // The room the assumption held is free again.
      this.queue.onClusterEvent({ resource: 'AssignedPod', action: 'Delete' });
      const lostRace = err instanceof ConflictError || (err instanceof ApiError && err.code === 409);
      if (err instanceof NotFoundError) this.pending.delete(popped.key);
      if (lostRace) this.stats.bindConflicts++;
      else if (err instanceof NotFoundError) this.log.debug({ pod: popped.key }, 'pod deleted before its binding');
      else {
        this.stats.errors++;
        this.log.warn({ err, pod: popped.key, node: nodeName }, 'binding failed');
      }
      // Re-read through the change log: only a pod still pending is tried again.
      if (this.pending.has(popped.key)) this.queue.retryWithBackoff(popped);
      else this.queue.done(popped.key);
    }
  }

  /** PodScheduled=False with kube-scheduler's message, and a FailedScheduling event. */
  /** Scheduled / FailedScheduling as core v1 Events, aggregated like every component's. */
  private recordEvent(pod: Pod, event: SchedulingEvent): Promise<void> {
    return this.recorder.record(pod as unknown as KubeObject, event.type, event.reason, event.note);
  }

  private async reportFailure(key: string, result: Exclude<ScheduleResult, { kind: 'Scheduled' }>): Promise<void> {
    const { condition, event } = failureOutcome(result);
    let pod = this.pending.get(key);
    for (let attempt = 0; pod !== undefined && attempt < 3; attempt++) {
      const conditions = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []);
      const current = conditions.find((c) => c.type === 'PodScheduled');
      if (current?.status === condition.status && current.reason === condition.reason && current.message === condition.message) break;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const next: PodCondition[] = conditions.filter((c) => c.type !== 'PodScheduled');
      next.push({ ...condition, lastProbeTime: null, lastTransitionTime: current?.status === condition.status ? (current as { lastTransitionTime?: string }).lastTransitionTime ?? now : now } as PodCondition);
      const body = { ...(pod as unknown as KubeObject), status: { ...(pod.status ?? {}), phase: pod.status?.phase ?? 'Pending', conditions: next } };
      try {
        await this.objects.update(this.podsRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', body, { requester: SCHEDULER_REQUESTER, subresource: 'status' });
        break;
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          this.log.debug({ err, pod: key }, 'PodScheduled condition not written');
          break;
        }
        try {
          pod = (await this.objects.get(this.podsRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '')) as unknown as Pod;
        } catch {
          return;
        }
        if (!needsScheduling(pod, this.schedulerName)) return;
      }
    }
    if (pod !== undefined) await this.recordEvent(pod, event);
  }

  private onNode(object: KubeObject, previous: KubeObject | undefined): void {
    const node = object as unknown as Node;
    this.snapshot.upsertNode(node);
    if (previous === undefined) this.clusterEvent({ resource: 'Node', action: 'Add' });
    else for (const action of nodeUpdateActions(previous as unknown as Node, node)) this.clusterEvent({ resource: 'Node', action });
  }

  private onNodeDeleted(object: KubeObject): void {
    this.snapshot.removeNode(object.metadata.name ?? '');
  }

  private onPod(object: KubeObject, previous: KubeObject | undefined): void {
    const pod = object as unknown as Pod;
    const key = objectCacheKey(object);
    if (needsScheduling(pod, this.schedulerName)) {
      this.pending.set(key, pod);
      // Pods join the queue through jobs (podMayNeedScheduling); the informer
      // only gives a queued pod another try when its spec or labels changed
      // (our own status writes change neither).
      if (this.binding.has(key) || !this.queue.has(key)) return;
      const changed = previous !== undefined && (previous.metadata.generation !== object.metadata.generation || JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(object.metadata.labels ?? {}));
      if (changed) this.queue.podChanged(key, pod.spec?.priority ?? 0);
      return;
    }
    if (this.pending.delete(key)) {
      this.queue.remove(key);
    }
    const before = previous as unknown as Pod | undefined;
    const wasAssigned = before !== undefined && Boolean(before.spec?.nodeName) && !isTerminal(before);
    this.snapshot.upsertPod(pod);
    const isAssigned = Boolean(pod.spec?.nodeName) && !isTerminal(pod);
    if (isAssigned && !wasAssigned) this.clusterEvent({ resource: 'AssignedPod', action: 'Add' });
    else if (!isAssigned && wasAssigned) this.clusterEvent({ resource: 'AssignedPod', action: 'Delete' });
    else if (isAssigned && before !== undefined) for (const action of podUpdateActions(before, pod)) this.clusterEvent({ resource: 'AssignedPod', action });
  }

  private onPodDeleted(object: KubeObject): void {
    const pod = object as unknown as Pod;
    const key = objectCacheKey(object);
    this.pending.delete(key);
    this.queue.remove(key);
    if (this.binding.has(key)) return;
    this.snapshot.removePod(podKey(pod));
    if (pod.spec?.nodeName) this.clusterEvent({ resource: 'AssignedPod', action: 'Delete' });
  }

  private clusterEvent(event: ClusterEvent): void {
    this.queue.onClusterEvent(event);
  }
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
