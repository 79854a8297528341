// An informer-style cache of one resource (namespaces, service accounts,
// priority classes, resource quotas) per cluster, so the create hot path does
// not read them from PostgreSQL for every pod, as the API server's admission
// plugins use shared informers.
//
// Kept current two ways: this process's own commits arrive synchronously
// through Store.onCommitted before the writer's promise settles (a request
// sees what an earlier request of this process wrote), other processes'
// commits arrive by watch (milliseconds later). Per object the newest
// resourceVersion wins, and deletions leave a tombstone, so the two paths can
// arrive in any order. A cluster's cache starts on first use (one list) and is
// dropped after it goes unused for `idleMs`.
//
// A cache can only be trusted to say what exists. Callers treat a miss as
// "unknown" and read the store (a class created a moment ago on another
// replica must not be refused), except where a miss is harmless.

import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Store } from '../store/store.js';
import type { KubeObject, Watch } from '../store/types.js';

export interface InformerOptions {
  store: Store;
  group: string;
  resource: string;
  log?: Logger;
  /** A cluster's cache is dropped after this long unused. @defaultValue 60000 */
  idleMs?: number;
}

interface Entry {
  /** null: deleted at `rv` (a tombstone, so an older event cannot bring it back). */
  object: KubeObject | null;
  rv: number;
}

interface ClusterCache {
  entries: Map<string, Entry>;
  /** Settles once the first list is in; rejects if it failed (the cache is then dropped). */
  synced: Promise<void>;
  ready: boolean;
  watch: Watch | undefined;
  lastUsed: number;
  closed: boolean;
}

const entryKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const rvOf = (object: KubeObject): number => Number(object.metadata.resourceVersion ?? 0);

export class Informer {
  private readonly clusters = new Map<string, ClusterCache>();
  private readonly log: Logger;
  private readonly idleMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: InformerOptions) {
    this.log = options.log ?? silentLogger();
    this.idleMs = options.idleMs ?? 60_000;
    options.store.onCommitted((cluster, changes) => {
      const cache = this.clusters.get(cluster);
      if (cache === undefined) return;
      for (const change of changes) {
        if (change.key.group !== options.group || change.key.resource !== options.resource) continue;
        this.apply(cache, change.key.namespace, change.key.name, change.type === 'DELETED' ? null : change.object, rvOf(change.object));
      }
    });
  }

  /**
   * The cached object, null when the cache knows it does not exist (or was
   * deleted), undefined when the cache cannot answer (not synced, failed).
   * A miss (null) may be a create this cache has not seen yet: callers that
   * must not refuse on a miss read the store.
   */
  async get(cluster: string, namespace: string, name: string): Promise<KubeObject | null | undefined> {
    const cache = await this.synced(cluster);
    if (cache === undefined) return undefined;
    return cache.entries.get(entryKey(namespace, name))?.object ?? null;
  }

  /** Every cached object of a namespace ('' = all), or undefined when the cache cannot answer. */
  async list(cluster: string, namespace = ''): Promise<KubeObject[] | undefined> {
    const cache = await this.synced(cluster);
    if (cache === undefined) return undefined;
    const items: KubeObject[] = [];
    for (const entry of cache.entries.values()) {
      if (entry.object === null) continue;
      if (namespace !== '' && (entry.object.metadata.namespace ?? '') !== namespace) continue;
      items.push(entry.object);
    }
    return items;
  }

  /** Stops every cluster's watch. */
  close(): void {
    for (const cluster of [...this.clusters.keys()]) this.drop(cluster);
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async synced(cluster: string): Promise<ClusterCache | undefined> {
    if (this.options.store.isClosed) return undefined;
    let cache = this.clusters.get(cluster);
    if (cache === undefined) cache = this.start(cluster);
    cache.lastUsed = Date.now();
    if (cache.ready) return cache;
    try {
      await cache.synced;
      return cache.ready ? cache : undefined;
    } catch {
      return undefined;
    }
  }

  private start(cluster: string): ClusterCache {
    const cache: ClusterCache = { entries: new Map(), synced: Promise.resolve(), ready: false, watch: undefined, lastUsed: Date.now(), closed: false };
    this.clusters.set(cluster, cache);
    cache.synced = this.listAndWatch(cluster, cache);
    // A failed start is reported to the waiting callers (who read the store) and forgotten.
    cache.synced.catch((err: unknown) => {
      this.log.warn({ err, cluster, resource: this.options.resource }, 'informer could not start');
      if (this.clusters.get(cluster) === cache) this.drop(cluster);
    });
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(1000, Math.floor(this.idleMs / 2))).unref();
    return cache;
  }

  private async listAndWatch(cluster: string, cache: ClusterCache): Promise<void> {
    const collection = { cluster, group: this.options.group, resource: this.options.resource, namespace: '' };
    const listed = await this.options.store.list(collection);
    for (const object of listed.items) this.apply(cache, object.metadata.namespace ?? '', object.metadata.name ?? '', object, rvOf(object));
    const watch = await this.options.store.watch(collection, { resourceVersion: listed.resourceVersion });
    if (cache.closed) {
      watch.close();
      return;
    }
    cache.watch = watch;
    cache.ready = true;
    void this.follow(cluster, cache, watch);
  }

  private async follow(cluster: string, cache: ClusterCache, watch: Watch): Promise<void> {
    try {
      for await (const event of watch) {
        if (event.type === 'BOOKMARK') continue;
        const meta = event.object.metadata;
        this.apply(cache, meta.namespace ?? '', meta.name ?? '', event.type === 'DELETED' ? null : event.object, rvOf(event.object));
      }
    } catch (err) {
      // Fell behind (Expired) or the store failed: start over on next use.
      if (!cache.closed) this.log.debug({ err, cluster, resource: this.options.resource }, 'informer watch ended');
    }
    if (this.clusters.get(cluster) === cache) this.drop(cluster);
  }

  private apply(cache: ClusterCache, namespace: string, name: string, object: KubeObject | null, rv: number): void {
    const key = entryKey(namespace, name);
    const current = cache.entries.get(key);
    if (current !== undefined && current.rv >= rv) return;
    cache.entries.set(key, { object, rv });
  }

  private drop(cluster: string): void {
    const cache = this.clusters.get(cluster);
    if (cache === undefined) return;
    this.clusters.delete(cluster);
    cache.closed = true;
    cache.ready = false;
    cache.watch?.close();
  }

  private sweep(): void {
    const horizon = Date.now() - this.idleMs;
    for (const [cluster, cache] of this.clusters) if (cache.lastUsed < horizon) this.drop(cluster);
    if (this.clusters.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

const shared = new WeakMap<Store, Map<string, Informer>>();

/** The one informer of a resource for a store (all callers in a process share it). */
export function informerFor(store: Store, group: string, resource: string, log?: Logger): Informer {
  let byResource = shared.get(store);
  if (byResource === undefined) {
    byResource = new Map();
    shared.set(store, byResource);
  }
  const id = `${group}/${resource}`;
  let informer = byResource.get(id);
  if (informer === undefined) {
    informer = new Informer({ store, group, resource, ...(log ? { log } : {}) });
    byResource.set(id, informer);
  }
  return informer;
}
