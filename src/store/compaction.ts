// Compaction: trims change-log rows older than the log window and records,
// per cluster, the newest version trimmed (the horizon). Watches, continue
// tokens and exact-version lists older than the horizon get 410 Expired.
// One replica compacts at a time (transaction-scoped advisory lock).

import type pg from 'pg';
import type { Logger } from '../log.js';

// Arbitrary, fixed: identifies "change-log compaction" among advisory locks.
const COMPACTION_LOCK = 0x6b71_6301;

// Per cluster, the newest row older than the window among the oldest rows
// (a primary-key range scan from the horizon). created_at is the writing
// transaction's start, nearly ordered like rv, so a row at most one
// transaction younger than the window may go with its elders.
const COMPACT = `
WITH horizon AS (
  SELECT r.cluster, h.rv FROM cluster_revisions r
  CROSS JOIN LATERAL (
    SELECT max(l.rv) AS rv FROM (
      SELECT rv, created_at FROM change_log
      WHERE cluster = r.cluster AND rv > r.compacted_rv
      ORDER BY rv LIMIT 100000
    ) l
    WHERE l.created_at < now() - ($1::bigint * interval '1 millisecond')
  ) h
  WHERE h.rv IS NOT NULL AND ($2::text IS NULL OR r.cluster = $2)
), trimmed AS (
  DELETE FROM change_log c USING horizon h WHERE c.cluster = h.cluster AND c.rv <= h.rv RETURNING 1
), marked AS (
  UPDATE cluster_revisions r SET compacted_rv = GREATEST(r.compacted_rv, h.rv)
  FROM horizon h WHERE r.cluster = h.cluster RETURNING 1
)
SELECT (SELECT count(*) FROM trimmed)::int AS rows, (SELECT count(*) FROM marked)::int AS clusters`;

export interface CompactionResult {
  /** False when another replica held the lock and nothing was done. */
  ran: boolean;
  rows: number;
  clusters: number;
}

/**
 * Trims log rows older than `windowMs`, once, if no other replica is
 * compacting. `cluster` limits it to one cluster (tests share a database).
 */
export async function compactChangeLog(pool: pg.Pool, windowMs: number, cluster?: string): Promise<CompactionResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [COMPACTION_LOCK]);
      if (lock.rows[0]?.ok !== true) {
        await client.query('ROLLBACK');
        return { ran: false, rows: 0, clusters: 0 };
      }
      const { rows } = await client.query<{ rows: number; clusters: number }>(COMPACT, [Math.max(0, Math.floor(windowMs)), cluster ?? null]);
      await client.query('COMMIT');
      return { ran: true, rows: rows[0]?.rows ?? 0, clusters: rows[0]?.clusters ?? 0 };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}

export interface CompactorOptions {
  pool: pg.Pool;
  log: Logger;
  /** How long log rows are kept (Config.logWindowMs). @defaultValue 300000 */
  windowMs?: number;
  /** How often to compact. @defaultValue a fifth of the window, at least 1 s */
  intervalMs?: number;
}

/** Runs compaction periodically until stopped. */
export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: CompactorOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    const windowMs = this.options.windowMs ?? 300_000;
    const interval = this.options.intervalMs ?? Math.max(1000, Math.floor(windowMs / 5));
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runOnce(windowMs));
    }, interval);
    this.timer.unref();
  }

  private async runOnce(windowMs: number): Promise<void> {
    try {
      const result = await compactChangeLog(this.options.pool, windowMs);
      if (result.rows > 0) this.options.log.debug(result, 'compacted the change log');
    } catch (err) {
      this.options.log.warn({ err }, 'change-log compaction failed; will retry');
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
