// Wake-ups for other processes' watch hubs and dispatchers. NOTIFY is sent
// outside write transactions (a NOTIFY inside one takes a database-wide lock
// at commit: ARCHITECTURE.md trap 2), coalesced to at most one statement per
// interval per process, and carries only cluster names, each with the newest
// version committed there: listeners read the change log from their own cursor,
// and one already past that version (the writer's own process) skips the read.

import type pg from 'pg';
import type { Logger } from '../log.js';

/** The channel every store process LISTENs on. */
export const CHANGES_CHANNEL = 'kubeql_changes';

// pg_notify payloads are limited to 8000 bytes; cluster names are short.
const MAX_PAYLOAD = 7000;

/** A wake-up for one cluster: changes up to `rv` were committed there. */
export interface ClusterWakeup {
  cluster: string;
  /** Absent in a payload from a writer that does not send it. */
  rv?: number;
}

export class ChangeNotifier {
  /** Cluster -> newest version committed there since the last NOTIFY. */
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;

  /** @param intervalMs at most one NOTIFY statement per this many milliseconds. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly intervalMs = 5,
  ) {}

  /** Schedules a wake-up for `cluster`, whose changes up to `rv` are committed. */
  notify(cluster: string, rv: number): void {
    if (this.closed) return;
    this.pending.set(cluster, Math.max(rv, this.pending.get(cluster) ?? 0));
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const clusters = [...this.pending].map(([cluster, rv]) => `${cluster}\t${rv}`);
    this.pending = new Map();
    this.lastSent = Date.now();
    const payloads: string[] = [];
    let current = '';
    for (const cluster of clusters) {
      if (current !== '' && current.length + cluster.length + 1 > MAX_PAYLOAD) {
        payloads.push(current);
        current = '';
      }
      current = current === '' ? cluster : `${current}\n${cluster}`;
    }
    if (current !== '') payloads.push(current);
    // A NOTIFY commits a transaction of its own; waiting for its WAL flush
    // would add an fsync to every wake-up for nothing (a lost wake-up only
    // delays listeners until their poll), hence synchronous_commit off for it
    // alone. Simple-protocol statements in one string share one implicit
    // transaction, so SET LOCAL applies to this NOTIFY only.
    const notifies = payloads.map((p) => `SELECT pg_notify('${CHANGES_CHANNEL}', ${quoteLiteral(p)});`).join(' ');
    this.inFlight = this.pool
      .query(`SET LOCAL synchronous_commit TO off; ${notifies}`)
      .then(() => undefined)
      // A lost wake-up delays other processes until their poll; it loses nothing.
      .catch((err: unknown) => this.log.warn({ err }, 'could not send change notification'));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    }
    await this.inFlight;
  }
}

// A SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1).
function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Splits a NOTIFY payload back into its wake-ups (lines of "cluster<TAB>rv", or a bare cluster name). */
export function clustersInPayload(payload: string | undefined): ClusterWakeup[] {
  if (payload === undefined || payload === '') return [];
  return payload.split('\n').map((line) => {
    const tab = line.lastIndexOf('\t');
    const rv = tab < 0 ? Number.NaN : Number(line.slice(tab + 1));
    return Number.isSafeInteger(rv) ? { cluster: line.slice(0, tab), rv } : { cluster: line };
  });
}
