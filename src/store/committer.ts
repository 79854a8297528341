// Group commit: every write to a cluster made in this process joins that
// cluster's queue, and queued writes commit together in one transaction.
//
// Per batch: lock the cluster's counter row (so resourceVersion order is
// commit order: ARCHITECTURE.md trap 1), read the current rows of every key in
// the batch in one query, plan each write in memory (writes to one key chain in
// order; a write that fails its precondition gets its own error and writes
// nothing), then one statement writes objects, change-log rows and the counter,
// and COMMIT. A write's promise settles only after COMMIT. A few round trips per
// batch instead of per write, and one WAL flush for the lot. A batch made only
// of creates of new names (the common burst) needs no read: it is one
// statement that takes the lock, its versions and writes, sent with BEGIN and
// COMMIT in one round trip (createAll).

import type pg from 'pg';
import type { Logger } from '../log.js';
import { CREATE_BATCH, inline, LOCK_COUNTER, READ_CURRENT, WRITE_BATCH } from './statements.js';
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
  /** The object before the change (null for ADDED), as the change log records it. */
  prev: KubeObject | null;
}

interface Pending {
  op: WriteOp;
  resolve: (outcome: Outcome) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
}

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

interface CurrentRow {
  api_group: string;
  resource: string;
  namespace: string;
  name: string;
  object: KubeObject;
}

/** What a batch's transaction found once it held the lock. */
interface Snapshot {
  /** The cluster's last resourceVersion. */
  rv: number;
  /** The batch's keys by keyId. */
  keys: Map<string, ObjectKey>;
  /** The stored object of every key that has one. */
  state: Map<string, KubeObject | null>;
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
// batch can start while the previous one commits: it takes every write queued
// by the previous batch's handover and waits on the counter lock during that
// COMMIT's WAL flush. Two batches per cluster at most: one planning and
// writing, one committing.
const MAX_IN_FLIGHT = 2;

/**
 * An error PostgreSQL raised for a statement (a value it refuses, a
 * constraint), as opposed to a lost connection or a server shutting down,
 * after which it is unknown whether COMMIT happened.
 */
function isStatementError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
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
      // Taken before the lock so the lock, and the read of the batch's rows
      // under it, go in the same round trip as BEGIN: while the lock is held
      // the only wait on this process is the write's round trip. Writes
      // queued meanwhile form the next batch, which starts at the handover.
      batch = this.takeBatch(lane);
      if (batch.length === 0) return;
      const ops = batch.map((p) => p.op);
      let outcomes: Outcome[];
      try {
        outcomes = (await this.createAll(client, cluster, ops, handOver)) ?? (await this.commit(client, cluster, await this.begin(client, cluster, ops), ops, handOver));
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (batch.length === 1 || !isStatementError(err)) throw err;
        // A batch that fails as a whole (e.g. a value PostgreSQL refuses) is
        // retried write by write, so one bad write cannot fail the others.
        this.options.log.warn({ err, cluster, writes: batch.length }, 'batch failed; retrying its writes one by one');
        for (const p of batch) {
          try {
            const [outcome] = await this.commit(client, cluster, await this.begin(client, cluster, [p.op]), [p.op], () => undefined);
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

  /**
   * A batch of creates of distinct new names in one round trip (CREATE_BATCH
   * with BEGIN and COMMIT). Undefined when the batch is not that, or when the
   * statement failed (a name taken, a value PostgreSQL refuses): the caller
   * then runs it the general way, which gives each write its own outcome.
   */
  private async createAll(client: pg.PoolClient, cluster: string, ops: WriteOp[], beforeCommit: () => void): Promise<Outcome[] | undefined> {
    if (this.options.beforeCommit !== undefined) return undefined;
    const ids = new Set<string>();
    for (const op of ops) {
      if (op.kind !== 'create') return undefined;
      ids.add(keyId(op.key));
    }
    if (ids.size !== ops.length) return undefined;
    const now = new Date();
    // Planned as creates of absent names; the versions are the statement's.
    const outcomes = ops.map((op) => plan(op, null, { now, rv: '0' }));
    const rows: Record<string, unknown>[] = [];
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw new Error('a create of an absent name cannot fail');
      rows.push({ ...objectRow((ops[i] as WriteOp).key, outcome.object), i: i + 1, object: outcome.object });
    });
    beforeCommit();
    let base: number;
    try {
      const results = (await client.query(`BEGIN; ${inline(CREATE_BATCH, [cluster, JSON.stringify(rows), ops.length])}; COMMIT`)) as unknown as pg.QueryResult<{ base: string }>[];
      base = Number(results[1]?.rows[0]?.base);
    } catch (err) {
      if (!isStatementError(err)) throw err;
      await client.query('ROLLBACK');
      return undefined;
    }
    const changes: CommittedChange[] = [];
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok || outcome.change === null) return;
      outcome.object.metadata.resourceVersion = String(base + i + 1);
      changes.push({ key: (ops[i] as WriteOp).key, type: 'ADDED', object: outcome.object, prev: null });
    });
    this.options.onCommit?.(cluster, String(base + ops.length), changes);
    return outcomes;
  }

  // BEGIN, the counter lock and the read of the rows the writes touch, in one
  // round trip (simple protocol runs all three; READ COMMITTED gives the read
  // a snapshot taken after the lock, so it sees every earlier commit).
  // Waiting on the lock is what orders commits per cluster.
  private async begin(client: pg.PoolClient, cluster: string, ops: readonly WriteOp[]): Promise<Snapshot> {
    const keys = new Map<string, ObjectKey>();
    for (const op of ops) keys.set(keyId(op.key), op.key);
    const wanted = [...keys.values()].map((k) => ({ g: k.group, r: k.resource, ns: k.namespace, n: k.name }));
    const results = (await client.query(
      `BEGIN; ${inline(LOCK_COUNTER, [cluster])}; ${inline(READ_CURRENT, [cluster, JSON.stringify(wanted)])}`,
    )) as unknown as [pg.QueryResult, pg.QueryResult<{ rv: string }>, pg.QueryResult<CurrentRow>];
    const state = new Map<string, KubeObject | null>();
    for (const row of results[2].rows) state.set(keyId({ group: row.api_group, resource: row.resource, namespace: row.namespace, name: row.name }), row.object);
    return { rv: Number(results[1].rows[0]?.rv ?? 0), keys, state };
  }

  private async commit(client: pg.PoolClient, cluster: string, snapshot: Snapshot, ops: WriteOp[], beforeCommit: () => void): Promise<Outcome[]> {
    const { keys, state } = snapshot;
    let rv = snapshot.rv;
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
    this.options.onCommit?.(cluster, String(rv), planned.map(({ key, change }) => ({ key, type: change.type, object: change.object, prev: change.prev })));
    return outcomes;
  }
}
