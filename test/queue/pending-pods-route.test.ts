// The scheduler's route on the dispatcher: only pods the scheduler should
// place are enqueued, by a change and by the resync, and the route's
// predicate and its SQL agree on every kind of pod.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { ControllerRegistry } from '../../src/queue/index.js';
import { pendingPodFilter, pendingPodsRoute } from '../../src/scheduler/worker/pending-pods-route.js';
import type { LoggedChange } from '../../src/store/changelog.js';
import { Store, type KubeObject } from '../../src/store/index.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';
import { inspectQueue, queueTestContext, testDispatcher, waitingKeys } from './helpers.js';

const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
after(async () => {
  await pool.end();
  await store.close();
});

function pod(name: string, spec: Record<string, unknown> = {}, extra: { status?: Record<string, unknown>; deletionTimestamp?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

const CASES: [string, KubeObject, boolean][] = [
  ['a new pod with no node is pending', pod('new'), true],
  ['a pod naming default-scheduler is pending', pod('named', { schedulerName: 'default-scheduler' }), true],
  ['a pod with an empty scheduling gates list is pending', pod('nogates', { schedulingGates: [] }), true],
  ['a bound pod is not', pod('bound', { nodeName: 'n1' }), false],
  ['a pod for another scheduler is not', pod('other', { schedulerName: 'my-scheduler' }), false],
  ['a gated pod is not', pod('gated', { schedulingGates: [{ name: 'example.com/wait' }] }), false],
  ['a pod being deleted is not', pod('deleting', {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }), false],
  ['a finished pod is not', pod('done', {}, { status: { phase: 'Failed' } }), false],
];

const change = (cluster: string, object: KubeObject): LoggedChange => ({ cluster, rv: 1, group: '', resource: 'pods', namespace: 'default', name: object.metadata.name ?? '', type: 'MODIFIED', object, prev: null });

describe('the scheduler route on the dispatcher', () => {
  for (const [name, object, pending] of CASES) {
    it(`${name}: the predicate and the SQL both say ${pending}`, async () => {
      const filter = pendingPodFilter('default-scheduler');
      assert.equal(filter.matches(object), pending);
      const { rows } = await pool.query<{ ok: boolean }>(`SELECT (${filter.sqlWhere}) AS ok FROM (SELECT $1::jsonb AS "object") t`, [JSON.stringify(object)]);
      assert.equal(rows[0]?.ok, pending);
    });
  }

  it('a change enqueues the pod for the scheduler only while it is pending; other routes are unaffected', () => {
    const registry = new ControllerRegistry();
    registry.register(pendingPodsRoute('default-scheduler'));
    registry.register({ name: 'replicaset', for: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet' }, owns: [{ group: '', resource: 'pods' }] });
    const cluster = uniqueClusterName('route');
    assert.deepEqual(registry.jobsFor(change(cluster, pod('web'))), [{ controller: 'default-scheduler', key: { cluster, namespace: 'default', name: 'web' } }]);
    assert.deepEqual(registry.jobsFor(change(cluster, pod('web', { nodeName: 'n1' }))), []);
  });

  it('the resync enqueues exactly the pending pods', async () => {
    const cluster = uniqueClusterName('route');
    const ctx = queueTestContext();
    const registry = new ControllerRegistry();
    registry.register(pendingPodsRoute('default-scheduler'));
    // (A create cannot carry a deletionTimestamp: that case is covered above.)
    for (const [, object] of CASES) if (!object.metadata.deletionTimestamp) await store.create({ cluster, group: '', resource: 'pods', namespace: 'default' }, object);
    const dispatcher = testDispatcher(ctx, cluster, { registry });
    const { queue, redis } = inspectQueue(ctx, 'default-scheduler');
    try {
      assert.equal(await dispatcher.resyncOnce(), 3);
      assert.deepEqual(await waitingKeys(queue), ['default/named', 'default/new', 'default/nogates']);
    } finally {
      await dispatcher.stop();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
