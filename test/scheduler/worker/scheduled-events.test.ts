import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/log.js';
import { ObjectEventRecorder, QueuedEventRecorder, type EventRecorder } from '../../../src/objects/event-recorder.js';
import type { ObjectService } from '../../../src/objects/service.js';
import type { KubeObject } from '../../../src/store/types.js';
import { uniqueClusterName } from '../../helpers/env.js';
import { ADMIN, openObjects, podObject, refs } from './helpers.js';

let objects: ObjectService;
before(() => {
  objects = openObjects();
});
after(async () => {
  await objects.store.close();
});

/** An inner recorder whose writes finish only when the test says so. */
class HeldRecorder implements EventRecorder {
  readonly calls: string[] = [];
  private releases: (() => void)[] = [];
  record(object: KubeObject, _type: 'Normal' | 'Warning', reason: string): Promise<void> {
    this.calls.push(`${object.metadata.name ?? ''}:${reason}`);
    return new Promise((resolve) => this.releases.push(resolve));
  }
  releaseAll(): void {
    const releases = this.releases;
    this.releases = [];
    for (const r of releases) r();
  }
}

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

describe('Scheduled events off the bind path (queued, dropped when full)', () => {
  it('record returns before the write, one batch is written at a time, and a full queue drops new events', async () => {
    const inner = new HeldRecorder();
    const queued = new QueuedEventRecorder(inner, { maxQueued: 3, batchSize: 1 });
    for (let i = 0; i < 10; i++) await queued.record(pod(`p${i}`), 'Normal', 'Scheduled', 'x');
    // p0 is being written; p1..p3 wait; p4..p9 found the queue full.
    assert.deepEqual(inner.calls, ['p0:Scheduled']);
    assert.equal(queued.queued, 3);
    assert.equal(queued.dropped, 6);
    let idle = false;
    const drained = queued.idle().then(() => {
      idle = true;
    });
    for (let round = 0; round < 4; round++) {
      assert.equal(idle, false, `not idle while writes remain (round ${round})`);
      inner.releaseAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await drained;
    assert.deepEqual(inner.calls, ['p0:Scheduled', 'p1:Scheduled', 'p2:Scheduled', 'p3:Scheduled']);
    assert.equal(queued.queued, 0);
  });

  it('the next batch starts only when the whole batch in flight is written', async () => {
    const inner = new HeldRecorder();
    const queued = new QueuedEventRecorder(inner, { batchSize: 2 });
    for (let i = 0; i < 5; i++) await queued.record(pod(`p${i}`), 'Normal', 'Scheduled', 'x');
    // p0 went alone (nothing else was queued yet); p1..p4 wait for it.
    assert.deepEqual(inner.calls, ['p0:Scheduled']);
    inner.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(inner.calls.slice(1), ['p1:Scheduled', 'p2:Scheduled'], 'a batch of two');
    inner.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(inner.calls.slice(3), ['p3:Scheduled', 'p4:Scheduled']);
    inner.releaseAll();
    await queued.idle();
    assert.equal(queued.dropped, 0);
  });

  it('queued events reach the API as core/v1 Events once idle() resolves', async () => {
    const cluster = uniqueClusterName('evq');
    const r = refs(objects, cluster);
    const created = await objects.create(r.pods, 'default', podObject('web'), { requester: ADMIN });
    const recorder = new ObjectEventRecorder({ objects, cluster, component: 'default-scheduler', requester: ADMIN, log: silentLogger() });
    const queued = new QueuedEventRecorder(recorder);
    await queued.record(created, 'Normal', 'Scheduled', 'Successfully assigned default/web to n1');
    await queued.idle();
    const events = (await objects.list(r.events, 'default')).items;
    assert.equal(events.length, 1);
    const event = events[0] as KubeObject;
    assert.equal(event.reason, 'Scheduled');
    assert.equal((event.involvedObject as { uid?: string }).uid, created.metadata.uid);
    assert.equal(queued.dropped, 0);
  });
});
