import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import disruption, { DELETION_TIMEOUT_MS, goSelectorText, podKeys } from '../../src/controllers/disruption.js';
import { evictPod } from '../../src/objects/eviction.js';
import type { ObjectChange } from '../../src/queue/registry.js';
import type { KubeObject } from '../../src/store/types.js';
import { makeReady } from './helpers.js';
import { ADMIN, Harness } from './reconcile-harness.js';

interface Status {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason: string; message: string; observedGeneration?: number }[];
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

describe('disruption controller', () => {
  let h: Harness;
  let n = 0;
  before(() => {
    h = new Harness([disruption]);
  });
  after(() => h.close());

  async function namespace(): Promise<string> {
    const ns = `d${++n}`;
    await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
    return ns;
  }

  async function pod(ns: string, name: string, opts: { ready?: boolean; owner?: KubeObject; labels?: Record<string, string>; finalizers?: string[] } = {}): Promise<KubeObject> {
    const ownerReferences = opts.owner
      ? [{ apiVersion: opts.owner.apiVersion ?? '', kind: opts.owner.kind ?? '', name: opts.owner.metadata.name ?? '', uid: opts.owner.metadata.uid ?? '', controller: true }]
      : undefined;
    const created = await h.create('', 'v1', 'pods', ns, {
      metadata: { name, labels: opts.labels ?? { app: 'web' }, ...(ownerReferences ? { ownerReferences } : {}), ...(opts.finalizers ? { finalizers: opts.finalizers } : {}) },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    return opts.ready === false ? created : makeReady(h.objects, h.cluster, created);
  }

  const replicaSet = (ns: string, name: string, replicas: number, owner?: KubeObject): Promise<KubeObject> =>
    h.create('apps', 'v1', 'replicasets', ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true }] } : {}),
      },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    }).then((rs) => ({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' }));

  const deployment = (ns: string, name: string, replicas: number): Promise<KubeObject> =>
    h.create('apps', 'v1', 'deployments', ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    }).then((d) => ({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }));

  const pdb = (ns: string, spec: Record<string, unknown>, name = 'budget'): Promise<KubeObject> =>
    h.create('policy', 'v1', 'poddisruptionbudgets', ns, { metadata: { name }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });

  async function status(ns: string, name = 'budget'): Promise<Status> {
    await h.reconcile('disruption', { namespace: ns, name });
    return ((await h.get('policy', 'v1', 'poddisruptionbudgets', ns, name))?.status ?? {}) as Status;
  }

  const counts = (s: Status) => ({ expectedPods: s.expectedPods, desiredHealthy: s.desiredHealthy, currentHealthy: s.currentHealthy, disruptionsAllowed: s.disruptionsAllowed });
  const condition = (s: Status) => s.conditions?.find((c) => c.type === 'DisruptionAllowed');

  it('integer minAvailable counts the selected pods: 3 Ready of minAvailable 2 allow 1 disruption (SufficientPods)', async () => {
    const ns = await namespace();
    for (const name of ['a', 'b', 'c']) await pod(ns, name);
    await pod(ns, 'other', { labels: { app: 'db' } });
    await pdb(ns, { minAvailable: 2 });
    const s = await status(ns);
    assert.deepEqual(counts(s), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    assert.equal(s.observedGeneration, 1);
    assert.deepEqual({ ...condition(s), lastTransitionTime: undefined }, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: undefined });
    assert.equal(s.disruptedPods, undefined);
  });

  it('pods that are not Ready or are terminating are not healthy: InsufficientPods, no disruption allowed', async () => {
    const ns = await namespace();
    await pod(ns, 'a');
    await pod(ns, 'b', { ready: false });
    const leaving = await pod(ns, 'c', { finalizers: ['example.com/hold'] });
    await h.objects.delete(h.ref('', 'v1', 'pods'), ns, leaving.metadata.name ?? '', { requester: ADMIN, gracePeriodSeconds: 0 });
    await pdb(ns, { minAvailable: 1 });
    const s = await status(ns);
    assert.deepEqual(counts(s), { expectedPods: 3, desiredHealthy: 1, currentHealthy: 1, disruptionsAllowed: 0 });
    assert.equal(condition(s)?.status, 'False');
    assert.equal(condition(s)?.reason, 'InsufficientPods');
  });

  it('percentage minAvailable is taken of the controllers\u2019 scale, rounded up (50% of a ReplicaSet of 5 = 3)', async () => {
    const ns = await namespace();
    const rs = await replicaSet(ns, 'web', 5);
    for (const name of ['a', 'b', 'c', 'd']) await pod(ns, name, { owner: rs });
    await pdb(ns, { minAvailable: '50%' });
    assert.deepEqual(counts(await status(ns)), { expectedPods: 5, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1 });
  });

  it('integer maxUnavailable uses the Deployment\u2019s scale through its ReplicaSet', async () => {
    const ns = await namespace();
    const d = await deployment(ns, 'web', 4);
    const rs = await replicaSet(ns, 'web-abc', 3, d);
    for (const name of ['a', 'b', 'c']) await pod(ns, name, { owner: rs });
    await pdb(ns, { maxUnavailable: 1 });
    assert.deepEqual(counts(await status(ns)), { expectedPods: 4, desiredHealthy: 3, currentHealthy: 3, disruptionsAllowed: 0 });
  });

  it('percentage maxUnavailable rounds the unavailable count up (34% of 3 = 2) and sums every controller', async () => {
    const ns = await namespace();
    const one = await replicaSet(ns, 'one', 2);
    const two = await replicaSet(ns, 'two', 1);
    await pod(ns, 'a', { owner: one });
    await pod(ns, 'b', { owner: one });
    await pod(ns, 'c', { owner: two });
    await pdb(ns, { maxUnavailable: '34%' });
    assert.deepEqual(counts(await status(ns)), { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
  });

  it('a pod whose controller cannot be found fails safe: SyncFailed, 0 allowed, CalculateExpectedPodCountFailed event', async () => {
    const ns = await namespace();
    const ghost: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'gone', uid: '00000000-0000-0000-0000-000000000001' } };
    await pod(ns, 'a', { owner: ghost });
    await pod(ns, 'b', { owner: ghost });
    await pdb(ns, { maxUnavailable: 1 });
    const s = await status(ns);
    assert.equal(s.disruptionsAllowed, 0);
    assert.deepEqual({ ...condition(s), lastTransitionTime: undefined }, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "a"', observedGeneration: 0, lastTransitionTime: undefined });
    const rv = (await h.get('policy', 'v1', 'poddisruptionbudgets', ns, 'budget'))?.metadata.resourceVersion;
    await h.reconcile('disruption', { namespace: ns, name: 'budget' });
    assert.equal((await h.get('policy', 'v1', 'poddisruptionbudgets', ns, 'budget'))?.metadata.resourceVersion, rv, 'the same failure is not written again');
    const event = h.events.find((e) => e.reason === 'CalculateExpectedPodCountFailed' && e.object.metadata.namespace === ns);
    assert.equal(event?.type, 'Warning');
    assert.equal(event?.message, 'Failed to calculate the number of expected pods: found no controllers for pod "a"');
  });

  it('other controllers are read through their scale subresource; a Job has none (SyncFailed with upstream\u2019s message)', async () => {
    const ns = await namespace();
    const d = await deployment(ns, 'web', 3);
    await pod(ns, 'a', { owner: d });
    await pod(ns, 'b', { owner: d });
    await pdb(ns, { maxUnavailable: 1 });
    assert.deepEqual(counts(await status(ns)), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', uid: '00000000-0000-0000-0000-000000000002' } };
    await pod(ns, 'j', { owner: job, labels: { app: 'job' } });
    await pdb(ns, { maxUnavailable: 1, selector: { matchLabels: { app: 'job' } } }, 'jobs');
    const s = await status(ns, 'jobs');
    assert.equal(condition(s)?.reason, 'SyncFailed');
    assert.equal(condition(s)?.message, 'jobs.batch does not implement the scale subresource');
  });

  it('unmanaged pods are left out of a scaled budget with an UnmanagedPods warning; no pods records NoPods', async () => {
    const ns = await namespace();
    const rs = await replicaSet(ns, 'web', 2);
    await pod(ns, 'a', { owner: rs });
    await pod(ns, 'b', { owner: rs });
    await pod(ns, 'bare');
    await pdb(ns, { maxUnavailable: 1 });
    await pdb(ns, { minAvailable: 1, selector: { matchLabels: { app: 'nothing' } } }, 'empty');
    assert.deepEqual(counts(await status(ns)), { expectedPods: 2, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
    const unmanaged = h.events.find((e) => e.reason === 'UnmanagedPods' && e.object.metadata.namespace === ns);
    assert.equal(unmanaged?.type, 'Warning');
    assert.equal(
      unmanaged?.message,
      'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
    );
    const empty = await status(ns, 'empty');
    // expectedPods 0 keeps a budget that matches nothing safe.
    assert.deepEqual(counts(empty), { expectedPods: 0, desiredHealthy: 1, currentHealthy: 0, disruptionsAllowed: 0 });
    const noPods = h.events.find((e) => e.reason === 'NoPods' && e.object.metadata.name === 'empty' && e.object.metadata.namespace === ns);
    assert.deepEqual(noPods && { type: noPods.type, message: noPods.message }, { type: 'Normal', message: 'No matching pods found' });
  });

  it('disruptedPods: a fresh entry is kept and not counted healthy, an expired one is dropped (NotDeleted), a terminating pod\u2019s is dropped; requeue when the oldest expires', async () => {
    const ns = await namespace();
    for (const name of ['a', 'b', 'c', 'd']) await pod(ns, name);
    const e = await pod(ns, 'e', { finalizers: ['example.com/hold'] });
    await pdb(ns, { minAvailable: 2 });
    await status(ns);
    const ref = h.ref('policy', 'v1', 'poddisruptionbudgets');
    const current = await h.objects.get(ref, ns, 'budget');
    const taken = Date.now() - 30_000;
    const disruptedPods = { a: rfc3339(taken), b: rfc3339(Date.now() - DELETION_TIMEOUT_MS - 60_000), e: rfc3339(Date.now()), gone: rfc3339(Date.now()) };
    await h.objects.update(ref, ns, 'budget', { ...current, status: { ...(current.status as object), disruptedPods } }, { subresource: 'status', requester: ADMIN });
    await h.objects.delete(h.ref('', 'v1', 'pods'), ns, e.metadata.name ?? '', { requester: ADMIN, gracePeriodSeconds: 0 });
    const result = await h.reconcile('disruption', { namespace: ns, name: 'budget' });
    const s = ((await h.get('policy', 'v1', 'poddisruptionbudgets', ns, 'budget'))?.status ?? {}) as Status;
    assert.deepEqual(s.disruptedPods, { a: rfc3339(taken) });
    // a is pending, e is terminating: b, c, d are healthy.
    assert.deepEqual(counts(s), { expectedPods: 5, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    assert.equal(result.kind, 'requeueAfter');
    const ms = result.kind === 'requeueAfter' ? result.ms : 0;
    assert.ok(ms > DELETION_TIMEOUT_MS - 40_000 && ms <= DELETION_TIMEOUT_MS - 28_000, `requeue after ${ms} ms`);
    const notDeleted = h.events.find((ev) => ev.reason === 'NotDeleted' && ev.object.metadata.namespace === ns);
    assert.equal(notDeleted?.object.metadata.name, 'b');
    assert.equal(notDeleted?.message, `Pod was expected by PDB ${ns}/budget to be deleted but it wasn't`);
  });

  it('a spec change is observed: observedGeneration follows the generation', async () => {
    const ns = await namespace();
    for (const name of ['a', 'b', 'c']) await pod(ns, name);
    await pdb(ns, { minAvailable: 2 });
    assert.equal((await status(ns)).disruptionsAllowed, 1);
    const ref = h.ref('policy', 'v1', 'poddisruptionbudgets');
    const current = await h.objects.get(ref, ns, 'budget');
    await h.objects.update(ref, ns, 'budget', { ...current, spec: { ...(current.spec as object), minAvailable: 3 } }, { requester: ADMIN });
    const s = await status(ns);
    assert.equal(s.observedGeneration, 2);
    assert.equal(s.disruptionsAllowed, 0);
    assert.equal(condition(s)?.reason, 'InsufficientPods');
    assert.equal(condition(s)?.observedGeneration, 2);
  });

  it('through the routes: a pod becoming Ready updates the budget of its namespace', async () => {
    const ns = await namespace();
    await pdb(ns, { minAvailable: 1 });
    const a = await pod(ns, 'a', { ready: false });
    await h.settle();
    assert.equal(((await h.get('policy', 'v1', 'poddisruptionbudgets', ns, 'budget'))?.status as Status).disruptionsAllowed, 0);
    await makeReady(h.objects, h.cluster, a);
    await pod(ns, 'b');
    await h.settle();
    assert.deepEqual(counts((await h.get('policy', 'v1', 'poddisruptionbudgets', ns, 'budget'))?.status as Status), { expectedPods: 2, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1 });
  });

  it('evictions take disruptions the controller computed, and are refused while a spec change is not yet observed', async () => {
    const ns = await namespace();
    for (const name of ['a', 'b', 'c', 'd']) await pod(ns, name);
    await pdb(ns, { minAvailable: 2 });
    assert.equal((await status(ns)).disruptionsAllowed, 2);
    const pods = h.ref('', 'v1', 'pods');
    const refused = (cause: string) => (err: unknown) => {
      assert.ok(err instanceof ApiError, String(err));
      assert.deepEqual([err.code, err.reason, err.message, err.details?.causes?.[0]?.message, err.details?.retryAfterSeconds], [429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", cause, undefined]);
      return true;
    };
    await evictPod(h.objects, pods, ns, 'a', { requester: ADMIN });
    // The eviction's own entry keeps the count down until the pod is seen gone.
    assert.deepEqual(counts(await status(ns)), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    const ref = h.ref('policy', 'v1', 'poddisruptionbudgets');
    const current = await h.objects.get(ref, ns, 'budget');
    await h.objects.update(ref, ns, 'budget', { ...current, spec: { ...(current.spec as object), minAvailable: 1 } }, { requester: ADMIN });
    await assert.rejects(evictPod(h.objects, pods, ns, 'b', { requester: ADMIN }), refused('The disruption budget budget is still being processed by the server.'));
    assert.equal((await status(ns)).disruptionsAllowed, 2);
    await evictPod(h.objects, pods, ns, 'b', { requester: ADMIN });
    await evictPod(h.objects, pods, ns, 'c', { requester: ADMIN });
    await assert.rejects(evictPod(h.objects, pods, ns, 'd', { requester: ADMIN }), refused('The disruption budget budget needs 1 healthy pods and has 3 currently'));
    assert.deepEqual(counts(await status(ns)), { expectedPods: 1, desiredHealthy: 1, currentHealthy: 1, disruptionsAllowed: 0 });
  });

  it('selectors print as Go prints a LabelSelector', () => {
    assert.equal(
      goSelectorText({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[web api],},},}',
    );
  });

  it('pod changes that cannot move a budget (e.g. a new status message) map to no key', () => {
    const base: KubeObject = { metadata: { name: 'p', namespace: 'ns', labels: { app: 'web' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const change = (prev: KubeObject, object: KubeObject): ObjectChange => ({ cluster: 'c', rv: 2, group: '', resource: 'pods', namespace: 'ns', name: 'p', type: 'MODIFIED', prev, object });
    assert.deepEqual(podKeys(change(base, { ...base, status: { ...(base.status as object), message: 'hi' } })), []);
    assert.deepEqual(podKeys(change(base, { ...base, metadata: { ...base.metadata, labels: { app: 'db' } } })), [{ cluster: 'c', namespace: 'ns', name: '' }]);
    assert.deepEqual(podKeys(change(base, { ...base, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })), [{ cluster: 'c', namespace: 'ns', name: '' }]);
  });
});
