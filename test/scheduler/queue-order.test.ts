import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareQueued, isSchedulingGated, PodQueue, type QueuedPod } from '../../src/scheduler/queue-order.js';
import { makePod } from './fixtures.js';

const q = (key: string, priority: number, enqueuedAt: number, sequence = 0): QueuedPod => ({ key, priority, enqueuedAt, sequence });

describe('scheduling order', () => {
  it('higher priority goes first, then first come first served', () => {
    assert.ok(compareQueued(q('a', 10, 5), q('b', 0, 1)) < 0);
    assert.ok(compareQueued(q('a', 0, 1), q('b', 0, 5)) < 0);
    assert.ok(compareQueued(q('a', 0, 1, 2), q('b', 0, 1, 1)) > 0);
  });

  it('the queue pops in that order, and an entry can be replaced or removed by key', () => {
    const queue = new PodQueue();
    const items = [q('low-old', 0, 1), q('high-new', 100, 9), q('low-new', 0, 5), q('mid', 50, 3), q('high-old', 100, 2)];
    for (const item of items) queue.push(item);
    queue.push(q('low-new', 200, 5)); // re-prioritised
    assert.equal(queue.delete('mid')?.key, 'mid');
    assert.equal(queue.delete('absent'), undefined);
    const order: string[] = [];
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) order.push(item.key);
    assert.deepEqual(order, ['low-new', 'high-old', 'high-new', 'low-old']);
  });

  it('keeps heap order through many random pushes and deletes', () => {
    const queue = new PodQueue();
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      queue.push(q(`p${i}`, Math.floor(rand() * 5), Math.floor(rand() * 1000), i));
      if (rand() < 0.3) queue.delete(`p${Math.floor(rand() * i)}`);
    }
    let previous: QueuedPod | undefined;
    let n = 0;
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
      if (previous !== undefined) assert.ok(compareQueued(previous, item) <= 0);
      previous = item;
      n++;
    }
    assert.ok(n > 300);
    assert.equal(queue.size, 0);
  });

  it('a pod with scheduling gates waits', () => {
    assert.equal(isSchedulingGated(makePod('p', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } })), true);
    assert.equal(isSchedulingGated(makePod('p')), false);
  });
});
