// Group commit: every write to a cluster made in this process joins that
// cluster's queue, and queued writes commit together in one transaction.
//
// Per batch: lock the cluster's counter row (so resourceVersion order is
// commit order: ARCHITECTURE.md trap 1), read the current rows of every key in
// the batch in one query, plan each write in memory (writes to one key chain in
// order; a write that fails its precondition gets its own error and writes
// nothing), then one statement writes objects, change-log rows and the counter,
// and COMMIT. A write's promise settles only after COMMIT. A few round trips per
// batch instead of per write, and one WAL flush for the lot.

import type pg from 'pg';
import type { Logger } from '../log.js';
import { keyId } from './keys.js';
import { plan, type Change, type Outcome, type WriteOp } from './mutations.js';
import type { KubeObject, ObjectKey } from './types.js';

export interface CommitterOptions {
  pool: pg.Pool;
  log: Logger;
  /** Most writes one transaction carries. @defaultValue 512 */
  maxBatch?: number;
  /**
   * Called after each COMMIT that wrote changes (before the writers' promises
   * settle), with the cluster, its new resourceVersion and the changes in order.
   */
  onCommit?: (cluster: string, rv: string, changes: readonly CommittedChange[]) => void;
  /** For tests: runs inside each write transaction just before COMMIT. */
  beforeCommit?: (cluster: string) => Promise<void>;
}

/** One committed change, as the change log records it. */
export interface CommittedChange {
  key: ObjectKey;
  type: Change['type'];
  object: KubeObject;
}

interface Pending {
  op: WriteOp;
  resolve: (outcome: Outcome) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
}

// Locks the counter row (creating it on the cluster's first write) and returns
// the last resourceVersion. Waiting here is what orders commits per cluster.
// Sent in the simple protocol with the cluster as a quoted literal (see begin).
const LOCK_COUNTER = `
INSERT INTO cluster_revisions AS c (cluster) VALUES ($1)
ON CONFLICT (cluster) DO UPDATE SET rv = c.rv
RETURNING rv`;

const READ_CURRENT = `
SELECT o.api_group, o.resource, o.namespace, o.name, o.object
FROM objects o
JOIN json_to_recordset($2::json) AS k(g text, r text, ns text, n text)
  ON o.api_group = k.g AND o.resource = k.r AND o.namespace = k.ns AND o.name = k.n
WHERE o.cluster = $1`;

// One statement for every row the batch writes; the counter is set last.
// Each object travels once, in its change-log row ($4); object rows ($2)
// point at the log row holding their final state. A change's previous
// object is the stored row when it is the key's first change in the batch
// (read in this statement's snapshot, before the batch's own writes), so it
// is not sent back either.
const WRITE_BATCH = `
WITH l AS MATERIALIZED (
  SELECT * FROM json_to_recordset($4::json)
    AS l(rv bigint, g text, r text, ns text, n text, t text, object jsonb, prev jsonb, stored boolean)
), logged AS (
  INSERT INTO change_log (cluster, rv, api_group, resource, namespace, name, event_type, object, prev_object)
  SELECT $1, l.rv, l.g, l.r, l.ns, l.n, l.t, l.object, CASE WHEN l.stored THEN s.object ELSE l.prev END
  FROM l LEFT JOIN objects s
    ON l.stored AND s.cluster = $1 AND s.api_group = l.g AND s.resource = l.r AND s.namespace = l.ns AND s.name = l.n
  RETURNING 1
), upserted AS (
  INSERT INTO objects AS o (cluster, api_group, resource, namespace, name, uid, resource_version, generation,
                            labels, annotations, owner_uids, finalizers, deletion_timestamp, creation_timestamp, object)
  SELECT $1, x.g, x.r, x.ns, x.n, x.uid, x.rv, x.gen,
         CASE WHEN jsonb_typeof(l.object->'metadata'->'labels') = 'object' THEN l.object->'metadata'->'labels' ELSE '{}'::jsonb END,
         CASE WHEN jsonb_typeof(l.object->'metadata'->'annotations') = 'object' THEN l.object->'metadata'->'annotations' ELSE '{}'::jsonb END,
         x.owners, x.finalizers, x.dts, x.cts, l.object
  FROM json_to_recordset($2::json) AS x(g text, r text, ns text, n text, uid uuid, rv bigint, gen bigint,
                                        owners uuid[], finalizers text[], dts timestamptz, cts timestamptz)
  JOIN l ON l.rv = x.rv
  ON CONFLICT (cluster, api_group, resource, namespace, name) DO UPDATE SET
    uid = EXCLUDED.uid, resource_version = EXCLUDED.resource_version, generation = EXCLUDED.generation,
    labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, owner_uids = EXCLUDED.owner_uids,
    finalizers = EXCLUDED.finalizers, deletion_timestamp = EXCLUDED.deletion_timestamp,
    creation_timestamp = EXCLUDED.creation_timestamp, object = EXCLUDED.object
  RETURNING 1
), deleted AS (
  DELETE FROM objects o
  USING json_to_recordset($3::json) AS d(g text, r text, ns text, n text)
  WHERE o.cluster = $1 AND o.api_group = d.g AND o.resource = d.r AND o.namespace = d.ns AND o.name = d.n
  RETURNING 1
)
UPDATE cluster_revisions SET rv = $5 WHERE cluster = $1`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function objectRow(key: ObjectKey, object: KubeObject): Record<string, unknown> {
  const meta = object.metadata;
  // Owner uids that are not UUIDs cannot be ours; they are kept in the object only.
  const owners = (Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [])
    .map((ref) => ref.uid)
    .filter((uid): uid is string => typeof uid === 'string' && UUID.test(uid));
  return {
    g: key.group,
    r: key.resource,
    ns: key.namespace,
    n: key.name,
    uid: meta.uid,
    // The change-log row with this version carries the object itself.
    rv: meta.resourceVersion,
    gen: meta.generation ?? 1,
    owners,
    finalizers: Array.isArray(meta.finalizers) ? meta.finalizers.filter((f) => typeof f === 'string') : [],
    dts: meta.deletionTimestamp ?? null,
    cts: meta.creationTimestamp,
  };
}

interface Planned {
  key: ObjectKey;
  change: Change;
  /** The previous object is the stored row (the key's first change in the batch). */
  prevStored: boolean;
}

class AbortError extends Error {
  override readonly name = 'AbortError';
}

/** Per-cluster pipeline state. */
interface Lane {
  queue: Pending[];
  /** A batch is between taking the lock and sending COMMIT (at most one). */
  leading: boolean;
  /** Batches holding a connection (the leader plus at most one committing). */
  inFlight: number;
}

// Writes are planned inside the transaction, after the lock, so the next
// batch can be taken while the previous one commits: the next transaction
// waits on the counter lock during the previous COMMIT's WAL flush and takes
// every write queued by then. Two batches per cluster at most: one planning
// and writing, one committing.
const MAX_IN_FLIGHT = 2;

// An escape-string literal: correct whatever standard_conforming_strings says.
// JSON.stringify leaves no raw control characters, so quotes and backslashes
// are all there is to escape.
const literal = (text: string): string => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * An error PostgreSQL raised for a statement (a value it refuses, a
 * constraint), as opposed to a lost connection or a server shutting down,
 * after which it is unknown whether COMMIT happened.
 */
function isStatementError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}

/**
 * A parameterised statement with its parameters written in as literals, so it
 * can share one simple-protocol round trip with other statements.
 */
function inline(sql: string, values: (string | number)[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return literal(value);
    throw new Error(`no value for $${n}`);
  });
}

export class Committer {
  private readonly lanes = new Map<string, Lane>();
  private readonly maxBatch: number;

  constructor(private readonly options: CommitterOptions) {
    this.maxBatch = options.maxBatch ?? 512;
  }

  /** Queues a write for its cluster's next batch; settles after that batch commits (or fails). */
  submit(op: WriteOp, signal?: AbortSignal): Promise<Outcome> {
    if (signal?.aborted) return Promise.reject(new AbortError('the write was aborted before it was sent'));
    return new Promise<Outcome>((resolve, reject) => {
      const cluster = op.key.cluster;
      let lane = this.lanes.get(cluster);
      if (lane === undefined) {
        lane = { queue: [], leading: false, inFlight: 0 };
        this.lanes.set(cluster, lane);
      }
      lane.queue.push({ op, resolve, reject, signal });
      this.maybeStart(cluster, lane);
    });
  }

  /** Whether any write is queued or committing. */
  get idle(): boolean {
    return this.lanes.size === 0;
  }

  private maybeStart(cluster: string, lane: Lane): void {
    if (lane.leading || lane.inFlight >= MAX_IN_FLIGHT || lane.queue.length === 0) return;
    lane.leading = true;
    lane.inFlight += 1;
    void this.runBatch(cluster, lane);
  }

  private finish(cluster: string, lane: Lane): void {
    lane.inFlight -= 1;
    if (lane.inFlight === 0 && lane.queue.length === 0 && !lane.leading) this.lanes.delete(cluster);
    else this.maybeStart(cluster, lane);
  }

  private takeBatch(lane: Lane): Pending[] {
    return lane.queue.splice(0, this.maxBatch).filter((p) => {
      if (!p.signal?.aborted) return true;
      p.reject(new AbortError('the write was aborted before it was sent'));
      return false;
    });
  }

  private async runBatch(cluster: string, lane: Lane): Promise<void> {
    let client: pg.PoolClient | undefined;
    let batch: Pending[] = [];
    const progress = { committing: false };
    const handOver = (): void => {
      if (progress.committing) return;
      progress.committing = true;
      lane.leading = false;
      this.maybeStart(cluster, lane);
    };
    try {
      client = await this.options.pool.connect();
      const startRv = await this.begin(client, cluster);
      // Taken once the lock is held: every write queued until now joins.
      batch = this.takeBatch(lane);
      if (batch.length === 0) {
        await client.query('ROLLBACK');
        return;
      }
      let outcomes: Outcome[];
      try {
        outcomes = await this.commit(client, cluster, startRv, batch.map((p) => p.op), handOver);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (batch.length === 1 || !isStatementError(err)) throw err;
        // A batch that fails as a whole (e.g. a value PostgreSQL refuses) is
        // retried write by write, so one bad write cannot fail the others.
        this.options.log.warn({ err, cluster, writes: batch.length }, 'batch failed; retrying its writes one by one');
        for (const p of batch) {
          try {
            const rv = await this.begin(client, cluster);
            const [outcome] = await this.commit(client, cluster, rv, [p.op], () => undefined);
            p.resolve(outcome as Outcome);
          } catch (single) {
            await client.query('ROLLBACK').catch(() => undefined);
            p.reject(single);
          }
        }
        return;
      }
      batch.forEach((p, i) => p.resolve(outcomes[i] as Outcome));
    } catch (err) {
      for (const p of batch) p.reject(err);
      if (batch.length === 0) for (const p of this.takeBatch(lane)) p.reject(err);
    } finally {
      client?.release();
      handOver();
      this.finish(cluster, lane);
    }
  }

  // BEGIN and the counter lock in one round trip (simple protocol runs both).
  // Locks the counter row, creating it on the cluster's first write, and
  // returns the last resourceVersion. Waiting here orders commits per cluster.
  private async begin(client: pg.PoolClient, cluster: string): Promise<number> {
    const results = (await client.query(`BEGIN; ${inline(LOCK_COUNTER, [cluster])}`)) as unknown as pg.QueryResult<{ rv: string }>[];
    return Number(results[1]?.rows[0]?.rv ?? 0);
  }

  private async commit(client: pg.PoolClient, cluster: string, startRv: number, ops: WriteOp[], beforeCommit: () => void): Promise<Outcome[]> {
    let rv = startRv;
    const keys = new Map<string, ObjectKey>();
    for (const op of ops) keys.set(keyId(op.key), op.key);
    const wanted = [...keys.values()].map((k) => ({ g: k.group, r: k.resource, ns: k.namespace, n: k.name }));
    const rows = await client.query<{ api_group: string; resource: string; namespace: string; name: string; object: KubeObject }>(READ_CURRENT, [
      cluster,
      JSON.stringify(wanted),
    ]);
    const state = new Map<string, KubeObject | null>();
    for (const row of rows.rows) state.set(keyId({ group: row.api_group, resource: row.resource, namespace: row.namespace, name: row.name }), row.object);

    const now = new Date();
    const outcomes: Outcome[] = [];
    const planned: Planned[] = [];
    const touched = new Set<string>();
    for (const op of ops) {
      const id = keyId(op.key);
      const outcome = plan(op, state.get(id) ?? null, { now, rv: String(rv + 1) });
      if (outcome.ok && outcome.change !== null) {
        rv += 1;
        planned.push({ key: op.key, change: outcome.change, prevStored: !touched.has(id) && outcome.change.prev !== null });
        state.set(id, outcome.deleted ? null : outcome.object);
        touched.add(id);
      }
      outcomes.push(outcome);
    }
    if (planned.length === 0) {
      await client.query('ROLLBACK');
      return outcomes;
    }
    const upserts: Record<string, unknown>[] = [];
    const deletes: Record<string, unknown>[] = [];
    for (const id of touched) {
      const key = keys.get(id) as ObjectKey;
      const object = state.get(id);
      if (object === null || object === undefined) deletes.push({ g: key.group, r: key.resource, ns: key.namespace, n: key.name });
      else upserts.push(objectRow(key, object));
    }
    const log = planned.map(({ key, change, prevStored }) => ({
      rv: change.object.metadata.resourceVersion,
      g: key.group,
      r: key.resource,
      ns: key.namespace,
      n: key.name,
      t: change.type,
      object: change.object,
      prev: prevStored ? null : change.prev,
      stored: prevStored,
    }));
    const write = inline(WRITE_BATCH, [cluster, JSON.stringify(upserts), JSON.stringify(deletes), JSON.stringify(log), rv]);
    if (this.options.beforeCommit !== undefined) {
      await client.query(write);
      await this.options.beforeCommit(cluster);
      beforeCommit();
      await client.query('COMMIT');
    } else {
      // The write and its COMMIT in one round trip: the lock is held for one
      // round trip less. A failing write aborts the rest of the string.
      beforeCommit();
      await client.query(`${write}; COMMIT`);
    }
    this.options.onCommit?.(cluster, String(rv), planned.map(({ key, change }) => ({ key, type: change.type, object: change.object })));
    return outcomes;
  }
}
