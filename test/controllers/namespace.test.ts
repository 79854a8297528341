import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import namespaceController from '../../src/controllers/namespace.js';
import serviceAccountController from '../../src/controllers/serviceaccount.js';
import { ApiError } from '../../src/api/errors.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] } });
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra } });

describe('namespace controller', () => {
  let h: Harness;
  before(() => {
    h = new Harness([namespaceController, serviceAccountController]);
  });
  after(() => h.close());

  it('every cluster has default, kube-system, kube-public and kube-node-lease', async () => {
    const names = (await h.list('', 'v1', 'namespaces', '')).map((n) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('deleting a namespace makes it Terminating, empties it, then removes it', async () => {
    await h.create('', 'v1', 'namespaces', '', ns('doomed'));
    await h.create('', 'v1', 'pods', 'doomed', pod('p1'));
    await h.create('', 'v1', 'configmaps', 'doomed', { metadata: { name: 'cm' }, data: { a: 'b' } });
    await h.create('', 'v1', 'services', 'doomed', { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } });
    const result = await h.objects.delete(h.ref('', 'v1', 'namespaces'), '', 'doomed', { requester: ADMIN });
    assert.equal(result.deleted, false);
    const terminating = await h.get('', 'v1', 'namespaces', '', 'doomed');
    assert.equal((terminating?.status as { phase?: string }).phase, 'Terminating');
    assert.ok(terminating?.metadata.deletionTimestamp);

    await assert.rejects(
      h.create('', 'v1', 'configmaps', 'doomed', { metadata: { name: 'late' } }),
      (err: unknown) => err instanceof ApiError && err.code === 403 && err.message === 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );

    await h.settle();
    assert.deepEqual(await h.list('', 'v1', 'pods', 'doomed'), []);
    assert.deepEqual(await h.list('', 'v1', 'configmaps', 'doomed'), []);
    assert.deepEqual(await h.list('', 'v1', 'services', 'doomed'), []);
    assert.deepEqual(await h.list('', 'v1', 'serviceaccounts', 'doomed'), []);
    assert.equal(await h.get('', 'v1', 'namespaces', '', 'doomed'), null);
  });

  it('a namespace waits for a pod that stops gracefully, then goes', async () => {
    await h.create('', 'v1', 'namespaces', '', ns('slow'));
    await h.create('', 'v1', 'pods', 'slow', pod('bound', { nodeName: 'n1', terminationGracePeriodSeconds: 30 }));
    await h.objects.delete(h.ref('', 'v1', 'namespaces'), '', 'slow', { requester: ADMIN });
    const first = await h.reconcile('namespace', { namespace: '', name: 'slow' });
    assert.equal(first.kind, 'requeueAfter');
    const stopping = await h.get('', 'v1', 'pods', 'slow', 'bound');
    assert.ok(stopping?.metadata.deletionTimestamp, 'the bound pod is terminating, not gone');
    assert.ok(await h.get('', 'v1', 'namespaces', '', 'slow'), 'the namespace waits for it');
    assert.ok(h.events.some((e) => e.reason === 'NamespaceContentRemaining'));
    // The node agent confirms the pod stopped.
    await h.objects.delete(h.ref('', 'v1', 'pods'), 'slow', 'bound', { requester: ADMIN, gracePeriodSeconds: 0 });
    await h.settle();
    assert.equal(await h.get('', 'v1', 'namespaces', '', 'slow'), null);
  });

  it('a namespace that is not being deleted is left alone', async () => {
    await h.create('', 'v1', 'namespaces', '', ns('keep'));
    await h.create('', 'v1', 'configmaps', 'keep', { metadata: { name: 'cm' } });
    assert.deepEqual(await h.reconcile('namespace', { namespace: '', name: 'keep' }), { kind: 'done' });
    assert.ok(await h.get('', 'v1', 'configmaps', 'keep', 'cm'));
    assert.deepEqual(await h.reconcile('namespace', { namespace: '', name: 'missing' }), { kind: 'done' });
  });
});
