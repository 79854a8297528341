// Reading the change log. The committer (committer.ts) is its only writer;
// the watch hub, the queue dispatcher and compaction read it through here.

import type pg from 'pg';
import type { ChangeType } from './mutations.js';
import type { KubeObject } from './types.js';

/** One change-log row: the change that produced resourceVersion `rv` in `cluster`. */
export interface LoggedChange {
  cluster: string;
  rv: number;
  group: string;
  resource: string;
  namespace: string;
  name: string;
  type: ChangeType;
  /** The object after the change (for DELETED: its last state, with the deletion's version). */
  object: KubeObject;
  /** The object before the change; null for ADDED. */
  prev: KubeObject | null;
}

/** Where a cluster's log stands: its last version and the oldest version still answerable. */
export interface LogHead {
  rv: number;
  compactedRv: number;
}

interface Row {
  compacted_rv: string;
  head_rv: string;
  rv: string | null;
  api_group: string;
  resource: string;
  namespace: string;
  name: string;
  event_type: ChangeType;
  object: KubeObject;
  prev_object: KubeObject | null;
}

export interface ChangePage {
  head: LogHead;
  changes: LoggedChange[];
  /** Log rows read, including those `resources` left out (a full page means more may follow). */
  scanned: number;
  /** Version of the last row read (0 when none): a reader's cursor moves here, not to the last change. */
  lastRv: number;
}

/**
 * Changes of one cluster with afterRv < rv <= untilRv, in order, at most
 * `limit` log rows, read in one statement together with the log head. When
 * head.compactedRv > afterRv some of the requested changes are gone.
 * `resources` ("group/resource" keys) keeps only those resources' changes:
 * the other rows are still counted (scanned, lastRv) but their objects are
 * neither detoasted nor sent.
 */
export async function readChanges(
  db: pg.Pool | pg.PoolClient,
  cluster: string,
  afterRv: number,
  limit: number,
  untilRv: number = Number.MAX_SAFE_INTEGER,
  resources?: readonly string[],
): Promise<ChangePage> {
  const { rows } = await db.query<Row & { wanted: boolean }>(
    `SELECT h.rv AS head_rv, h.compacted_rv, l.rv, l.api_group, l.resource, l.namespace, l.name, l.event_type, l.wanted,
            CASE WHEN l.wanted THEN l.object END AS object, CASE WHEN l.wanted THEN l.prev_object END AS prev_object
     FROM (SELECT COALESCE(max(rv), 0) AS rv, COALESCE(max(compacted_rv), 0) AS compacted_rv FROM cluster_revisions WHERE cluster = $1) h
     LEFT JOIN LATERAL (
       SELECT c.*, ($5::text[] IS NULL OR (c.api_group || '/' || c.resource) = ANY($5::text[])) AS wanted
       FROM change_log c WHERE c.cluster = $1 AND c.rv > $2 AND c.rv <= $3 ORDER BY c.rv LIMIT $4
     ) l ON true
     ORDER BY l.rv`,
    [cluster, afterRv, untilRv, limit, resources === undefined ? null : [...resources]],
  );
  const first = rows[0];
  const head: LogHead = { rv: Number(first?.head_rv ?? 0), compactedRv: Number(first?.compacted_rv ?? 0) };
  const read = rows.filter((r) => r.rv !== null);
  const last = read[read.length - 1];
  const changes = read
    .filter((r) => r.wanted)
    .map((r) => ({
      cluster,
      rv: Number(r.rv),
      group: r.api_group,
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      type: r.event_type,
      object: r.object,
      prev: r.prev_object,
    }));
  return { head, changes, scanned: read.length, lastRv: last === undefined ? 0 : Number(last.rv) };
}

export async function readHead(db: pg.Pool | pg.PoolClient, cluster: string): Promise<LogHead> {
  const { rows } = await db.query<{ rv: string; compacted_rv: string }>('SELECT rv, compacted_rv FROM cluster_revisions WHERE cluster = $1', [cluster]);
  const row = rows[0];
  return { rv: Number(row?.rv ?? 0), compactedRv: Number(row?.compacted_rv ?? 0) };
}
