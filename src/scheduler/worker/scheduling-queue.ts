// The pending pods of one cluster, as kube-scheduler's scheduling queue:
// - active: ready to be tried, in priority order then first come first served;
// - backoff: failed recently, waiting out a per-pod exponential delay;
// - unschedulable: no node fits; moved back only by a cluster event that one
//   of the plugins which rejected the pod registered (requeue.ts), or after
//   POD_MAX_IN_UNSCHEDULABLE_PODS_MS without one.
// A pod that fails while an event arrived during its cycle goes to backoff,
// not unschedulable, so a node added mid-cycle is not missed.

import { backoffDuration, POD_MAX_IN_UNSCHEDULABLE_PODS_MS, type BackoffPolicy } from '../backoff.js';
import type { ClusterEvent } from '../framework.js';
import { PodQueue, type QueuedPod } from '../queue-order.js';
import { mayBecomeSchedulable, type RequeuePolicy } from '../requeue.js';

export interface PoppedPod extends QueuedPod {
  /** The queue's event counter when the pod was popped. */
  readonly cycle: number;
}

interface Waiting {
  readonly item: QueuedPod;
  readonly lastAttemptAt: number;
}

interface UnschedulableGroup {
  readonly plugins: ReadonlySet<string>;
  readonly keys: Set<string>;
}

export class SchedulingQueue {
  private readonly active = new PodQueue<QueuedPod>();
  private readonly backoff = new Map<string, Waiting & { readyAt: number }>();
  private readonly unschedulable = new Map<string, Waiting & { group: string }>();
  private readonly groups = new Map<string, UnschedulableGroup>();
  private readonly attempts = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();
  private sequence = 0;
  private eventCounter = 0;
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** No pod in backoff is ready before this time (ms); Infinity when backoff is empty. */
  private nextReadyAt = Infinity;
  private closed = false;

  constructor(
    private readonly policy: RequeuePolicy,
    private readonly backoffPolicy: BackoffPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /** A pod that needs scheduling was seen; queued unless it is already waiting somewhere. */
  add(key: string, priority: number): void {
    if (this.has(key)) return;
    this.activate(this.item(key, priority));
  }

  /** The pod itself changed (spec, labels): give it another try now (or after its backoff). */
  podChanged(key: string, priority: number): void {
    const waiting = this.unschedulable.get(key);
    if (waiting === undefined) {
      if (!this.has(key)) this.add(key, priority);
      return;
    }
    this.removeUnschedulable(key);
    this.moveToActiveOrBackoff({ ...waiting, item: { ...waiting.item, priority } });
  }

  remove(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.removeUnschedulable(key);
    this.attempts.delete(key);
    this.firstSeen.delete(key);
  }

  /** The next pod to try, waiting until one is ready; undefined once closed. */
  async pop(): Promise<PoppedPod | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      this.flushBackoff();
      const item = this.active.pop();
      if (item !== undefined) return { ...item, cycle: this.eventCounter };
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        this.armTimer();
      });
    }
  }

  /** No node fits: wait for a relevant event (or backoff, if one came during the cycle). */
  markUnschedulable(popped: PoppedPod, plugins: ReadonlySet<string>): void {
    const attempts = this.bumpAttempts(popped.key);
    const waiting: Waiting = { item: popped, lastAttemptAt: this.now() };
    if (this.eventCounter !== popped.cycle) {
      this.moveToActiveOrBackoff(waiting, attempts);
      return;
    }
    const group = [...plugins].sort().join(',');
    let g = this.groups.get(group);
    if (g === undefined) {
      g = { plugins, keys: new Set() };
      this.groups.set(group, g);
    }
    g.keys.add(popped.key);
    this.unschedulable.set(popped.key, { ...waiting, group });
  }

  /** An error or a lost bind race: try again after the pod's backoff. */
  retryWithBackoff(popped: QueuedPod): void {
    const attempts = this.bumpAttempts(popped.key);
    this.moveToActiveOrBackoff({ item: popped, lastAttemptAt: this.now() }, attempts);
  }

  /** The pod is bound (or no longer ours): forget its history. */
  done(key: string): void {
    this.attempts.delete(key);
    this.firstSeen.delete(key);
  }

  /** A cluster change: unschedulable pods it may help go back to active (or backoff). */
  onClusterEvent(event: ClusterEvent): void {
    this.eventCounter++;
    for (const [name, group] of this.groups) {
      if (!mayBecomeSchedulable(this.policy, group.plugins, event)) continue;
      this.groups.delete(name);
      for (const key of group.keys) {
        const waiting = this.unschedulable.get(key);
        this.unschedulable.delete(key);
        if (waiting !== undefined) this.moveToActiveOrBackoff(waiting);
      }
    }
  }

  /** Unschedulable pods that waited too long without a relevant event are tried again. */
  flushUnschedulableLeftovers(): void {
    const cutoff = this.now() - POD_MAX_IN_UNSCHEDULABLE_PODS_MS;
    for (const [key, waiting] of this.unschedulable) {
      if (waiting.lastAttemptAt > cutoff) continue;
      this.removeUnschedulable(key);
      this.moveToActiveOrBackoff(waiting);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake();
  }

  private item(key: string, priority: number): QueuedPod {
    let first = this.firstSeen.get(key);
    if (first === undefined) {
      first = this.now();
      this.firstSeen.set(key, first);
    }
    return { key, priority, enqueuedAt: first, sequence: this.sequence++ };
  }

  private bumpAttempts(key: string): number {
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    return attempts;
  }

  private removeUnschedulable(key: string): void {
    const waiting = this.unschedulable.get(key);
    if (waiting === undefined) return;
    this.unschedulable.delete(key);
    const g = this.groups.get(waiting.group);
    g?.keys.delete(key);
    if (g !== undefined && g.keys.size === 0) this.groups.delete(waiting.group);
  }

  private moveToActiveOrBackoff(waiting: Waiting, attempts = this.attempts.get(waiting.item.key) ?? 0): void {
    const readyAt = attempts === 0 ? 0 : waiting.lastAttemptAt + backoffDuration(attempts, this.backoffPolicy);
    if (readyAt <= this.now()) {
      this.activate(waiting.item);
      return;
    }
    this.backoff.set(waiting.item.key, { ...waiting, readyAt });
    if (readyAt < this.nextReadyAt) {
      this.nextReadyAt = readyAt;
      this.armTimer();
    }
  }

  private activate(item: QueuedPod): void {
    this.backoff.delete(item.key);
    this.active.push(item);
    this.wake();
  }

  private flushBackoff(): void {
    const now = this.now();
    if (now < this.nextReadyAt) return;
    let next = Infinity;
    for (const [key, waiting] of this.backoff) {
      if (waiting.readyAt > now) {
        next = Math.min(next, waiting.readyAt);
        continue;
      }
      this.backoff.delete(key);
      this.active.push(waiting.item);
    }
    this.nextReadyAt = next;
  }

  /** Wakes pop() when the earliest backoff expires. */
  private armTimer(): void {
    if (this.closed || this.nextReadyAt === Infinity) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, Math.max(0, this.nextReadyAt - this.now()));
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
