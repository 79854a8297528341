import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import replicaset from '../../src/controllers/replicaset.js';
import replicationcontroller from '../../src/controllers/replicationcontroller.js';
import type { ControllerManager } from '../../src/controllers/runtime/controller-manager.js';
import type { KubeObject } from '../../src/store/types.js';
import { uniqueClusterName } from '../helpers/env.js';
import { admin, directContext, eventually, listPods, makeReady, obliterate, testManager, testObjects } from './helpers.js';

const objects = testObjects();
const managers: ControllerManager[] = [];
after(async () => {
  for (const m of managers) {
    await m.stop();
    await obliterate(m.prefix, ['replicaset', 'replicationcontroller']);
  }
  await objects.store.close();
});

async function started(cluster: string, extra = {}): Promise<ControllerManager> {
  const m = testManager(objects, cluster, [replicaset, replicationcontroller], extra);
  managers.push(m);
  await m.start();
  return m;
}

const rsRef = (cluster: string) => objects.resource(cluster, 'apps', 'v1', 'replicasets');
const podsRef = (cluster: string) => objects.resource(cluster, '', 'v1', 'pods');

function replicaSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

const active = (pods: KubeObject[]): KubeObject[] => pods.filter((p) => p.metadata.deletionTimestamp === undefined);
const ownedBy = (pods: KubeObject[], owner: KubeObject): KubeObject[] => pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.controller));

async function podCount(cluster: string, owner: KubeObject, want: number): Promise<KubeObject[]> {
  return eventually(async () => {
    const pods = active(ownedBy(await listPods(objects, cluster), owner));
    return pods.length === want ? pods : undefined;
  }, 10_000, `${want} pods`);
}

describe('replicaset controller', () => {
  it('creates spec.replicas pods from the template with an owner reference, generateName and events', async () => {
    const cluster = uniqueClusterName('rs');
    await started(cluster);
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('web', 3), { requester: admin });
    const pods = await podCount(cluster, rs, 3);
    for (const pod of pods) {
      assert.match(pod.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(pod.metadata.generateName, 'web-');
      assert.deepEqual(pod.metadata.labels, { app: 'web', tier: 'web' });
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const status = await eventually(async () => {
      const s = (await objects.get(rsRef(cluster), 'default', 'web')).status as { replicas?: number; fullyLabeledReplicas?: number; observedGeneration?: number } | undefined;
      return s?.replicas === 3 ? s : undefined;
    });
    assert.equal(status.fullyLabeledReplicas, 3);
    assert.equal(status.observedGeneration, 1);
    const events = await eventually(async () => {
      const list = (await objects.list(objects.resource(cluster, '', 'v1', 'events'), 'default')).items.filter((e) => e.reason === 'SuccessfulCreate');
      return list.length === 3 ? list : undefined;
    });
    for (const e of events) {
      assert.match(String(e.message), /^Created pod: web-/);
      assert.deepEqual((e.involvedObject as { kind?: string; name?: string }).kind, 'ReplicaSet');
      assert.deepEqual(e.source, { component: 'replicaset-controller' });
    }
  });

  it('replaces a deleted pod and deletes surplus pods when scaled down, unscheduled and not-ready first', async () => {
    const cluster = uniqueClusterName('rs');
    await started(cluster);
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('api', 3), { requester: admin });
    const pods = await podCount(cluster, rs, 3);
    const [first, second, third] = pods as [KubeObject, KubeObject, KubeObject];
    await objects.delete(podsRef(cluster), 'default', first.metadata.name ?? '', { requester: admin });
    const replaced = await podCount(cluster, rs, 3);
    assert.ok(!replaced.some((p) => p.metadata.name === first.metadata.name), 'the deleted pod is not counted');
    // second is ready, third ready; the replacement is not: scaling to 2 deletes the replacement.
    await makeReady(objects, cluster, second);
    await makeReady(objects, cluster, third);
    const replacement = replaced.find((p) => p.metadata.name !== second.metadata.name && p.metadata.name !== third.metadata.name) as KubeObject;
    await objects.patch(rsRef(cluster), 'default', 'api', 'merge', { spec: { replicas: 2 } }, { requester: admin });
    const remaining = await podCount(cluster, rs, 2);
    assert.deepEqual(remaining.map((p) => p.metadata.name).sort(), [second.metadata.name, third.metadata.name].sort());
    assert.ok(!remaining.some((p) => p.metadata.name === replacement.metadata.name));
    await eventually(async () => {
      const s = (await objects.get(rsRef(cluster), 'default', 'api')).status as { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
      return s.replicas === 2 && s.readyReplicas === 2 && s.availableReplicas === 2 && s.observedGeneration === 2;
    }, 10_000, 'status of 2 ready replicas');
  });

  it('counts a ready pod as available only after minReadySeconds', async () => {
    const cluster = uniqueClusterName('rs');
    await started(cluster);
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('slow', 1, { minReadySeconds: 3 }), { requester: admin });
    const [pod] = (await podCount(cluster, rs, 1)) as [KubeObject];
    await makeReady(objects, cluster, pod);
    const ready = await eventually(async () => {
      const s = (await objects.get(rsRef(cluster), 'default', 'slow')).status as { readyReplicas?: number; availableReplicas?: number };
      return s.readyReplicas === 1 ? s : undefined;
    });
    assert.equal(ready.availableReplicas, 0, 'not available before minReadySeconds');
    // The controller requeues itself for the moment the pod becomes available.
    const readyAt = Date.now();
    await eventually(async () => ((await objects.get(rsRef(cluster), 'default', 'slow')).status as { availableReplicas?: number }).availableReplicas === 1, 10_000, 'available after 3 s');
    assert.ok(Date.now() - readyAt < 6000, 'the requeue fired near the deadline, not at a resync');
  });

  it('adopts a matching orphan and releases a pod whose labels stop matching', async () => {
    const cluster = uniqueClusterName('rs');
    await started(cluster);
    await objects.create(podsRef(cluster), 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { requester: admin });
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('db', 2), { requester: admin });
    const pods = await podCount(cluster, rs, 2);
    assert.ok(pods.some((p) => p.metadata.name === 'orphan'), 'the orphan was adopted');
    await objects.patch(podsRef(cluster), 'default', 'orphan', 'merge', { metadata: { labels: { app: 'elsewhere' } } }, { requester: admin });
    await eventually(async () => ((await objects.get(podsRef(cluster), 'default', 'orphan')).metadata.ownerReferences?.length ?? 0) === 0, 10_000, 'the relabelled pod released');
    const after = await podCount(cluster, rs, 2);
    assert.ok(!after.some((p) => p.metadata.name === 'orphan'), 'the relabelled pod was replaced');
  });

  it('two reconciles of the same key at once do not create extra pods', async () => {
    const cluster = uniqueClusterName('rs');
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('twin', 5), { requester: admin });
    const key = { cluster, namespace: 'default', name: 'twin' };
    const results = await Promise.allSettled([1, 2, 3].map(() => replicaset.reconcile(directContext(objects, 'replicaset', key))));
    assert.ok(results.some((r) => r.status === 'fulfilled'));
    assert.equal(active(ownedBy(await listPods(objects, cluster), rs)).length, 5);
  });

  it('two controller managers running at once keep exactly spec.replicas pods', async () => {
    const cluster = uniqueClusterName('rs');
    const one = await started(cluster);
    await started(cluster, { prefix: one.prefix, consumer: `twin-${cluster}` });
    const rs = await objects.create(rsRef(cluster), 'default', replicaSet('pair', 20), { requester: admin });
    await podCount(cluster, rs, 20);
    await objects.patch(rsRef(cluster), 'default', 'pair', 'merge', { spec: { replicas: 7 } }, { requester: admin });
    await podCount(cluster, rs, 7);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(active(ownedBy(await listPods(objects, cluster), rs)).length, 7, 'no extra pods appear later');
  });
});

describe('replicationcontroller controller', () => {
  it('keeps spec.replicas pods matching an equality selector', async () => {
    const cluster = uniqueClusterName('rc');
    await started(cluster);
    const rc = await objects.create(objects.resource(cluster, '', 'v1', 'replicationcontrollers'), 'default', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    }, { requester: admin });
    const pods = await podCount(cluster, rc, 2);
    assert.equal(pods[0]?.metadata.ownerReferences?.[0]?.kind, 'ReplicationController');
    assert.equal(pods[0]?.metadata.ownerReferences?.[0]?.apiVersion, 'v1');
  });
});
