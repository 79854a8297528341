// One watch: its selectors, its bounded buffer, and the async iterator its
// consumer reads. The hub offers it every change of its cluster in order;
// the watcher turns changes into the events its selectors imply.

import type { LoggedChange } from './changelog.js';
import { WatchOverflowError, type StoreError } from './errors.js';
import { fieldsMatch } from './field-selector.js';
import { labelsMatch } from './label-selector.js';
import type { Selectors } from './list.js';
import type { CollectionKey, KubeObject, Watch, WatchEvent } from './types.js';

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

export interface WatcherOptions {
  collection: CollectionKey;
  selectors: Selectors;
  allowBookmarks: boolean;
  /** Events are for changes after this version. */
  fromRv: number;
  /** Most events held for a slow consumer before it is closed. */
  bufferSize: number;
  onClose: (watcher: Watcher) => void;
}

function withVersion(object: KubeObject, rv: number): KubeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
}

export class Watcher implements Watch {
  readonly collection: CollectionKey;
  private readonly selectors: Selectors;
  readonly allowBookmarks: boolean;
  private readonly bufferSize: number;
  private readonly onClose: (watcher: Watcher) => void;

  private queue: { event: WatchEvent; rv: number }[] = [];
  private head = 0;
  /** Queue positions below this hold initial-state events, which the bound does not count. */
  private initialEnd = 0;
  /** Highest version offered to this watcher (events at or below it are done). */
  private offeredRv: number;
  /** Highest version the consumer has taken: a resume point that loses nothing. */
  private consumedRv: number;
  /** While catching up from the log, live changes wait here (bounded too). */
  private held: LoggedChange[] | undefined;
  private ended = false;
  private failure: StoreError | undefined;
  private waiter: (() => void) | undefined;
  private listener: (() => void) | undefined;

  constructor(options: WatcherOptions) {
    this.collection = options.collection;
    this.selectors = options.selectors;
    this.allowBookmarks = options.allowBookmarks;
    this.bufferSize = options.bufferSize;
    this.onClose = options.onClose;
    this.offeredRv = options.fromRv;
    this.consumedRv = options.fromRv;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Change events waiting for the consumer (initial-state events not counted). */
  get backlog(): number {
    return this.queue.length - Math.max(this.head, this.initialEnd);
  }

  /** Whether a change's object (or previous object) concerns this watch. */
  private matches(object: KubeObject | null): boolean {
    if (object === null) return false;
    const meta = object.metadata;
    if (this.collection.namespace !== '' && (meta.namespace ?? '') !== this.collection.namespace) return false;
    return labelsMatch(this.selectors.labels, meta.labels) && fieldsMatch(this.selectors.fields, this.collection.group, this.collection.resource, object);
  }

  /** The event a change means for this watch, if any (selector transitions become ADDED/DELETED). */
  private eventFor(change: LoggedChange): WatchEvent | undefined {
    switch (change.type) {
      case 'ADDED':
        return this.matches(change.object) ? { type: 'ADDED', object: change.object } : undefined;
      case 'DELETED':
        // Whoever saw the object before the delete must hear of it.
        return this.matches(change.prev ?? change.object) ? { type: 'DELETED', object: change.object } : undefined;
      case 'MODIFIED': {
        const was = this.matches(change.prev);
        const is = this.matches(change.object);
        if (was && is) return { type: 'MODIFIED', object: change.object };
        if (is) return { type: 'ADDED', object: change.object };
        // Left the selection: the last state it was seen in, at the new version.
        if (was && change.prev !== null) return { type: 'DELETED', object: withVersion(change.prev, change.rv) };
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Starts holding live changes while the hub replays the log up to the registration point. */
  holdLive(): void {
    this.held = [];
  }

  /** Ends catching up: held live changes are offered in order. */
  releaseLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const change of held) this.offer(change);
  }

  /** Offers a change of this watcher's cluster (in rv order); changes already covered are skipped. */
  offer(change: LoggedChange): void {
    if (this.ended) return;
    if (this.held !== undefined) {
      if (this.held.length >= this.bufferSize) this.overflow();
      else this.held.push(change);
      return;
    }
    if (change.rv <= this.offeredRv) return;
    this.offeredRv = change.rv;
    if (change.group !== this.collection.group || change.resource !== this.collection.resource) return;
    const event = this.eventFor(change);
    if (event !== undefined) this.push(event, change.rv);
  }

  /** Offers a replayed change while catching up (bypasses the hold). */
  replay(change: LoggedChange): void {
    const held = this.held;
    this.held = undefined;
    this.offer(change);
    if (!this.ended) this.held = held;
  }

  /** Adds an ADDED event for the initial state (list-then-watch in one). */
  initial(object: KubeObject, rv: number): void {
    this.queue.push({ event: { type: 'ADDED', object }, rv });
    this.initialEnd = this.queue.length;
    this.wakeConsumer();
  }

  /** A bookmark at `rv`: everything up to it has been offered. */
  bookmark(rv: number, annotations?: Record<string, string>): void {
    if (this.ended || this.held !== undefined) return;
    const at = Math.max(rv, this.offeredRv);
    this.offeredRv = at;
    const metadata: KubeObject['metadata'] = { resourceVersion: String(at) };
    if (annotations !== undefined) metadata.annotations = annotations;
    this.push({ type: 'BOOKMARK', object: { metadata } }, at, true);
  }

  private push(event: WatchEvent, rv: number, force = false): void {
    if (!force && this.backlog >= this.bufferSize) {
      this.overflow();
      return;
    }
    this.queue.push({ event, rv });
    this.wakeConsumer();
  }

  // Stop taking events; the consumer drains what is buffered, then learns
  // where to resume from (memory stays bounded, nothing is lost).
  private overflow(): void {
    const lastQueued = this.queue.length > this.head ? (this.queue[this.queue.length - 1] as { rv: number }).rv : this.consumedRv;
    this.end(new WatchOverflowError(String(Math.max(lastQueued, this.consumedRv))));
  }

  /** Ends the watch with an error the consumer receives after the buffered events. */
  end(error?: StoreError): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.held = undefined;
    this.onClose(this);
    this.wakeConsumer();
  }

  close(): void {
    this.queue = [];
    this.head = 0;
    this.initialEnd = 0;
    this.failure = undefined;
    this.end();
  }

  private wakeConsumer(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
    const listener = this.listener;
    if (listener === undefined) return;
    // The hub offers one change to every watcher in a loop: a consumer's
    // failure must not keep the change from the others (the listener
    // contract says it does not throw; this holds the hub to it regardless).
    try {
      listener();
    } catch {
      this.listener = undefined;
    }
  }

  onReadable(listener: () => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  poll(): IteratorResult<WatchEvent> | undefined {
    if (this.head < this.queue.length) {
      const item = this.queue[this.head] as { event: WatchEvent; rv: number };
      this.head++;
      // Taken items must not stay reachable: with a thousand watchers of a
      // busy collection they would be a thousand wrappers per change, kept
      // alive (and copied by every young-generation GC) until compaction.
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.initialEnd = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        // Compact the array now and then instead of shifting on every read.
        this.queue = this.queue.slice(this.head);
        this.initialEnd = Math.max(0, this.initialEnd - this.head);
        this.head = 0;
      }
      if (item.rv > this.consumedRv) this.consumedRv = item.rv;
      return { value: item.event, done: false };
    }
    if (!this.ended) return undefined;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
    return { value: undefined, done: true };
  }

  private async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      const item = this.poll();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
