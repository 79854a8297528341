import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { silentLogger } from '../../../src/log.js';
import { bindPod, type NodeBindLock } from '../../../src/objects/binding.js';
import { PgNodeBindLock } from '../../../src/objects/node-bind-lock.js';
import type { ObjectService } from '../../../src/objects/service.js';
import type { KubeObject } from '../../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../../helpers/env.js';
import { ADMIN, nodeNameOf, nodeObject, openObjects, podObject, podScheduled, refs } from './helpers.js';

let objects: ObjectService;
before(() => {
  objects = openObjects();
});
after(async () => {
  await objects.store.close();
});

async function conflictMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, 409);
    return err.message;
  }
  assert.fail('expected a Conflict');
}

describe('binding a pod (pods/binding and the scheduler)', () => {
  it('binds, marks the pod PodScheduled=True, and refuses a second binding', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1'), { requester: ADMIN });
    await objects.create(r.pods, 'default', podObject('web', { cpu: '1' }), { requester: ADMIN });
    const result = await bindPod(objects, r.pods, 'default', 'web', 'n1', { requester: ADMIN });
    assert.equal(result.conditionWritten, true);
    const pod = await objects.get(r.pods, 'default', 'web');
    assert.equal(nodeNameOf(pod), 'n1');
    assert.equal(podScheduled(pod)?.status, 'True');
    assert.equal(await conflictMessage(bindPod(objects, r.pods, 'default', 'web', 'n1', { requester: ADMIN })), 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "n1"');
  });

  it('refuses a binding that would overcommit the node, naming the resource', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1', { cpu: '2' }), { requester: ADMIN });
    await objects.create(r.pods, 'default', podObject('a', { cpu: '1500m' }), { requester: ADMIN });
    await objects.create(r.pods, 'default', podObject('b', { cpu: '1' }), { requester: ADMIN });
    await bindPod(objects, r.pods, 'default', 'a', 'n1', { requester: ADMIN });
    assert.equal(await conflictMessage(bindPod(objects, r.pods, 'default', 'b', 'n1', { requester: ADMIN })), 'Operation cannot be fulfilled on pods/binding "b": node "n1" cannot fit the pod: Insufficient cpu');
    assert.equal(nodeNameOf(await objects.get(r.pods, 'default', 'b')), undefined);
  });

  it('concurrent bindings to one node admit only what fits', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1', { cpu: '3' }), { requester: ADMIN });
    for (let i = 0; i < 6; i++) await objects.create(r.pods, 'default', podObject(`p${i}`, { cpu: '1' }), { requester: ADMIN });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => bindPod(objects, r.pods, 'default', `p${i}`, 'n1', { requester: ADMIN })));
    assert.equal(results.filter((x) => x.status === 'fulfilled').length, 3);
  });

  it('concurrent bindings from two processes to one node admit only what fits (per-node advisory lock)', async () => {
    // Two object services and two lock pools: two scheduler processes' views.
    const other = openObjects();
    const locks: [NodeBindLock & { close(): Promise<void> }, NodeBindLock & { close(): Promise<void> }] = [
      new PgNodeBindLock({ databaseUrl: testDatabaseUrl(), log: silentLogger() }),
      new PgNodeBindLock({ databaseUrl: testDatabaseUrl(), log: silentLogger() }),
    ];
    try {
      for (let round = 0; round < 3; round++) {
        const r = refs(objects, uniqueClusterName('bind'));
        await objects.create(r.nodes, '', nodeObject('n1', { cpu: '3' }), { requester: ADMIN });
        await Promise.all(Array.from({ length: 12 }, (_, i) => objects.create(r.pods, 'default', podObject(`p${i}`, { cpu: '1' }), { requester: ADMIN })));
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => bindPod(i % 2 === 0 ? objects : other, r.pods, 'default', `p${i}`, 'n1', { requester: ADMIN, nodeLock: locks[i % 2] as NodeBindLock })),
        );
        assert.equal(results.filter((x) => x.status === 'fulfilled').length, 3, `round ${round}`);
        const bound = (await objects.list(r.pods, 'default')).items.filter((p) => nodeNameOf(p) === 'n1');
        assert.equal(bound.length, 3, `round ${round}: pods on n1`);
      }
    } finally {
      await Promise.all(locks.map((l) => l.close()));
      await other.store.close();
    }
  });

  it('the advisory lock\'s cut-down read of bound pods still counts init containers, overhead and host ports, and skips finished pods', async () => {
    const lock = new PgNodeBindLock({ databaseUrl: testDatabaseUrl(), log: silentLogger() });
    try {
      const r = refs(objects, uniqueClusterName('bind'));
      await objects.create(r.nodes, '', nodeObject('n1', { cpu: '4' }), { requester: ADMIN });
      const init = { initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '2' } } }], overhead: { cpu: '1' } };
      await objects.create(r.pods, 'default', podObject('big-init', { cpu: '500m', spec: init }), { requester: ADMIN });
      await bindPod(objects, r.pods, 'default', 'big-init', 'n1', { requester: ADMIN, nodeLock: lock });
      // Counted as max(2, 0.5) + 1 = 3 cpu: a 1.5-cpu pod does not fit, a 1-cpu pod does.
      await objects.create(r.pods, 'default', podObject('too-big', { cpu: '1500m' }), { requester: ADMIN });
      assert.equal(await conflictMessage(bindPod(objects, r.pods, 'default', 'too-big', 'n1', { requester: ADMIN, nodeLock: lock })), 'Operation cannot be fulfilled on pods/binding "too-big": node "n1" cannot fit the pod: Insufficient cpu');
      const port = (name: string): KubeObject => podObject(name, { spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] } });
      await objects.create(r.pods, 'default', port('port-a'), { requester: ADMIN });
      await objects.create(r.pods, 'default', port('port-b'), { requester: ADMIN });
      await bindPod(objects, r.pods, 'default', 'port-a', 'n1', { requester: ADMIN, nodeLock: lock });
      assert.match(await conflictMessage(bindPod(objects, r.pods, 'default', 'port-b', 'n1', { requester: ADMIN, nodeLock: lock })), /cannot fit the pod: node\(s\) didn't have free ports for the requested pod ports$/);
      // A finished pod holds nothing: once big-init has Succeeded, too-big fits.
      const done = await objects.get(r.pods, 'default', 'big-init');
      await objects.update(r.pods, 'default', 'big-init', { ...done, status: { ...(done.status as object), phase: 'Succeeded' } }, { requester: ADMIN, subresource: 'status' });
      await bindPod(objects, r.pods, 'default', 'too-big', 'n1', { requester: ADMIN, nodeLock: lock });
      assert.equal(nodeNameOf(await objects.get(r.pods, 'default', 'too-big')), 'n1');
    } finally {
      await lock.close();
    }
  });

  it('accepts a node that has not registered yet, as the API server does', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.pods, 'default', podObject('early'), { requester: ADMIN });
    await bindPod(objects, r.pods, 'default', 'early', 'future-node', { requester: ADMIN });
    assert.equal(nodeNameOf(await objects.get(r.pods, 'default', 'early')), 'future-node');
  });

  it('writes nodeName and PodScheduled=True (with lastTransitionTime) in one store update, as the API server\'s assignPod', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1'), { requester: ADMIN });
    const created = await objects.create(r.pods, 'default', podObject('once'), { requester: ADMIN });
    const watch = await objects.watch(r.pods, 'default', { resourceVersion: created.metadata.resourceVersion });
    try {
      const { pod } = await bindPod(objects, r.pods, 'default', 'once', 'n1', { requester: ADMIN });
      const first = await watch[Symbol.asyncIterator]().next();
      assert.ok(first.done !== true && first.value.type === 'MODIFIED', 'the bind is one MODIFIED change');
      const changed = first.value.object;
      assert.equal(changed.metadata.resourceVersion, pod.metadata.resourceVersion, 'the first change after create is the bind itself');
      assert.equal(nodeNameOf(changed), 'n1');
      const condition = podScheduled(changed) as { status?: string; lastTransitionTime?: string } | undefined;
      assert.equal(condition?.status, 'True');
      assert.match(condition?.lastTransitionTime ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    } finally {
      watch.close();
    }
  });

  it('binding with the caller\'s copy of the pod reads no pod; binding without one reads it once', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1'), { requester: ADMIN });
    const known = await objects.create(r.pods, 'default', podObject('cached'), { requester: ADMIN });
    await objects.create(r.pods, 'default', podObject('read'), { requester: ADMIN });
    const node = await objects.get(r.nodes, '', 'n1');
    const store = objects.store;
    const original = store.get.bind(store);
    const podReads: string[] = [];
    store.get = (key, options) => {
      if (key.resource === 'pods') podReads.push(key.name);
      return original(key, options);
    };
    try {
      await bindPod(objects, r.pods, 'default', 'cached', 'n1', { requester: ADMIN, knownPod: known, knownNode: node });
      assert.deepEqual(podReads, [], 'a bind from a cache reads no pod');
      await bindPod(objects, r.pods, 'default', 'read', 'n1', { requester: ADMIN });
      assert.deepEqual(podReads, ['read'], 'pods/binding reads the pod once, not again before its write');
    } finally {
      store.get = original;
    }
    assert.equal(nodeNameOf(await objects.get(r.pods, 'default', 'cached')), 'n1');
    assert.equal(nodeNameOf(await objects.get(r.pods, 'default', 'read')), 'n1');
  });

  it('a stale copy of the pod is a Conflict with the optimistic-lock message and binds nothing', async () => {
    const r = refs(objects, uniqueClusterName('bind'));
    await objects.create(r.nodes, '', nodeObject('n1'), { requester: ADMIN });
    const stale = await objects.create(r.pods, 'default', podObject('stale'), { requester: ADMIN });
    const fresh = await objects.update(r.pods, 'default', 'stale', { ...stale, metadata: { ...stale.metadata, labels: { changed: 'yes' } } }, { requester: ADMIN });
    let message = '';
    try {
      await bindPod(objects, r.pods, 'default', 'stale', 'n1', { requester: ADMIN, knownPod: stale });
      assert.fail('expected a Conflict');
    } catch (err) {
      assert.equal((err as { code?: number; status?: number }).code ?? (err as { status?: number }).status, 409, `expected 409, got ${String(err)}`);
      message = (err as Error).message;
    }
    assert.equal(message, 'Operation cannot be fulfilled on pods "stale": the object has been modified; please apply your changes to the latest version and try again');
    const after = await objects.get(r.pods, 'default', 'stale');
    assert.equal(after.metadata.resourceVersion, fresh.metadata.resourceVersion);
    assert.equal(nodeNameOf(after), undefined);
  });
});
