import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import serviceAccountController from '../../src/controllers/serviceaccount.js';
import { ADMIN, Harness } from './reconcile-harness.js';

describe('serviceaccount controller', () => {
  let h: Harness;
  before(() => {
    h = new Harness([serviceAccountController]);
  });
  after(() => h.close());

  it('every namespace, system ones included, gets a default service account', async () => {
    await h.create('', 'v1', 'namespaces', '', { metadata: { name: 'team-a' } });
    await h.settle();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'team-a']) {
      const sa = await h.get('', 'v1', 'serviceaccounts', ns, 'default');
      assert.ok(sa, `default service account in ${ns}`);
      assert.equal(sa.kind, 'ServiceAccount');
    }
  });

  it('a deleted default service account comes back with a new uid', async () => {
    const before = await h.get('', 'v1', 'serviceaccounts', 'default', 'default');
    assert.ok(before);
    await h.objects.delete(h.ref('', 'v1', 'serviceaccounts'), 'default', 'default', { requester: ADMIN });
    await h.settle();
    const again = await h.get('', 'v1', 'serviceaccounts', 'default', 'default');
    assert.ok(again);
    assert.notEqual(again.metadata.uid, before.metadata.uid);
  });

  it('reconciling twice creates nothing more, and a terminating namespace gets none', async () => {
    const created = h.reconciles.length;
    assert.deepEqual(await h.reconcile('serviceaccount', { namespace: '', name: 'team-a' }), { kind: 'done' });
    assert.equal((await h.list('', 'v1', 'serviceaccounts', 'team-a')).length, 1);
    assert.ok(h.reconciles.length > created);
    await h.create('', 'v1', 'namespaces', '', { metadata: { name: 'going' }, spec: { finalizers: ['kubernetes'] } });
    await h.objects.delete(h.ref('', 'v1', 'namespaces'), '', 'going', { requester: ADMIN });
    await h.reconcile('serviceaccount', { namespace: '', name: 'going' });
    assert.deepEqual(await h.list('', 'v1', 'serviceaccounts', 'going'), []);
  });
});
