import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProfile } from '../../../src/scheduler/registry.js';
import { requeuePolicy } from '../../../src/scheduler/requeue.js';
import { SchedulingQueue } from '../../../src/scheduler/worker/scheduling-queue.js';

const policy = requeuePolicy(buildProfile());
const backoff = { initialMs: 100, maxMs: 1000 };

function queueAt(clock: { now: number }): SchedulingQueue {
  return new SchedulingQueue(policy, backoff, () => clock.now);
}

describe('scheduling queue', () => {
  it('pops higher priority first, then in arrival order', async () => {
    const clock = { now: 1000 };
    const q = queueAt(clock);
    q.add('a', 0);
    clock.now++;
    q.add('b', 10);
    clock.now++;
    q.add('c', 0);
    q.add('d', 10);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await q.pop())?.key ?? '');
    assert.deepEqual(order, ['b', 'd', 'a', 'c']);
    q.close();
  });

  it('a bound pod going away moves a pod rejected for resources, not one rejected by a taint', async () => {
    const clock = { now: 1000 };
    const q = queueAt(clock);
    q.add('cpu', 0);
    q.add('taint', 0);
    const first = await q.pop();
    const second = await q.pop();
    assert.ok(first && second);
    q.markUnschedulable(first, new Set(['NodeResourcesFit']));
    q.markUnschedulable(second, new Set(['TaintToleration']));
    clock.now += 5000;
    q.onClusterEvent({ resource: 'AssignedPod', action: 'Delete' });
    assert.deepEqual(q.sizes, { active: 1, backoff: 0, unschedulable: 1 });
    assert.equal((await q.pop())?.key, 'cpu');
    q.close();
  });

  it('a pod that fails while an event arrived during its cycle backs off instead of waiting for another event', async () => {
    const clock = { now: 1000 };
    const q = queueAt(clock);
    q.add('p', 0);
    const popped = await q.pop();
    assert.ok(popped);
    q.onClusterEvent({ resource: 'Node', action: 'Add' });
    q.markUnschedulable(popped, new Set(['NodeResourcesFit']));
    assert.deepEqual(q.sizes, { active: 0, backoff: 1, unschedulable: 0 });
    q.close();
  });

  it('backs off 100 ms doubling to at most 1 s per failed attempt', async () => {
    const q = new SchedulingQueue(policy, backoff);
    q.add('p', 0);
    let popped = await q.pop();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5 && popped; attempt++) {
      const failedAt = Date.now();
      q.retryWithBackoff(popped);
      popped = await q.pop();
      waits.push(Date.now() - failedAt);
    }
    q.close();
    const expected = [100, 200, 400, 800, 1000];
    waits.forEach((w, i) => assert.ok(w >= (expected[i] as number) - 5 && w < (expected[i] as number) + 250, `attempt ${i + 1} waited ${w} ms, expected about ${expected[i]}`));
  });

  it('a removed pod is never popped', async () => {
    const clock = { now: 1000 };
    const q = queueAt(clock);
    q.add('gone', 0);
    q.add('kept', 0);
    q.remove('gone');
    assert.equal((await q.pop())?.key, 'kept');
    q.close();
    assert.equal(await q.pop(), undefined);
  });
});
