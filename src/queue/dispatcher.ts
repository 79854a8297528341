// The outbox dispatcher: tails every cluster's change log from a cursor kept
// in PostgreSQL and enqueues a reconcile job for each controller interested
// in each change. The cursor advances in the same transaction that holds the
// dispatcher's advisory lock, and only after Redis has acknowledged the jobs,
// so a crash between a commit and its enqueue loses nothing (the change is
// dispatched again; deduplication absorbs the repeat). Any number of replicas
// may run; the lock lets one advance a given consumer's cursors at a time.
//
// Redis is not a source of truth (ARCHITECTURE.md trap 4): a full resync
// re-enqueues every object at start, after each Redis reconnect and
// periodically, and a cluster whose log was compacted past the cursor is
// resynced instead of replayed.

import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from '../log.js';
import { readChanges } from '../store/changelog.js';
import { ChangeListener } from '../store/listener.js';
import { ReconcileQueues } from './enqueue.js';
import type { ReconcileKey } from './keys.js';
import { checkEvictionPolicy } from './redis-policy.js';
import type { ControllerRegistry } from './registry.js';
import { resyncObjects } from './resync.js';

export interface DispatcherOptions {
  databaseUrl: string;
  redisUrl: string;
  registry: ControllerRegistry;
  log: Logger;
  /** Name of this dispatcher's cursors (one set per consumer). @defaultValue 'dispatcher' */
  consumer?: string;
  /** Redis key prefix of the queues. @defaultValue 'kubeql' */
  prefix?: string;
  /** Log rows read per cluster per round. @defaultValue 500 */
  batchSize?: number;
  /** Look for changes this often even without a wake-up. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Period of the full resync (Config.resyncMs); 0 turns the periodic one off. @defaultValue 300000 */
  resyncMs?: number;
  /** Only these clusters (tests sharing a database; sharding). @defaultValue all */
  clusters?: string[];
  /** For tests: runs after changes are read and before they are enqueued. */
  beforeEnqueue?: (jobs: { controller: string; key: ReconcileKey }[]) => Promise<void>;
}

interface PendingCluster {
  cluster: string;
  rv: string;
  compacted_rv: string;
  cursor: string;
}

const PENDING = `
SELECT r.cluster, r.rv, r.compacted_rv, COALESCE(c.rv, 0) AS cursor
FROM cluster_revisions r
LEFT JOIN outbox_cursors c ON c.consumer = $1 AND c.cluster = r.cluster
WHERE r.rv > COALESCE(c.rv, 0) AND ($2::text[] IS NULL OR r.cluster = ANY($2::text[]))
ORDER BY r.cluster
LIMIT 200`;

const ADVANCE = `
INSERT INTO outbox_cursors (consumer, cluster, rv, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (consumer, cluster) DO UPDATE SET rv = GREATEST(outbox_cursors.rv, EXCLUDED.rv), updated_at = now()`;

// An advisory lock key per consumer and purpose, from a hash of the names.
function lockKey(consumer: string, purpose: string): bigint {
  return createHash('sha256').update(`kubeql:${purpose}:${consumer}`).digest().readBigInt64BE(0);
}

export class Dispatcher {
  private readonly pool: pg.Pool;
  private readonly redis: Redis;
  private readonly queues: ReconcileQueues;
  private readonly consumer: string;
  private readonly dispatchLock: bigint;
  private readonly resyncLock: bigint;
  private listener: ChangeListener | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private loop: Promise<void> = Promise.resolve();
  private resyncing: Promise<void> = Promise.resolve();
  private redisWasReady = false;
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {
    this.consumer = options.consumer ?? 'dispatcher';
    this.dispatchLock = lockKey(this.consumer, 'dispatch');
    this.resyncLock = lockKey(this.consumer, 'resync');
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
    this.pool.on('error', (err) => options.log.warn({ err }, 'idle dispatcher connection failed'));
    // BullMQ needs maxRetriesPerRequest: null; ioredis reconnects on its own.
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', (err: Error) => options.log.warn({ err }, 'dispatcher Redis connection failed'));
    this.redis.on('ready', () => {
      // A reconnect may mean a restarted or failed-over Redis that lost jobs.
      if (this.redisWasReady && !this.stopped) this.scheduleResync('redis reconnected');
      this.redisWasReady = true;
    });
    this.queues = new ReconcileQueues({ connection: this.redis, prefix: options.prefix });
  }

  /** Checks Redis, runs the first resync and starts following the log. */
  async start(): Promise<void> {
    await checkEvictionPolicy(this.redis);
    this.listener = new ChangeListener({
      databaseUrl: this.options.databaseUrl,
      log: this.options.log,
      onClusters: () => this.wake(),
      onConnected: () => this.wake(),
    });
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 1000);
    this.pollTimer.unref();
    const resyncMs = this.options.resyncMs ?? 300_000;
    if (resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.scheduleResync('periodic'), resyncMs);
      this.resyncTimer.unref();
    }
    this.scheduleResync('start');
    await this.resyncing;
    this.wake();
  }

  /** Something may have been committed: dispatch soon. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.loop = this.drain().finally(() => {
      this.running = false;
    });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.dispatchOnce()) > 0) this.again = false;
      } catch (err) {
        this.options.log.warn({ err }, 'dispatch failed; cursors unchanged, will retry');
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * One round: under the lock, enqueue up to a batch of changes per cluster
   * and advance those cursors. Returns how many changes it handled (0 when
   * idle or when another replica holds the lock).
   */
  async dispatchOnce(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [this.dispatchLock.toString()]);
        if (lock.rows[0]?.ok !== true) {
          await client.query('ROLLBACK');
          return 0;
        }
        const pending = await client.query<PendingCluster>(PENDING, [this.consumer, this.options.clusters ?? null]);
        let handled = 0;
        for (const row of pending.rows) {
          const cursor = Number(row.cursor);
          if (cursor < Number(row.compacted_rv)) {
            // The changes after the cursor are gone: rebuild from current state instead.
            this.options.log.warn({ cluster: row.cluster, cursor, compactedRv: row.compacted_rv }, 'dispatcher fell behind the log window; resyncing the cluster');
            await resyncObjects(client, this.options.registry, this.queues, [row.cluster]);
            await client.query(ADVANCE, [this.consumer, row.cluster, row.rv]);
            handled += 1;
            continue;
          }
          const page = await readChanges(client, row.cluster, cursor, this.options.batchSize ?? 500);
          if (page.changes.length === 0) continue;
          const jobs = page.changes.flatMap((change) => this.options.registry.jobsFor(change));
          if (this.options.beforeEnqueue !== undefined) await this.options.beforeEnqueue(jobs);
          if (jobs.length > 0) await this.queues.enqueueAll(jobs);
          const last = page.changes[page.changes.length - 1] as { rv: number };
          await client.query(ADVANCE, [this.consumer, row.cluster, last.rv]);
          handled += page.changes.length;
        }
        await client.query('COMMIT');
        return handled;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  }

  private scheduleResync(reason: string): void {
    this.resyncing = this.resyncing.then(async () => {
      if (this.stopped) return;
      try {
        const count = await this.resyncOnce();
        this.options.log.info({ reason, keys: count }, 'resync enqueued every object');
      } catch (err) {
        this.options.log.warn({ err, reason }, 'resync failed; will run again at the next period');
      }
    });
  }

  /** Enqueues every object of every registered controller's resource, once, if no replica is doing so. */
  async resyncOnce(): Promise<number> {
    const client = await this.pool.connect();
    try {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.resyncLock.toString()]);
      if (lock.rows[0]?.ok !== true) return 0;
      try {
        return await resyncObjects(client, this.options.registry, this.queues, this.options.clusters);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [this.resyncLock.toString()]);
      }
    } finally {
      client.release();
    }
  }

  /** Stops following the log; waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    if (this.resyncTimer !== undefined) clearInterval(this.resyncTimer);
    await this.listener?.stop();
    await this.loop;
    await this.resyncing;
    await this.queues.close();
    this.redis.disconnect();
    await this.pool.end();
  }
}
