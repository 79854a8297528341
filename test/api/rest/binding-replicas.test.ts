// pods/binding posted to two API replicas at once (say an external scheduler
// talking to both) still admits only what fits on the node: each replica
// serializes binds per node with the PostgreSQL lock the scheduler uses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../../src/api/start.js';
import { ADMIN_GROUPS, issueToken } from '../../../src/auth/tokens.js';
import { silentLogger } from '../../../src/log.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from '../../helpers/env.js';
import { nodeObject, podObject } from '../../scheduler/worker/helpers.js';

describe('pods/binding across API replicas', () => {
  const replicas: RunningApi[] = [];
  let token = '';
  const cluster = uniqueClusterName('bindrep');
  before(async () => {
    for (let i = 0; i < 2; i++) replicas.push(await startApi({ host: '127.0.0.1', port: 0, databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), log: silentLogger() }));
    token = await issueToken(replicas[0]!.prisma, { cluster, kind: 'admin', username: 'test-admin', groups: ADMIN_GROUPS });
  });
  after(async () => {
    for (const api of replicas) await api.stop();
  });

  const url = (i: number, path: string): string => `http://127.0.0.1:${replicas[i % replicas.length]!.port}/clusters/${cluster}${path}`;
  async function post(i: number, path: string, body: unknown): Promise<{ status: number; json: { reason?: string; message?: string } }> {
    const res = await fetch(url(i, path), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { reason?: string; message?: string } };
  }

  it('concurrent bindings of 1-CPU pods to a 3-CPU node through two replicas bind exactly three, round after round', async () => {
    for (let round = 0; round < 4; round++) {
      const node = `n${round}`;
      assert.equal((await post(0, '/api/v1/nodes', nodeObject(node, { cpu: '3' }))).status, 201);
      const pods = Array.from({ length: 16 }, (_, i) => `r${round}-p${i}`);
      await Promise.all(pods.map(async (name, i) => assert.equal((await post(i, '/api/v1/namespaces/default/pods', podObject(name, { cpu: '1' }))).status, 201)));
      const results = await Promise.all(
        pods.map((name, i) => post(i, `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } })),
      );
      assert.equal(results.filter((r) => r.status === 201).length, 3, `round ${round}: ${JSON.stringify(results)}`);
      for (const refused of results.filter((r) => r.status !== 201)) {
        assert.equal(refused.status, 409);
        assert.match(refused.json.message ?? '', new RegExp(`node "${node}" cannot fit the pod: Insufficient cpu$`));
      }
      const list = (await (await fetch(url(1, `/api/v1/pods?fieldSelector=spec.nodeName=${node}`), { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
      assert.equal(list.items.length, 3);
    }
  });
});
