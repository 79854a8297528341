// Which pods an eviction lets go, as the API server decides: budgets count
// only running pods, an empty selector guards nothing, and an unready pod may
// go without spending a disruption while its budget is met.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';

const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

describe('eviction and disruption budgets', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  const call = async (method: string, path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${t.token}`, 'content-type': type }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  async function pod(name: string, app: string, status?: { phase: string; ready: boolean }): Promise<void> {
    assert.equal((await call('POST', `${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })).status, 201);
    if (status) {
      const patch = { status: { phase: status.phase, conditions: [{ type: 'Ready', status: status.ready ? 'True' : 'False' }] } };
      assert.equal((await call('PATCH', `${NS}/pods/${name}/status`, patch, 'application/merge-patch+json')).status, 200);
    }
  }

  /** A budget with the status the disruption controller would have written. */
  async function budget(name: string, spec: Record<string, unknown>, status: { currentHealthy: number; desiredHealthy: number; disruptionsAllowed: number }): Promise<void> {
    const created = await call('POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec });
    assert.equal(created.status, 201);
    const generation = (created.json.metadata as { generation: number }).generation;
    const patch = { status: { ...status, observedGeneration: generation, expectedPods: status.currentHealthy } };
    assert.equal((await call('PATCH', `${PDBS}/${name}/status`, patch, 'application/merge-patch+json')).status, 200);
  }

  const evict = (name: string): Promise<{ status: number; json: Record<string, unknown> }> =>
    call('POST', `${NS}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });

  it('a pending pod may go even when its budget allows no disruption', async () => {
    await pod('pending-1', 'pending');
    await budget('pending-guard', { minAvailable: 1, selector: { matchLabels: { app: 'pending' } } }, { currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
    assert.equal((await evict('pending-1')).status, 201);
  });

  it('a budget with an empty selector guards nothing', async () => {
    await pod('open-1', 'open', { phase: 'Running', ready: true });
    await budget('empty-selector', { minAvailable: 5, selector: {} }, { currentHealthy: 0, desiredHealthy: 5, disruptionsAllowed: 0 });
    assert.equal((await evict('open-1')).status, 201);
    assert.equal((await call('DELETE', `${PDBS}/empty-selector`)).status, 200);
  });

  it('a ready pod spends a disruption; the next is refused while none is left', async () => {
    await pod('ready-1', 'ready', { phase: 'Running', ready: true });
    await pod('ready-2', 'ready', { phase: 'Running', ready: true });
    await budget('ready-guard', { minAvailable: 1, selector: { matchLabels: { app: 'ready' } } }, { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    assert.equal((await evict('ready-1')).status, 201);
    const taken = (await call('GET', `${PDBS}/ready-guard`)).json.status as { disruptionsAllowed: number; disruptedPods: Record<string, string> };
    assert.equal(taken.disruptionsAllowed, 0);
    assert.ok('ready-1' in taken.disruptedPods);
    const refused = await evict('ready-2');
    assert.equal(refused.status, 429);
    assert.equal(refused.json.reason, 'TooManyRequests');
  });

  it('an unready pod may go without spending a disruption while the budget is met, and not when it is not', async () => {
    await pod('healthy-1', 'mixed', { phase: 'Running', ready: true });
    await pod('healthy-2', 'mixed', { phase: 'Running', ready: true });
    await pod('sick-1', 'mixed', { phase: 'Running', ready: false });
    await budget('mixed-guard', { minAvailable: 2, selector: { matchLabels: { app: 'mixed' } } }, { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    assert.equal((await evict('sick-1')).status, 201);
    assert.equal(((await call('GET', `${PDBS}/mixed-guard`)).json.status as { disruptionsAllowed: number }).disruptionsAllowed, 0, 'no disruption spent');
    await pod('sick-2', 'short', { phase: 'Running', ready: false });
    await budget('short-guard', { minAvailable: 2, selector: { matchLabels: { app: 'short' } } }, { currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 });
    assert.equal((await evict('sick-2')).status, 429);
  });

  it('with unhealthyPodEvictionPolicy AlwaysAllow an unready pod may go even when the budget is not met', async () => {
    await pod('always-1', 'always', { phase: 'Running', ready: false });
    await budget('always-guard', { minAvailable: 3, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { app: 'always' } } }, { currentHealthy: 0, desiredHealthy: 3, disruptionsAllowed: 0 });
    assert.equal((await evict('always-1')).status, 201);
  });
});
