import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import garbageCollector, { garbageCollectorKeys, ownerKeyName, parseOwnerKeyName } from '../../src/controllers/garbage-collector.js';
import type { KubeObject, OwnerReference } from '../../src/store/types.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const ownerRef = (owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: owner.apiVersion ?? '',
  kind: owner.kind ?? '',
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  ...extra,
});

const deployment = (name: string) => ({
  metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const replicaSet = (name: string, owner: KubeObject, extra: Partial<OwnerReference> = {}) => ({
  metadata: { name, ownerReferences: [ownerRef(owner, extra)] },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const pod = (name: string, owners: OwnerReference[]) => ({ metadata: { name, ownerReferences: owners }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('garbage collector', () => {
  let h: Harness;
  before(() => {
    h = new Harness([garbageCollector]);
  });
  after(() => h.close());

  it('owner keys round-trip, for core and named groups', () => {
    for (const owner of [
      { group: '', kind: 'Pod', name: 'web-1', uid: '6d1f1c3e-0000-4000-8000-000000000001' },
      { group: 'apps', kind: 'ReplicaSet', name: 'web-abc', uid: '6d1f1c3e-0000-4000-8000-000000000002' },
    ]) {
      assert.deepEqual(parseOwnerKeyName(ownerKeyName(owner)), owner);
    }
    assert.equal(parseOwnerKeyName('not-a-key'), undefined);
  });

  it('a status-only change of a dependent maps to no key, a new dependent to its owner', () => {
    const refs = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '6d1f1c3e-0000-4000-8000-000000000003' }];
    const object: KubeObject = { metadata: { name: 'p', uid: '6d1f1c3e-0000-4000-8000-000000000004', ownerReferences: refs } };
    const base = { cluster: 'c', rv: 2, group: '', resource: 'pods', namespace: 'default', name: 'p' };
    assert.deepEqual(garbageCollectorKeys({ ...base, type: 'MODIFIED', object, prev: object }), []);
    assert.deepEqual(garbageCollectorKeys({ ...base, type: 'ADDED', object, prev: null }), [{ cluster: 'c', namespace: 'default', name: 'apps/ReplicaSet/rs/6d1f1c3e-0000-4000-8000-000000000003' }]);
  });

  it('background deletion of a Deployment removes its ReplicaSets, then their pods', async () => {
    const d = await h.create('apps', 'v1', 'deployments', 'default', deployment('web'));
    const rs = await h.create('apps', 'v1', 'replicasets', 'default', replicaSet('web-1', d));
    await h.create('', 'v1', 'pods', 'default', pod('web-1-a', [ownerRef(rs)]));
    await h.create('', 'v1', 'pods', 'default', pod('web-1-b', [ownerRef(rs)]));
    await h.create('', 'v1', 'pods', 'default', pod('bystander', []));
    await h.settle();
    assert.equal((await h.list('', 'v1', 'pods', 'default')).length, 3, 'nothing is collected while owners live');
    await h.objects.delete(h.ref('apps', 'v1', 'deployments'), 'default', 'web', { requester: ADMIN, propagationPolicy: 'Background' });
    await h.settle();
    assert.equal(await h.get('apps', 'v1', 'replicasets', 'default', 'web-1'), null);
    assert.deepEqual((await h.list('', 'v1', 'pods', 'default')).map((p) => p.metadata.name), ['bystander']);
  });

  it('orphan deletion keeps the dependents and strips their references', async () => {
    const d = await h.create('apps', 'v1', 'deployments', 'default', deployment('orph'));
    await h.create('apps', 'v1', 'replicasets', 'default', replicaSet('orph-1', d));
    await h.settle();
    const result = await h.objects.delete(h.ref('apps', 'v1', 'deployments'), 'default', 'orph', { requester: ADMIN, propagationPolicy: 'Orphan' });
    assert.equal(result.deleted, false, 'the orphan finalizer holds the owner');
    assert.deepEqual(result.object.metadata.finalizers, ['orphan']);
    await h.settle();
    assert.equal(await h.get('apps', 'v1', 'deployments', 'default', 'orph'), null);
    const rs = await h.get('apps', 'v1', 'replicasets', 'default', 'orph-1');
    assert.ok(rs, 'the ReplicaSet survives');
    assert.equal(rs.metadata.ownerReferences, undefined);
  });

  it('foreground deletion deletes blocking dependents first and the owner last', async () => {
    const d = await h.create('apps', 'v1', 'deployments', 'default', deployment('fg'));
    const rs = await h.create('apps', 'v1', 'replicasets', 'default', replicaSet('fg-1', d, { blockOwnerDeletion: true }));
    // A pod on a node stops gracefully: the ReplicaSet (and so the Deployment) waits for it.
    await h.create('', 'v1', 'pods', 'default', { ...pod('fg-1-a', [ownerRef(rs, { blockOwnerDeletion: true })]), spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
    await h.settle();
    await h.objects.delete(h.ref('apps', 'v1', 'deployments'), 'default', 'fg', { requester: ADMIN, propagationPolicy: 'Foreground' });
    await h.settle();
    const owner = await h.get('apps', 'v1', 'deployments', 'default', 'fg');
    assert.ok(owner?.metadata.deletionTimestamp, 'the Deployment waits, terminating');
    const waitingRs = await h.get('apps', 'v1', 'replicasets', 'default', 'fg-1');
    assert.deepEqual(waitingRs?.metadata.finalizers, ['foregroundDeletion']);
    const stopping = await h.get('', 'v1', 'pods', 'default', 'fg-1-a');
    assert.ok(stopping?.metadata.deletionTimestamp, 'the pod is stopping');
    // The node agent confirms the pod stopped.
    await h.objects.delete(h.ref('', 'v1', 'pods'), 'default', 'fg-1-a', { requester: ADMIN, gracePeriodSeconds: 0 });
    await h.settle();
    assert.equal(await h.get('', 'v1', 'pods', 'default', 'fg-1-a'), null);
    assert.equal(await h.get('apps', 'v1', 'replicasets', 'default', 'fg-1'), null);
    assert.equal(await h.get('apps', 'v1', 'deployments', 'default', 'fg'), null);
  });

  it('a dependent created after its owner is gone is deleted; one with another live owner only loses the dangling reference', async () => {
    const gone = await h.create('', 'v1', 'configmaps', 'default', { metadata: { name: 'gone' } });
    const live = await h.create('', 'v1', 'configmaps', 'default', { metadata: { name: 'live' } });
    await h.objects.delete(h.ref('', 'v1', 'configmaps'), 'default', 'gone', { requester: ADMIN });
    await h.settle();
    await h.create('', 'v1', 'secrets', 'default', { metadata: { name: 'lonely', ownerReferences: [ownerRef(gone, { controller: false })] } });
    await h.create('', 'v1', 'secrets', 'default', { metadata: { name: 'shared', ownerReferences: [ownerRef(gone, { controller: false }), ownerRef(live, { controller: false })] } });
    await h.settle();
    assert.equal(await h.get('', 'v1', 'secrets', 'default', 'lonely'), null);
    const shared = await h.get('', 'v1', 'secrets', 'default', 'shared');
    assert.deepEqual(shared?.metadata.ownerReferences?.map((r) => r.name), ['live']);
  });

  it('an owner recreated under the same name does not keep the old one\'s dependents', async () => {
    const first = await h.create('', 'v1', 'configmaps', 'default', { metadata: { name: 'again' } });
    await h.create('', 'v1', 'secrets', 'default', { metadata: { name: 'old-child', ownerReferences: [ownerRef(first, { controller: false })] } });
    await h.settle();
    await h.objects.delete(h.ref('', 'v1', 'configmaps'), 'default', 'again', { requester: ADMIN });
    await h.create('', 'v1', 'configmaps', 'default', { metadata: { name: 'again' } });
    await h.settle();
    assert.equal(await h.get('', 'v1', 'secrets', 'default', 'old-child'), null);
  });
});
