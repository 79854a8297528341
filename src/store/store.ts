// The object store: the one way kubeql reads and writes objects. Writes go
// through the per-cluster group committer (object rows and change-log rows in
// one transaction); reads query PostgreSQL directly; watches are served by one
// in-process hub tailing the change log.

import pg from 'pg';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { Committer, type CommittedChange } from './committer.js';
import { compactChangeLog, Compactor, type CompactionResult } from './compaction.js';
import { AlreadyExistsError, valueAllocatedError } from './errors.js';
import { jsonClone } from './json.js';
import { checkCollectionKey, checkObjectKey, objectKey } from './keys.js';
import { listObjects, listObjectsJson } from './list.js';
import { missingNameError, type Outcome, type WriteOp } from './mutations.js';
import { generateName } from './names.js';
import { GET_OBJECT } from './statements.js';
import { ChangeNotifier } from './notifier.js';
import { WatchHub, type WatchHubOptions } from './watch-hub.js';
import type { CollectionKey, CreateOptions, DeleteOptions, DeleteResult, KubeObject, ListOptions, ObjectKey, ObjectList, UpdateOptions, Watch, WatchOptions } from './types.js';

export interface StoreOptions {
  /** PostgreSQL holding the store's tables (migration 20261123010000_store). */
  databaseUrl: string;
  log?: Logger;
  /** Connections in the store's pool. @defaultValue 20 */
  poolSize?: number;
  /** Most writes committed in one transaction. @defaultValue 512 */
  maxBatch?: number;
  /** Watch hub tuning (buffer size, bookmark period, poll fallback). */
  watch?: WatchHubOptions;
  /**
   * Run periodic change-log compaction in this process (several replicas may;
   * one compacts at a time). windowMs is Config.logWindowMs. @defaultValue off
   */
  compaction?: { windowMs: number; intervalMs?: number };
  /** For tests only: runs inside each write transaction just before COMMIT. */
  beforeCommit?: (cluster: string) => Promise<void>;
}

/** Receives the changes of one committed batch of a cluster, in resourceVersion order. */
export type CommitListener = (cluster: string, changes: readonly CommittedChange[]) => void;
export type { CommittedChange };

// apiserver retries a generateName collision this many times (RetryGenerateName).
const GENERATE_NAME_ATTEMPTS = 8;

function unwrap(outcome: Outcome): KubeObject {
  if (!outcome.ok) throw outcome.error;
  return outcome.object;
}

/**
 * Reads, writes and watches Kubernetes objects with the API machinery's
 * semantics. One per process; share it. Errors thrown on purpose are
 * StoreError subclasses (src/store/errors.ts); anything else is an outage.
 */
export class Store {
  private readonly pool: pg.Pool;
  private readonly committer: Committer;
  private readonly notifier: ChangeNotifier;
  private readonly hub: WatchHub;
  private readonly compactor: Compactor | undefined;
  private closed = false;
  private readonly commitListeners = new Set<CommitListener>();

  constructor(options: StoreOptions) {
    const log = options.log ?? silentLogger();
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    this.pool.on('error', (err) => log.warn({ err }, 'idle store connection failed'));
    this.hub = new WatchHub({ pool: this.pool, databaseUrl: options.databaseUrl, log: log.child({ component: 'watch-hub' }), ...options.watch });
    this.notifier = new ChangeNotifier(this.pool, log.child({ component: 'notifier' }));
    this.committer = new Committer({
      pool: this.pool,
      log: log.child({ component: 'committer' }),
      maxBatch: options.maxBatch,
      beforeCommit: options.beforeCommit,
      onCommit: (cluster, rv, changes) => {
        // Local watchers get the changes at once; other processes are woken by a coalesced NOTIFY.
        this.hub.committed(cluster, Number(rv), changes);
        this.notifier.notify(cluster, Number(rv));
        for (const listener of this.commitListeners) {
          try {
            listener(cluster, changes);
          } catch (err) {
            log.warn({ err, cluster }, 'a commit listener failed');
          }
        }
      },
    });
    if (options.compaction !== undefined) {
      this.compactor = new Compactor({ pool: this.pool, log: log.child({ component: 'compactor' }), ...options.compaction });
      this.compactor.start();
    }
  }

  /**
   * Trims change-log rows older than `windowMs` now (normally the periodic
   * compactor does). Versions up to the newest trimmed one become Expired.
   * `cluster` limits it to one cluster.
   */
  compact(windowMs: number, cluster?: string): Promise<CompactionResult> {
    return compactChangeLog(this.pool, windowMs, cluster);
  }

  /**
   * Creates an object in `collection`. Sets uid, creationTimestamp,
   * generation 1 and resourceVersion; resolves metadata.generateName. The
   * object's namespace is the collection's. Throws AlreadyExistsError, InvalidError.
   */
  async create(collection: CollectionKey, object: KubeObject, options: CreateOptions = {}): Promise<KubeObject> {
    checkCollectionKey(collection);
    const meta = object.metadata ?? {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const base = typeof meta.generateName === 'string' ? meta.generateName : '';
    if (name === '' && base === '') throw missingNameError(objectKey(collection, ''), object);
    // The store's own copy, which the write fills in (uid, resourceVersion, ...).
    // Made here, not in the batch, so it costs nothing while the cluster's lock is held.
    const own = options.handOver === true ? object : jsonClone(object);
    if (name !== '') return unwrap(await this.write({ kind: 'create', key: objectKey(collection, name), object: own, generatedName: false }, options.signal));
    for (let attempt = 1; ; attempt++) {
      const key = objectKey(collection, generateName(base));
      const outcome = await this.write({ kind: 'create', key, object: own, generatedName: true }, options.signal);
      const retry = !outcome.ok && outcome.error instanceof AlreadyExistsError && attempt < GENERATE_NAME_ATTEMPTS;
      if (!retry) return unwrap(outcome);
    }
  }

  /** The object, or null when there is none. */
  async get(key: ObjectKey, options: { signal?: AbortSignal } = {}): Promise<KubeObject | null> {
    checkObjectKey(key);
    options.signal?.throwIfAborted();
    const { rows } = await this.pool.query<{ object: KubeObject }>(GET_OBJECT, [key.cluster, key.group, key.resource, key.namespace, key.name]);
    return rows[0]?.object ?? null;
  }

  /**
   * Every object of a cluster, in any resource and namespace, naming
   * `ownerUid` in its ownerReferences (the garbage collector's graph edge).
   */
  async dependents(cluster: string, ownerUid: string, options: { signal?: AbortSignal } = {}): Promise<{ group: string; resource: string; object: KubeObject }[]> {
    options.signal?.throwIfAborted();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ownerUid)) return [];
    const { rows } = await this.pool.query<{ api_group: string; resource: string; object: KubeObject }>(
      'SELECT api_group, resource, object FROM objects WHERE cluster = $1 AND owner_uids @> ARRAY[$2]::uuid[] ORDER BY api_group, resource, namespace, name',
      [cluster, ownerUid],
    );
    return rows.map((row) => ({ group: row.api_group, resource: row.resource, object: row.object }));
  }

  /**
   * Lists a collection (all namespaces when its namespace is ''), filtered by
   * selectors in SQL, ordered by namespace then name. With `limit`, returns a
   * `continue` token; every page shows the first page's snapshot. Throws
   * BadRequestError (malformed selector or token), ExpiredError (token or
   * version older than the log window), TooLargeResourceVersionError.
   */
  list(collection: CollectionKey, options: ListOptions = {}): Promise<ObjectList> {
    checkCollectionKey(collection);
    options.signal?.throwIfAborted();
    return listObjects(this.pool, collection, options);
  }

  /**
   * list() with each item as the object's stored JSON text (PostgreSQL's jsonb
   * output: keys in jsonb order, `": "` and `", "` separators), not parsed.
   * Same query, pages, snapshots and errors as list().
   */
  listJson(collection: CollectionKey, options: ListOptions = {}): Promise<ObjectList<string>> {
    checkCollectionKey(collection);
    options.signal?.throwIfAborted();
    return listObjectsJson(this.pool, collection, options);
  }

  /**
   * Replaces an object. metadata.resourceVersion, when set, must be current
   * (ConflictError otherwise); unset means an unconditional write. Server-owned
   * metadata is kept; generation increments when anything outside metadata and
   * status changes; see UpdateOptions for the status split. Removing the last
   * finalizer of a terminating object deletes it. Throws NotFoundError, ConflictError, InvalidError.
   */
  async update(key: ObjectKey, object: KubeObject, options: UpdateOptions = {}): Promise<KubeObject> {
    checkObjectKey(key);
    return unwrap(await this.write({ kind: 'update', key, object, options }, options.signal));
  }

  /**
   * Deletes an object, or marks it terminating (deletionTimestamp) when
   * finalizers or a grace period keep it; deleting a terminating object again
   * returns it unchanged. Throws NotFoundError, ConflictError (preconditions).
   */
  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<DeleteResult> {
    checkObjectKey(key);
    const outcome = await this.write({ kind: 'delete', key, options }, options.signal);
    if (!outcome.ok) throw outcome.error;
    return { object: outcome.object, deleted: outcome.deleted };
  }

  /**
   * Watches a collection: every change after the starting version to an
   * object the selectors select, exactly once and in order. An object that
   * stops matching arrives as DELETED, one that starts matching as ADDED.
   * Throws ExpiredError when the starting version was compacted away.
   */
  watch(collection: CollectionKey, options: WatchOptions = {}): Promise<Watch> {
    checkCollectionKey(collection);
    return this.hub.watch(collection, options, (c, o) => this.list(c, o));
  }

  /**
   * Calls `listener` synchronously with the changes of every write this
   * process commits, after COMMIT and before the writers' promises settle
   * (caches use it to read their own writes; other processes' writes arrive by
   * watch). Returns the unsubscribe function.
   */
  onCommitted(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops watches and the listener, waits for queued writes, closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compactor?.stop();
    await this.hub.close();
    while (!this.committer.idle) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.notifier.close();
    await this.pool.end();
  }

  private write(op: WriteOp, signal: AbortSignal | undefined): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return this.committer.submit(op, signal).catch((err: unknown) => {
      throw valueAllocatedError(err, op.key.name) ?? err;
    });
  }
}
