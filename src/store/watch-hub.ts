// The watch hub: one reader per process tails the change log of every
// cluster that has watchers and fans each change out to them in memory.
//
// Cost per change is one log read per cluster per wake-up (not per watcher).
// Wake-ups come from this process's own commits at once, from other
// processes by LISTEN/NOTIFY, and from a slow poll as a safety net. Because
// resourceVersion order is commit order per cluster, reading `rv > cursor`
// never skips a change, so delivery is in order, exactly once.

import type pg from 'pg';
import type { Logger } from '../log.js';
import { readChanges, readHead, type LoggedChange, type LogHead } from './changelog.js';
import type { CommittedChange } from './committer.js';
import { ExpiredError, StoreError, TooLargeResourceVersionError } from './errors.js';
import { parseSelectors } from './list.js';
import { ChangeListener } from './listener.js';
import { parseResourceVersion } from './resource-version.js';
import type { CollectionKey, ListOptions, ObjectList, Watch, WatchOptions } from './types.js';
import { INITIAL_EVENTS_END_ANNOTATION, Watcher } from './watcher.js';

export interface WatchHubOptions {
  /** Change events buffered per watcher before a slow one is closed. @defaultValue 1000 */
  bufferSize?: number;
  /** Period of BOOKMARK events for watches that allow them. @defaultValue 60000 */
  bookmarkIntervalMs?: number;
  /** Re-read every watched cluster this often even without a wake-up. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Log rows read per query. @defaultValue 1000 */
  readBatch?: number;
  /** application_name of the LISTEN connection. @defaultValue 'kubeql-watch-hub' */
  listenerName?: string;
}

interface Feed {
  cluster: string;
  /** Every change up to here has been offered to the feed's watchers. */
  cursor: number;
  watchers: Set<Watcher>;
  /** "group/resource" of every watcher, with counts: the feed reads only these resources' objects. */
  resources: Map<string, number>;
  /** Bumped when a watcher brings a resource the feed did not read: a read begun before is done again. */
  epoch: number;
}

const resourceKey = (collection: CollectionKey): string => `${collection.group}/${collection.resource}`;

type Lister = (collection: CollectionKey, options: ListOptions) => Promise<ObjectList>;

export class WatchHub {
  private readonly feeds = new Map<string, Feed>();
  private readonly opening = new Map<string, Promise<Feed>>();
  private readonly dirty = new Set<string>();
  private pumping = false;
  private pumpScheduled = false;
  private listener: ChangeListener | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private readonly bufferSize: number;
  private readonly readBatch: number;
  private closed = false;

  constructor(private readonly options: WatchHubOptions & { pool: pg.Pool; databaseUrl: string; log: Logger }) {
    this.bufferSize = options.bufferSize ?? 1000;
    this.readBatch = options.readBatch ?? 1000;
  }

  /** Something was committed in `cluster`: read its log soon. */
  wake(cluster: string): void {
    if (!this.feeds.has(cluster)) return;
    this.dirty.add(cluster);
    this.schedulePump();
  }

  /**
   * This process committed `changes`, the cluster's versions up to `lastRv`
   * (a batch's versions are consecutive). When they follow the feed's cursor
   * they are offered from memory, as the log read would offer them; when
   * another process's changes may come first, the log is read instead.
   */
  committed(cluster: string, lastRv: number, changes: readonly CommittedChange[]): void {
    const feed = this.feeds.get(cluster);
    if (feed === undefined) return;
    if (feed.cursor !== lastRv - changes.length) {
      this.wake(cluster);
      return;
    }
    let rv = feed.cursor;
    for (const { key, type, object, prev } of changes) {
      rv += 1;
      this.offer(feed, { cluster, rv, group: key.group, resource: key.resource, namespace: key.namespace, name: key.name, type, object, prev });
    }
  }

  /** The feed's next change, in order, to every watcher of its cluster. */
  private offer(feed: Feed, change: LoggedChange): void {
    feed.cursor = change.rv;
    for (const watcher of feed.watchers) watcher.offer(change);
  }

  /** Watchers currently registered, over all clusters. */
  get watcherCount(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.watchers.size;
    return n;
  }

  async watch(collection: CollectionKey, options: WatchOptions, list: Lister): Promise<Watch> {
    if (this.closed) throw new Error('the store is closed');
    const selectors = parseSelectors(collection, options);
    const rvRaw = options.resourceVersion ?? '';
    const fromLatest = rvRaw === '' || rvRaw === '0';
    const requested = fromLatest ? undefined : parseResourceVersion(rvRaw);
    this.startBackground();

    // With no version (or "0") the watch starts with the current state, as
    // ADDED events, then continues from that snapshot's version.
    // sendInitialEvents=false with no version starts at the head, with nothing replayed.
    let initial: ObjectList | undefined;
    if (options.sendInitialEvents ?? fromLatest) {
      initial = await list(collection, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    }
    const head = initial === undefined ? await readHead(this.options.pool, collection.cluster) : undefined;
    const fromRv = initial !== undefined ? Number(initial.resourceVersion) : (requested ?? (head as LogHead).rv);
    if (head !== undefined) {
      if (fromRv > head.rv) throw new TooLargeResourceVersionError(String(fromRv), String(head.rv));
      if (fromRv < head.compactedRv) throw ExpiredError.tooOld(String(fromRv), String(head.compactedRv));
    }
    let feed = await this.feed(collection.cluster);
    // The feed may have closed (its last watcher left) while this awaited.
    while (this.feeds.get(collection.cluster) !== feed) feed = await this.feed(collection.cluster);

    const registeredFeed = feed;
    const watcher = new Watcher({
      collection,
      selectors,
      allowBookmarks: options.allowBookmarks === true,
      fromRv,
      bufferSize: this.bufferSize,
      onClose: (w) => this.remove(registeredFeed, w),
    });
    if (initial !== undefined) {
      for (const item of initial.items) watcher.initial(item, 0);
      if (options.sendInitialEvents === true && options.allowBookmarks === true) {
        watcher.bookmark(fromRv, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' });
      }
    }
    // Registered synchronously at the feed's cursor: live changes are those
    // after it; the log between fromRv and it is replayed first.
    const registeredAt = feed.cursor;
    feed.watchers.add(watcher);
    const wanted = resourceKey(collection);
    const count = feed.resources.get(wanted) ?? 0;
    if (count === 0) feed.epoch += 1;
    feed.resources.set(wanted, count + 1);
    if (fromRv < registeredAt) {
      // Replayed in the background: it waits for the consumer to drain, and
      // the consumer only has the watch once this returns.
      watcher.holdLive();
      this.replay(watcher, collection.cluster, fromRv, registeredAt).then(
        () => watcher.releaseLive(),
        (err: unknown) => {
          if (err instanceof StoreError) watcher.end(err);
          else {
            this.options.log.warn({ err, cluster: collection.cluster }, 'could not replay the change log for a watch');
            watcher.end(new ExpiredError('the watch could not be started; start it again'));
          }
        },
      );
    }
    return watcher;
  }

  // Replays (fromRv, untilRv] from the log into a watcher that is holding live changes.
  private async replay(watcher: Watcher, cluster: string, fromRv: number, untilRv: number): Promise<void> {
    let after = fromRv;
    while (after < untilRv && !watcher.closed) {
      const page = await readChanges(this.options.pool, cluster, after, this.readBatch, untilRv);
      if (page.head.compactedRv > after) throw ExpiredError.tooOld(String(fromRv), String(page.head.compactedRv));
      if (page.changes.length === 0) break;
      for (const change of page.changes) watcher.replay(change);
      after = (page.changes[page.changes.length - 1] as { rv: number }).rv;
      // Let the consumer drain before reading more, so replay memory stays bounded.
      while (watcher.backlog >= this.bufferSize / 2 && !watcher.closed) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private feed(cluster: string): Promise<Feed> {
    const existing = this.feeds.get(cluster);
    if (existing !== undefined) return Promise.resolve(existing);
    let pending = this.opening.get(cluster);
    if (pending === undefined) {
      pending = readHead(this.options.pool, cluster)
        .then((head: LogHead) => {
          const feed: Feed = { cluster, cursor: head.rv, watchers: new Set(), resources: new Map(), epoch: 0 };
          this.feeds.set(cluster, feed);
          return feed;
        })
        .finally(() => this.opening.delete(cluster));
      this.opening.set(cluster, pending);
    }
    return pending;
  }

  private remove(feed: Feed, watcher: Watcher): void {
    if (!feed.watchers.delete(watcher)) return;
    const key = resourceKey(watcher.collection);
    const count = (feed.resources.get(key) ?? 1) - 1;
    if (count > 0) feed.resources.set(key, count);
    else feed.resources.delete(key);
    // A feed without watchers stops being read; a later watch reopens it at the head.
    if (feed.watchers.size === 0 && this.feeds.get(feed.cluster) === feed) {
      this.feeds.delete(feed.cluster);
      this.dirty.delete(feed.cluster);
    }
  }

  private startBackground(): void {
    if (this.listener !== undefined || this.closed) return;
    this.listener = new ChangeListener({
      databaseUrl: this.options.databaseUrl,
      log: this.options.log,
      applicationName: this.options.listenerName ?? 'kubeql-watch-hub',
      onClusters: (clusters) => {
        for (const { cluster, rv } of clusters) {
          // This hub's own commits (offered from memory) come back too: nothing to read.
          if (rv !== undefined && (this.feeds.get(cluster)?.cursor ?? -1) >= rv) continue;
          this.wake(cluster);
        }
      },
      // Wake-ups sent while disconnected are lost: re-read every feed.
      onConnected: () => this.wakeAll(),
    });
    this.pollTimer = setInterval(() => this.wakeAll(), this.options.pollIntervalMs ?? 1000);
    this.pollTimer.unref();
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), this.options.bookmarkIntervalMs ?? 60_000);
    this.bookmarkTimer.unref();
  }

  private wakeAll(): void {
    for (const cluster of this.feeds.keys()) this.dirty.add(cluster);
    this.schedulePump();
  }

  private sendBookmarks(): void {
    for (const feed of this.feeds.values()) {
      for (const watcher of feed.watchers) if (watcher.allowBookmarks) watcher.bookmark(feed.cursor);
    }
  }

  private schedulePump(): void {
    if (this.pumping || this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  // The one reader: drains dirty clusters one batch at a time, in order.
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.dirty.size > 0 && !this.closed) {
        const cluster = this.dirty.values().next().value as string;
        this.dirty.delete(cluster);
        const feed = this.feeds.get(cluster);
        if (feed === undefined) continue;
        try {
          if (await this.readFeed(feed)) this.dirty.add(cluster);
        } catch (err) {
          // Retried at the next wake-up or poll; the cursor did not move.
          this.options.log.warn({ err, cluster }, 'could not read the change log');
        }
      }
    } finally {
      this.pumping = false;
      if (this.dirty.size > 0) this.schedulePump();
    }
  }

  /** Reads one batch for a feed and offers it; true when more may be waiting. */
  private async readFeed(feed: Feed): Promise<boolean> {
    const epoch = feed.epoch;
    const page = await readChanges(this.options.pool, feed.cluster, feed.cursor, this.readBatch, undefined, [...feed.resources.keys()]);
    // A watcher of a resource this read left out joined meanwhile (registered
    // at the unchanged cursor): read the same range again with it included.
    if (feed.epoch !== epoch) return true;
    if (page.head.compactedRv > feed.cursor) {
      // This hub fell behind the compaction window (e.g. a long outage):
      // its watchers cannot be served in order any more.
      const error = ExpiredError.tooOld(String(feed.cursor), String(page.head.compactedRv));
      for (const watcher of [...feed.watchers]) watcher.end(error);
      return false;
    }
    for (const change of page.changes) {
      // Already offered from memory (committed()) while this read was under way.
      if (change.rv <= feed.cursor) continue;
      this.offer(feed, change);
    }
    // Rows of resources nobody here watches were read past too.
    if (page.lastRv > feed.cursor) feed.cursor = page.lastRv;
    return page.scanned === this.readBatch;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    if (this.bookmarkTimer !== undefined) clearInterval(this.bookmarkTimer);
    for (const feed of [...this.feeds.values()]) for (const watcher of [...feed.watchers]) watcher.close();
    this.feeds.clear();
    while (this.pumping) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.listener?.stop();
  }
}
