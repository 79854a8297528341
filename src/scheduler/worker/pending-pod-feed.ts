// Where a scheduler process learns which pods may need scheduling: the outbox
// dispatcher (its own cursor) puts every pending pod's key on the scheduler's
// BullMQ queue, and a BullMQ worker hands each key to `onPod`. A job means
// only "this pod may need scheduling"; the handler reads the pod's current
// state. Redis is not authoritative: the dispatcher's resync (at start, after
// a Redis reconnect, periodically) re-enqueues every pending pod from
// PostgreSQL, so a restarted scheduler finds them all again.

import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { ControllerRegistry, DEFAULT_QUEUE_PREFIX, Dispatcher, queueName, type ReconcileJobData, type ReconcileKey } from '../../queue/index.js';
import { backoffDuration, type BackoffPolicy } from '../backoff.js';
import { DEFAULT_SCHEDULER_NAME } from '../outcome.js';
import { pendingPodsRoute } from './pending-pods-route.js';

// A key whose handling failed is tried again after 100 ms, doubling up to 10 s.
const RETRY_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 100, maxMs: 10_000 });

export interface PendingPodFeedOptions {
  databaseUrl: string;
  redisUrl: string;
  log: Logger;
  /** Called for every job; resolves once the pod is queued in memory (or found not pending). */
  onPod: (key: ReconcileKey) => Promise<void>;
  /** @defaultValue 'default-scheduler' */
  schedulerName?: string;
  /** Redis key prefix of the queue. @defaultValue 'kubeql' */
  prefix?: string;
  /** Dispatcher cursor name. @defaultValue 'scheduler/<schedulerName>' */
  consumer?: string;
  /** Only these clusters (tests sharing a database; sharding). @defaultValue all */
  clusters?: string[];
  /** Jobs handled at once; a job costs a map lookup, rarely a read. @defaultValue 256 */
  concurrency?: number;
  /** Full resync period. @defaultValue 300000 */
  resyncMs?: number;
  /** Dispatcher poll period without wake-ups. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Run the dispatcher in this process. @defaultValue true */
  dispatch?: boolean;
}

export class PendingPodFeed {
  private readonly connection: Redis;
  private readonly dispatcher: Dispatcher | undefined;
  private worker: Worker<ReconcileJobData> | undefined;
  private readonly queue: string;
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: PendingPodFeedOptions) {
    const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.queue = queueName(schedulerName);
    // BullMQ workers need maxRetriesPerRequest: null.
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (err: Error) => options.log.warn({ err }, 'scheduler queue Redis connection failed'));
    if (options.dispatch ?? true) {
      const registry = new ControllerRegistry();
      registry.register(pendingPodsRoute(schedulerName));
      this.dispatcher = new Dispatcher({
        databaseUrl: options.databaseUrl,
        redisUrl: options.redisUrl,
        registry,
        log: options.log.child({ component: 'scheduler-dispatcher' }),
        consumer: options.consumer ?? `scheduler/${schedulerName}`,
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        ...(options.clusters !== undefined ? { clusters: options.clusters } : {}),
        ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      });
    }
  }

  /** Starts consuming, then the dispatcher (whose first resync enqueues every pending pod). */
  async start(): Promise<void> {
    this.worker = new Worker<ReconcileJobData>(this.queue, (job) => this.handle(job.data), {
      connection: this.connection,
      prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX,
      concurrency: this.options.concurrency ?? 256,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    this.worker.on('error', (err) => this.options.log.warn({ err: err.message }, 'scheduler queue worker error'));
    await this.dispatcher?.start();
  }

  /**
   * Hands a key to onPod. A failure (a database read that failed) is retried
   * in memory with back-off rather than failing the job, which only the next
   * periodic resync would bring back.
   */
  private async handle(key: ReconcileKey): Promise<void> {
    try {
      await this.options.onPod(key);
    } catch (err) {
      this.options.log.warn({ err, key }, 'queueing a pending pod failed; retrying');
      this.retryLater(key, 1);
    }
  }

  private retryLater(key: ReconcileKey, attempt: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.options.onPod(key).catch((err: unknown) => {
        this.options.log.warn({ err, key }, 'queueing a pending pod failed again; retrying');
        this.retryLater(key, attempt + 1);
      });
    }, backoffDuration(attempt, RETRY_BACKOFF));
    this.retries.add(timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    await this.dispatcher?.stop();
    await this.worker?.close();
    this.connection.disconnect();
  }
}
