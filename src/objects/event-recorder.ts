// core/v1 Events about any object, written through the ObjectService. A
// repeat (same object, type, reason and message) bumps count and
// lastTimestamp of the Event already written, as client-go's recorder
// aggregates, so `kubectl describe` shows "x4 over 2m" instead of a flood.
// Events are best effort: a failed write is logged, never thrown. Like
// client-go's EventSourceObjectSpamFilter, each object gets a burst of 25
// events refilled at one per five minutes, so scaling to 1,000 replicas
// writes 25 SuccessfulCreate events, not 1,000.

import { eventName } from '../kube/event-name.js';
import type { Logger } from '../log.js';
import type { Requester } from './admission.js';
import type { ObjectService } from './service.js';
import type { KubeObject } from '../store/types.js';

/** Records core/v1 Events about objects (controllers, the scheduler). */
export interface EventRecorder {
  record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

const MAX_REMEMBERED = 4096;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 5 * 60_000;

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ObjectEventRecorderOptions {
  objects: ObjectService;
  cluster: string;
  /** source.component / reportingComponent, e.g. 'replicaset-controller'. */
  component: string;
  requester: Requester;
  log: Logger;
  now?: () => Date;
}

export class ObjectEventRecorder implements EventRecorder {
  private readonly written = new Map<string, KubeObject>();
  private readonly budgets = new Map<string, { tokens: number; last: number }>();

  constructor(private readonly options: ObjectEventRecorderOptions) {}

  async record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const { objects, cluster, component, requester, log } = this.options;
    const now = timestamp((this.options.now ?? (() => new Date()))());
    const namespace = object.metadata.namespace || 'default';
    const name = object.metadata.name ?? '';
    const source = object.metadata.uid ?? `${namespace}/${name}`;
    if (!this.take(source)) return;
    const aggregate = [source, type, reason, message].join('\u0000');
    try {
      const ref = objects.resource(cluster, '', 'v1', 'events');
      const previous = this.written.get(aggregate);
      if (previous !== undefined) {
        try {
          const next = { ...previous, count: ((previous.count as number | undefined) ?? 1) + 1, lastTimestamp: now };
          this.remember(aggregate, await objects.update(ref, namespace, previous.metadata.name ?? '', next, { requester }));
          return;
        } catch {
          // Expired, or changed by another writer: start a new Event below.
        }
      }
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: eventName(name), namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          namespace: object.metadata.namespace,
          name,
          uid: object.metadata.uid,
          resourceVersion: object.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component },
        reportingComponent: component,
        reportingInstance: component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      this.remember(aggregate, await objects.create(ref, namespace, body, { requester }));
    } catch (err) {
      log.debug({ err, object: `${namespace}/${name}`, reason }, 'event not recorded');
    }
  }

  /** One token from the object's budget, if there is one left. */
  private take(source: string): boolean {
    const now = Date.now();
    const budget = this.budgets.get(source) ?? { tokens: SPAM_BURST, last: now };
    budget.tokens = Math.min(SPAM_BURST, budget.tokens + (now - budget.last) / SPAM_REFILL_MS);
    budget.last = now;
    this.budgets.delete(source);
    this.budgets.set(source, budget);
    if (this.budgets.size > MAX_REMEMBERED) {
      const oldest = this.budgets.keys().next().value;
      if (oldest !== undefined) this.budgets.delete(oldest);
    }
    if (budget.tokens < 1) return false;
    budget.tokens -= 1;
    return true;
  }

  private remember(key: string, event: KubeObject): void {
    this.written.delete(key);
    this.written.set(key, event);
    if (this.written.size > MAX_REMEMBERED) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}

export interface QueuedEventRecorderOptions {
  /** Events waiting to be written; beyond it new ones are dropped. @defaultValue 1000 (client-go's maxQueuedEvents) */
  maxQueued?: number;
  /** Most events written together (they join one group commit); one batch is in flight at a time. @defaultValue 64 */
  batchSize?: number;
}

/**
 * Takes events off the caller's path, as client-go's broadcaster does: record
 * queues and returns at once; when the queue is full the event is dropped
 * (watch.DropIfChannelFull), so a burst of binds cannot spend the API's write
 * capacity on Events. The queue drains in batches, one at a time: written
 * together, a batch's events share one transaction (group commit) instead of
 * one each, and events trail the work they describe instead of competing with it.
 */
export class QueuedEventRecorder implements EventRecorder {
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly inner: EventRecorder,
    options: QueuedEventRecorderOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 1000;
    this.batchSize = options.batchSize ?? 64;
  }

  record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return Promise.resolve();
    }
    this.queue.push(() => this.inner.record(object, type, reason, message));
    this.pump();
    return Promise.resolve();
  }

  /** Events waiting to be written (not counting those being written). */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once every queued event has been written (or failed). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.running > 0 || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.batchSize);
    this.running = batch.length;
    for (const write of batch) {
      // The inner recorder logs its own failures; nothing reaches here but a bug.
      void write()
        .catch(() => undefined)
        .finally(() => {
          if (--this.running > 0) return;
          this.pump();
          if (this.running === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }
}
