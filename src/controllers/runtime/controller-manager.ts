// The controller runtime: one BullMQ worker per controller consuming that
// controller's queue, and (optionally) the outbox dispatcher feeding the
// queues from the change log. Controllers only write reconcile(); this file
// owns the rest, once:
// - results: done, requeueAfter(ms) (a delayed timer job that re-enqueues the
//   key, so changes meanwhile still reconcile at once), thrown errors (retried
//   with capped per-key exponential backoff, forever), TerminalError (logged,
//   a Warning Event, not retried);
// - a timeout per reconcile (its AbortSignal), recovery from anything thrown;
// - one reconcile of a key at a time: BullMQ deduplication keeps one queued
//   job per key across processes, and a per-process lock covers timer jobs;
// - metrics: reconciles by result, errors, retries, work and queue durations,
//   queue depth (read from BullMQ, cached so scrapes stay cheap).

import crypto from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import type { Requester } from '../../objects/admission.js';
import type { ObjectService } from '../../objects/service.js';
import { ControllerRegistry, DEFAULT_QUEUE_PREFIX, Dispatcher, queueName, reconcileJobId, reconcileJobOptions, type ReconcileJobData, type ReconcileKey } from '../../queue/index.js';
import { KeyBackoff, type BackoffOptions } from './backoff.js';
import { TerminalError, type ControllerDefinition, type EventRecorder, type ReconcileResult } from './define.js';
import { ObjectEventRecorder } from '../../objects/event-recorder.js';
import { ControllerMetrics, type ReconcileOutcome } from './metrics.js';
import { MetricsServer } from './metrics-server.js';

export interface ControllerManagerOptions {
  objects: ObjectService;
  controllers: readonly ControllerDefinition[];
  databaseUrl: string;
  redisUrl: string;
  log: Logger;
  /** Redis key prefix of the queues. @defaultValue 'kubeql' */
  prefix?: string;
  /** Run the outbox dispatcher in this process too. @defaultValue true */
  dispatch?: boolean;
  /** Dispatcher cursor name (tests use their own). @defaultValue 'dispatcher' */
  consumer?: string;
  /** Only these clusters (tests sharing a database). @defaultValue all */
  clusters?: string[];
  /** Period of the dispatcher's full resync; 0 turns it off. @defaultValue 300000 */
  resyncMs?: number;
  /** Dispatcher poll period. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Per-reconcile time limit: its signal aborts after it. @defaultValue 60000 */
  reconcileTimeoutMs?: number;
  /** Reconciles per controller at once when its definition does not say. @defaultValue 8 */
  concurrency?: number;
  /** Global rate limit per controller queue: at most `max` reconciles per `durationMs`. @defaultValue none */
  limiter?: { max: number; durationMs: number };
  backoff?: BackoffOptions;
  /** How long stop() lets running reconciles finish before aborting them. @defaultValue 10000 */
  shutdownGraceMs?: number;
  now?: () => Date;
  /** Serve Prometheus metrics at http://host:port/metrics and /healthz (port 0: any free port). @defaultValue not served */
  metrics?: { host: string; port: number };
  /** How long a read of the queue depths is reused by scrapes. @defaultValue 1000 */
  depthCacheMs?: number;
}

// The event source (source.component) each controller's recorder uses
// upstream, where it is not simply "<name>-controller".
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  replicationcontroller: 'replication-controller',
  endpoints: 'endpoint-controller',
  endpointslice: 'endpoint-slice-controller',
  disruption: 'controllermanager',
};

function eventSource(controller: string): string {
  return EVENT_SOURCES[controller] ?? `${controller}-controller`;
}

/** The identity controllers write with, as kube-controller-manager's per-controller service accounts. */
export function controllerRequester(controller: string): Requester {
  return { username: `system:serviceaccount:kube-system:${controller}-controller`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
}

const TIMER_JOB = 'requeue';
// Timers falling in the same bucket for one key are one job.
const TIMER_BUCKET_MS = 100;

type State = 'created' | 'running' | 'draining' | 'stopped';

export class ControllerManager {
  readonly registry = new ControllerRegistry();
  readonly metrics = new ControllerMetrics();
  private readonly redis: Redis;
  private readonly queues = new Map<string, Queue<ReconcileJobData>>();
  private readonly workers: Worker<ReconcileJobData>[] = [];
  private readonly workerConnections: Redis[] = [];
  private readonly backoff: KeyBackoff;
  private readonly running = new Map<string, Promise<void>>();
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly shutdown = new AbortController();
  private dispatcher: Dispatcher | undefined;
  private metricsServer: MetricsServer | undefined;
  private depthCache: { at: number; depths: Promise<Map<string, number>> } | undefined;
  private state: State = 'created';
  private readonly log: Logger;

  constructor(private readonly options: ControllerManagerOptions) {
    this.log = options.log.child({ component: 'controller-manager' });
    this.backoff = new KeyBackoff(options.backoff);
    for (const def of options.controllers) this.registry.register(def.route);
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', (err: Error) => this.log.warn({ err: err.message }, 'controller-manager Redis connection failed'));
  }

  get prefix(): string {
    return this.options.prefix ?? DEFAULT_QUEUE_PREFIX;
  }

  private queue(controller: string): Queue<ReconcileJobData> {
    let q = this.queues.get(controller);
    if (q === undefined) {
      q = new Queue<ReconcileJobData>(queueName(controller), { connection: this.redis, prefix: this.prefix });
      this.queues.set(controller, q);
    }
    return q;
  }

  /** Starts a worker per controller and, unless turned off, the dispatcher (whose first resync runs before this resolves). */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`controller manager is ${this.state}`);
    this.state = 'running';
    for (const def of this.options.controllers) {
      this.queue(def.name);
      this.metrics.register(def.name);
      const connection = this.redis.duplicate();
      this.workerConnections.push(connection);
      const worker = new Worker<ReconcileJobData>(queueName(def.name), (job) => this.process(def, job), {
        connection,
        prefix: this.prefix,
        concurrency: def.concurrency ?? this.options.concurrency ?? 8,
        ...(this.options.limiter ? { limiter: { max: this.options.limiter.max, duration: this.options.limiter.durationMs } } : {}),
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 1000 },
      });
      worker.on('error', (err) => this.log.warn({ err: err.message, controller: def.name }, 'controller worker error'));
      this.workers.push(worker);
    }
    if (this.options.dispatch ?? true) {
      this.dispatcher = new Dispatcher({
        databaseUrl: this.options.databaseUrl,
        redisUrl: this.options.redisUrl,
        registry: this.registry,
        log: this.options.log,
        prefix: this.prefix,
        ...(this.options.consumer !== undefined ? { consumer: this.options.consumer } : {}),
        ...(this.options.clusters !== undefined ? { clusters: this.options.clusters } : {}),
        ...(this.options.resyncMs !== undefined ? { resyncMs: this.options.resyncMs } : {}),
        ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
      });
      await this.dispatcher.start();
    }
    if (this.options.metrics !== undefined) await this.serveMetrics(this.options.metrics.host, this.options.metrics.port);
    this.log.info({ controllers: this.options.controllers.map((c) => c.name), metrics: this.metricsUrl }, 'controllers started');
  }

  private async serveMetrics(host: string, port: number): Promise<void> {
    this.metricsServer = await MetricsServer.listen({
      host,
      port,
      render: () => this.renderMetrics(),
      healthy: () => this.state === 'running',
      onError: (err) => this.log.warn({ err }, 'metrics not rendered'),
    });
  }

  /** The port metrics are served on, once started with `metrics`. */
  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  /** Where metrics are served, once started with `metrics`. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  /** Puts a key on a controller's queue (what the dispatcher does for changes). */
  async enqueue(controller: string, key: ReconcileKey): Promise<void> {
    await this.queue(controller).add(controller, { cluster: key.cluster, namespace: key.namespace, name: key.name }, reconcileJobOptions(controller, key));
  }

  /** Queue depth per controller (waiting + delayed + prioritized). */
  async depths(): Promise<Map<string, number>> {
    const depths = new Map<string, number>();
    for (const [name, q] of this.queues) {
      const counts = await q.getJobCounts('waiting', 'delayed', 'prioritized');
      depths.set(name, Object.values(counts).reduce((a, b) => a + b, 0));
    }
    return depths;
  }

  /** Queue depths read at most once per `depthCacheMs`; scrapes meanwhile share the last read. */
  private cachedDepths(): Promise<Map<string, number>> {
    const now = Date.now();
    const cache = this.depthCache;
    if (cache !== undefined && now - cache.at < (this.options.depthCacheMs ?? 1000)) return cache.depths;
    const depths = this.depths();
    this.depthCache = { at: now, depths };
    // A failed read is not reused.
    depths.catch(() => {
      if (this.depthCache?.depths === depths) this.depthCache = undefined;
    });
    return depths;
  }

  async renderMetrics(): Promise<string> {
    return this.metrics.render(await this.cachedDepths());
  }

  private recorder(controller: string, cluster: string): EventRecorder {
    const id = `${controller}\u0000${cluster}`;
    let r = this.recorders.get(id);
    if (r === undefined) {
      r = new ObjectEventRecorder({ objects: this.options.objects, cluster, component: eventSource(controller), requester: controllerRequester(controller), log: this.log, ...(this.options.now ? { now: this.options.now } : {}) });
      this.recorders.set(id, r);
    }
    return r;
  }

  private async process(def: ControllerDefinition, job: Job<ReconcileJobData>): Promise<void> {
    const key: ReconcileKey = { cluster: job.data.cluster, namespace: job.data.namespace, name: job.data.name };
    if (job.name === TIMER_JOB) {
      // A timer only puts the key back through deduplication.
      if (this.state === 'running') await this.enqueue(def.name, key);
      return;
    }
    this.metrics.dequeued(def.name, (Date.now() - job.timestamp) / 1000);
    const id = reconcileJobId(def.name, key);
    // One reconcile of a key per process at a time.
    for (let prev = this.running.get(id); prev !== undefined; prev = this.running.get(id)) await prev;
    const run = this.reconcile(def, key, id);
    this.running.set(id, run);
    try {
      await run;
    } finally {
      if (this.running.get(id) === run) this.running.delete(id);
    }
  }

  private async reconcile(def: ControllerDefinition, key: ReconcileKey, id: string): Promise<void> {
    const reconcileId = crypto.randomUUID();
    const log = this.log.child({ controller: def.name, cluster: key.cluster, namespace: key.namespace, name: key.name, reconcileId });
    const timeout = AbortSignal.timeout(this.options.reconcileTimeoutMs ?? 60_000);
    const signal = AbortSignal.any([timeout, this.shutdown.signal]);
    const started = performance.now();
    let outcome: ReconcileOutcome;
    try {
      const result: ReconcileResult = await def.reconcile({
        objects: this.options.objects,
        store: this.options.objects.store,
        key,
        log,
        signal,
        events: this.recorder(def.name, key.cluster),
        now: this.options.now ?? (() => new Date()),
      });
      this.backoff.forget(id);
      if (result.kind === 'requeueAfter') {
        outcome = 'requeue_after';
        await this.schedule(def.name, key, id, result.ms);
      } else {
        outcome = 'success';
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        outcome = 'terminal';
        this.backoff.forget(id);
        log.error({ err }, 'reconcile failed for good; not retried');
        if (err.object !== undefined) await this.recorder(def.name, key.cluster).record(err.object, 'Warning', err.reason, err.message);
      } else {
        outcome = 'error';
        const delay = this.backoff.next(id);
        const reason = (err as { reason?: unknown }).reason;
        // Conflicts are the normal price of optimistic concurrency.
        if (reason === 'Conflict') log.debug({ err: (err as Error).message, retryInMs: delay }, 'reconcile conflicted; retrying');
        else log.warn({ err, retryInMs: delay, failures: this.backoff.failuresOf(id) }, 'reconcile failed; retrying with backoff');
        this.metrics.retried(def.name);
        await this.schedule(def.name, key, id, delay);
      }
    }
    this.metrics.observe(def.name, outcome, (performance.now() - started) / 1000);
  }

  /** A delayed timer job that re-enqueues the key when it fires. */
  private async schedule(controller: string, key: ReconcileKey, id: string, ms: number): Promise<void> {
    if (this.state !== 'running') return;
    const due = Math.ceil((Date.now() + ms) / TIMER_BUCKET_MS) * TIMER_BUCKET_MS;
    await this.queue(controller).add(TIMER_JOB, { cluster: key.cluster, namespace: key.namespace, name: key.name }, {
      jobId: `after/${id}/${due.toString(36)}`,
      delay: Math.max(0, due - Date.now()),
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Stops taking work, lets running reconciles finish within the grace time, then aborts them and closes connections. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'draining') return;
    const wasRunning = this.state === 'running';
    this.state = 'draining';
    if (wasRunning) {
      await this.dispatcher?.stop();
      const grace = setTimeout(() => this.shutdown.abort(new Error('controller manager stopping')), this.options.shutdownGraceMs ?? 10_000);
      grace.unref();
      await Promise.all(this.workers.map((w) => w.close()));
      clearTimeout(grace);
    }
    await this.metricsServer?.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const c of this.workerConnections) c.disconnect();
    this.redis.disconnect();
    this.state = 'stopped';
  }
}
