import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ObjectService } from '../../../src/objects/service.js';
import type { ClusterScheduler } from '../../../src/scheduler/worker/cluster-scheduler.js';
import { uniqueClusterName } from '../../helpers/env.js';
import { ADMIN, eventually, nodeNameOf, nodeObject, openObjects, podObject, podScheduled, refs, startTestScheduler, type TestScheduler } from './helpers.js';

let objects: ObjectService;
const running: TestScheduler[] = [];

before(() => {
  objects = openObjects();
});
after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await objects.store.close();
});

async function startScheduler(cluster: string, extra: { parallelBinds?: number } = {}): Promise<ClusterScheduler> {
  const s = await startTestScheduler(objects, cluster, extra);
  running.push(s);
  return s.scheduler;
}

describe('cluster scheduler', () => {
  it('binds a pending pod to the node that fits and records a Scheduled event', async () => {
    const cluster = uniqueClusterName('sched');
    const r = refs(objects, cluster);
    await objects.create(r.nodes, '', nodeObject('small', { cpu: '1' }), { requester: ADMIN });
    await objects.create(r.nodes, '', nodeObject('big', { cpu: '8' }), { requester: ADMIN });
    await startScheduler(cluster);
    await objects.create(r.pods, 'default', podObject('web', { cpu: '2' }), { requester: ADMIN });
    const bound = await eventually(async () => {
      const p = await objects.get(r.pods, 'default', 'web');
      return nodeNameOf(p) && podScheduled(p)?.status === 'True' ? p : undefined;
    }, 5000, 'web to be bound with PodScheduled=True');
    assert.equal(nodeNameOf(bound), 'big');
    const events = await eventually(async () => {
      const list = await objects.list(r.events, 'default');
      return list.items.find((e) => e.reason === 'Scheduled');
    }, 5000, 'Scheduled event');
    assert.equal(events.message, 'Successfully assigned default/web to big');
    assert.equal((events.source as { component?: string }).component, 'default-scheduler');
  });

  it('explains an unschedulable pod in kube-scheduler words and binds it within a second of capacity appearing', async () => {
    const cluster = uniqueClusterName('sched');
    const r = refs(objects, cluster);
    await objects.create(r.nodes, '', nodeObject('tainted', { cpu: '8', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }), { requester: ADMIN });
    await objects.create(r.nodes, '', nodeObject('a', { cpu: '1' }), { requester: ADMIN });
    await objects.create(r.nodes, '', nodeObject('b', { cpu: '1' }), { requester: ADMIN });
    await startScheduler(cluster);
    await objects.create(r.pods, 'default', podObject('big', { cpu: '2' }), { requester: ADMIN });
    const pending = await eventually(async () => {
      const p = await objects.get(r.pods, 'default', 'big');
      return podScheduled(p)?.reason === 'Unschedulable' ? p : undefined;
    }, 5000, 'PodScheduled=False');
    const condition = podScheduled(pending);
    assert.equal(condition?.status, 'False');
    assert.match(condition?.message ?? '', /^0\/3 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: db\}, 2 Insufficient cpu\. preemption: /);
    const failed = await eventually(async () => (await objects.list(r.events, 'default')).items.find((e) => e.reason === 'FailedScheduling'), 5000, 'FailedScheduling event');
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.message, condition?.message);

    // Let the pod back off fully, then add room: it must be bound within a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const added = Date.now();
    await objects.create(r.nodes, '', nodeObject('c', { cpu: '4' }), { requester: ADMIN });
    const bound = await eventually(async () => {
      const p = await objects.get(r.pods, 'default', 'big');
      return nodeNameOf(p) ? p : undefined;
    }, 3000, 'big to be bound after node c was added');
    assert.equal(nodeNameOf(bound), 'c');
    assert.ok(Date.now() - added < 1000, `bound ${Date.now() - added} ms after the node appeared`);
  });

  it('retries a pod that did not fit when a bound pod is deleted', async () => {
    const cluster = uniqueClusterName('sched');
    const r = refs(objects, cluster);
    await objects.create(r.nodes, '', nodeObject('only', { cpu: '2' }), { requester: ADMIN });
    await startScheduler(cluster);
    await objects.create(r.pods, 'default', podObject('first', { cpu: '2' }), { requester: ADMIN });
    await eventually(async () => nodeNameOf(await objects.get(r.pods, 'default', 'first')), 5000, 'first bound');
    await objects.create(r.pods, 'default', podObject('second', { cpu: '2' }), { requester: ADMIN });
    await eventually(async () => (podScheduled(await objects.get(r.pods, 'default', 'second'))?.reason === 'Unschedulable' ? true : undefined), 5000, 'second unschedulable');
    await objects.delete(r.pods, 'default', 'first', { requester: ADMIN, gracePeriodSeconds: 0 });
    assert.equal(await eventually(async () => nodeNameOf(await objects.get(r.pods, 'default', 'second')), 3000, 'second bound'), 'only');
  });

  it('schedules higher priority first, then first come first served', async () => {
    const cluster = uniqueClusterName('sched');
    const r = refs(objects, cluster);
    const s = await startScheduler(cluster, { parallelBinds: 1 });
    await s.synced();
    // No nodes yet: every pod waits; then one node with room for exactly two pods.
    // Priority comes from PriorityClasses, as the Priority admission plugin requires.
    const classes = objects.resource(cluster, 'scheduling.k8s.io', 'v1', 'priorityclasses');
    for (const [name, value] of [['high', 1000], ['mid', 10]] as const) {
      await objects.create(classes, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value }, { requester: ADMIN });
    }
    for (const [name, priorityClassName] of [['low-1', undefined], ['high', 'high'], ['low-2', undefined], ['mid', 'mid']] as const) {
      await objects.create(r.pods, 'default', podObject(name, { cpu: '1', ...(priorityClassName ? { spec: { priorityClassName } } : {}) }), { requester: ADMIN });
    }
    await eventually(async () => (s.queueSizes.unschedulable + s.queueSizes.backoff === 4 ? true : undefined), 5000, 'four pending pods');
    // Past the longest backoff, the node's arrival moves all four to the active queue at once.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await objects.create(r.nodes, '', nodeObject('n', { cpu: '2' }), { requester: ADMIN });
    await eventually(async () => (s.stats.bound === 2 ? true : undefined), 5000, 'two pods bound');
    const bound: string[] = [];
    for (const name of ['low-1', 'high', 'low-2', 'mid']) if (nodeNameOf(await objects.get(r.pods, 'default', name))) bound.push(name);
    assert.deepEqual(bound.sort(), ['high', 'mid']);
  });

  it('two scheduler replicas with their own connections bind exactly the room of each node and explain the rest', async () => {
    const cluster = uniqueClusterName('sched');
    const r = refs(objects, cluster);
    const NODES = 4;
    const ROOM = 3; // 1-cpu pods per 3-cpu node
    for (let n = 0; n < NODES; n++) await objects.create(r.nodes, '', nodeObject(`n${n}`, { cpu: String(ROOM) }), { requester: ADMIN });
    // A second ObjectService is a second process's view (own store pool, watch and bind-lock pool).
    const other = openObjects();
    const a = await startTestScheduler(objects, cluster);
    const b = await startTestScheduler(other, cluster, { replicaOf: a.feed });
    try {
      const total = 3 * NODES * ROOM;
      await Promise.all(Array.from({ length: total }, (_, i) => objects.create(r.pods, 'default', podObject(`p${i}`, { cpu: '1' }), { requester: ADMIN })));
      const pods = await eventually(async () => {
        const items = (await objects.list(r.pods, 'default')).items;
        const bound = items.filter((p) => nodeNameOf(p)).length;
        const waiting = items.filter((p) => podScheduled(p)?.reason === 'Unschedulable').length;
        return bound + waiting === total && bound >= NODES * ROOM ? items : undefined;
      }, 30_000, 'every pod bound or unschedulable');
      const perNode = new Map<string, number>();
      for (const p of pods) {
        const n = nodeNameOf(p);
        if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries([...perNode].sort()), Object.fromEntries(Array.from({ length: NODES }, (_, n) => [`n${n}`, ROOM])));
      for (const p of pods.filter((p) => !nodeNameOf(p))) {
        assert.match(podScheduled(p)?.message ?? '', new RegExp(`^0/${NODES} nodes are available: ${NODES} Insufficient cpu\\.`), p.metadata.name);
      }
      // Both replicas took part: the queue split the pods between them.
      assert.ok(a.scheduler.stats.bound + a.scheduler.stats.unschedulable > 0 && b.scheduler.stats.bound + b.scheduler.stats.unschedulable > 0, 'both replicas scheduled pods');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await other.store.close();
    }
  });
});
