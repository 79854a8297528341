import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import namespaceController from '../../src/controllers/namespace.js';
import { failures, updatedConditions, type ContentTotals } from '../../src/controllers/namespace-conditions.js';
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
    const waiting = await h.get('', 'v1', 'namespaces', '', 'slow');
    assert.ok(waiting, 'the namespace waits for it');
    // Its status says why, in upstream's words (what `kubectl describe namespace` lists).
    const conditions = (waiting.status as { phase?: string; conditions?: { type: string; status: string; reason: string; message: string }[] }).conditions ?? [];
    assert.equal((waiting.status as { phase?: string }).phase, 'Terminating');
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
        ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
        ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
        ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: pods. has 1 resource instances'],
        ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
      ],
    );
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

describe('namespace deletion conditions', () => {
  const now = '2026-11-23T17:00:00Z';
  const later = '2026-11-23T17:00:05Z';
  const totals = (resources: [string, number][], finalizers: [string, number][] = [], errors: string[] = []): ContentTotals => ({ remainingByResource: new Map(resources), remainingByFinalizer: new Map(finalizers), deleteErrors: errors });

  it('lists remaining resources and finalizers sorted, in upstream\'s wording', () => {
    const failing = failures(totals([['pods.', 2], ['deployments.apps', 1], ['configmaps.', 0]], [['example.com/keep', 3], ['a/b', 1]]), now);
    assert.deepEqual(failing.map((c) => c.message), [
      'Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances',
      'Some content in the namespace has finalizers remaining: a/b in 1 resource instances, example.com/keep in 3 resource instances',
    ]);
  });

  it('failed deletes become NamespaceDeletionContentFailure', () => {
    const [c] = failures(totals([], [], ['boom', 'alpha']), now);
    assert.equal(c?.type, 'NamespaceDeletionContentFailure');
    assert.equal(c?.message, 'Failed to delete all resource types, 2 remaining: alpha, boom');
  });

  it('an unchanged pass writes nothing; a status flip moves lastTransitionTime, a message change does not', () => {
    const first = updatedConditions([], failures(totals([['pods.', 2]]), now), now) ?? [];
    assert.equal(first.length, 5);
    assert.equal(updatedConditions(first, failures(totals([['pods.', 2]]), later), later), undefined);
    const fewer = updatedConditions(first, failures(totals([['pods.', 1]]), later), later) ?? [];
    assert.equal(fewer.find((c) => c.type === 'NamespaceContentRemaining')?.lastTransitionTime, now);
    const gone = updatedConditions(fewer, failures(totals([]), later), later) ?? [];
    const remaining = gone.find((c) => c.type === 'NamespaceContentRemaining');
    assert.deepEqual([remaining?.status, remaining?.reason, remaining?.lastTransitionTime], ['False', 'ContentRemoved', later]);
  });
});
