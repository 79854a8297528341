// The order pending pods are scheduled in (kube-scheduler's PrioritySort):
// higher spec.priority first; within a priority, first come first served.
// PodQueue is the active queue: a binary heap in that order, keyed by pod.

import type { Pod } from '../kube/types.js';

export interface QueuedPod {
  readonly key: string;
  readonly priority: number;
  /** When the pod (re)entered the queue, in ms. */
  readonly enqueuedAt: number;
  /** Breaks ties between pods enqueued in the same millisecond: lower first. */
  readonly sequence: number;
}

/** Negative when `a` is scheduled before `b`. */
export function compareQueued(a: QueuedPod, b: QueuedPod): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt - b.enqueuedAt;
  return a.sequence - b.sequence;
}

/** A pod with schedulingGates is not scheduled until all gates are removed. */
export function isSchedulingGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

export class PodQueue<T extends QueuedPod = QueuedPod> {
  private readonly heap: T[] = [];
  private readonly position = new Map<string, number>();

  get size(): number {
    return this.heap.length;
  }

  has(key: string): boolean {
    return this.position.has(key);
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  /** Adds the pod, or replaces the entry with the same key. */
  push(item: T): void {
    const at = this.position.get(item.key);
    if (at !== undefined) {
      this.heap[at] = item;
      this.fix(at);
      return;
    }
    this.heap.push(item);
    this.position.set(item.key, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  delete(key: string): T | undefined {
    const at = this.position.get(key);
    if (at === undefined) return undefined;
    const item = this.heap[at];
    this.removeAt(at);
    return item;
  }

  private removeAt(i: number): void {
    const removed = this.heap[i] as T;
    this.position.delete(removed.key);
    const last = this.heap.pop() as T;
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.position.set(last.key, i);
      this.fix(i);
    }
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as T;
    const b = this.heap[j] as T;
    this.heap[i] = b;
    this.heap[j] = a;
    this.position.set(b.key, i);
    this.position.set(a.key, j);
  }

  private up(start: number): boolean {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareQueued(this.heap[i] as T, this.heap[parent] as T) >= 0) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  private down(start: number): void {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.heap.length && compareQueued(this.heap[l] as T, this.heap[best] as T) < 0) best = l;
      if (r < this.heap.length && compareQueued(this.heap[r] as T, this.heap[best] as T) < 0) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
