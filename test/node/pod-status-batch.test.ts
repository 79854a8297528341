import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { issueToken } from '../../src/auth/tokens.js';
import { ApiClient, ApiStatusError } from '../../src/node/api-client.js';
import type { KubeObject } from '../../src/store/types.js';
import { agentFixture, boundPod, conditionsOf, eventually, phaseOf, type AgentFixture } from './helpers.js';

let fx: AgentFixture;
before(async () => {
  fx = await agentFixture();
});
after(async () => fx.stop());

interface BatchResult {
  kind: string;
  results: { namespace: string; name: string; resourceVersion?: string; error?: { code: number; reason: string; message: string } }[];
}

const podsPath = '/api/v1/namespaces/default/pods';
const podPath = (name: string): string => `${podsPath}/${name}`;
const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }] };

async function clientAs(username: string, groups: string[], kind: 'node' | 'bootstrap' | 'serviceaccount'): Promise<ApiClient> {
  const token = await issueToken(fx.api.api.prisma, { cluster: fx.api.cluster, kind, username, groups });
  return new ApiClient({ url: fx.api.url, token });
}

test('one request writes many pods\' status; a missing pod or a replaced uid fails only its own item', async () => {
  const a = await fx.admin.post(podsPath, boundPod('batch-a', 'far-0'));
  await fx.admin.post(podsPath, boundPod('batch-b', 'far-0'));
  // A cluster admin may write any bound pod's status (node agents only their own: test/node/credentials.test.ts).
  const nodeClient = new ApiClient({ url: fx.api.url, token: fx.api.token });
  try {
    const answer = await nodeClient.post<BatchResult>('/kubeql/v1/podstatuses', {
      apiVersion: 'kubeql.io/v1',
      kind: 'PodStatusBatch',
      items: [
        { namespace: 'default', name: 'batch-a', uid: a.metadata.uid, status: { ...running, podIP: '10.244.9.9' } },
        { namespace: 'default', name: 'no-such-pod', status: running },
        { namespace: 'default', name: 'batch-b', uid: '00000000-0000-0000-0000-000000000000', status: running },
      ],
    });
    assert.equal(answer.kind, 'PodStatusBatchResult');
    assert.deepEqual(answer.results.map((r) => [r.name, r.error?.reason ?? 'ok']), [['batch-a', 'ok'], ['no-such-pod', 'NotFound'], ['batch-b', 'Conflict']]);
    assert.equal(answer.results[1]?.error?.message, 'pods "no-such-pod" not found');
    assert.match(answer.results[2]?.error?.message ?? '', /^Precondition failed: UID in precondition: 0{8}-/);
    const written = await fx.admin.get(podPath('batch-a'));
    assert.equal(phaseOf(written), 'Running');
    assert.equal((written.status as { podIP: string }).podIP, '10.244.9.9');
    assert.equal(written.metadata.resourceVersion, answer.results[0]?.resourceVersion);
    // The spec is not the status writer's to change.
    assert.equal((written.spec as { nodeName: string }).nodeName, 'far-0');
    assert.equal(phaseOf(await fx.admin.get(podPath('batch-b'))), 'Pending', 'the conflicting item wrote nothing');
  } finally {
    nodeClient.close();
  }
});

test('a node credential writes only pods bound to its own node (Forbidden per item otherwise)', async () => {
  await fx.admin.post(podsPath, boundPod('mine', 'auth-0'));
  await fx.admin.post(podsPath, boundPod('theirs', 'auth-1'));
  const node = await clientAs('system:node:auth-0', ['system:nodes', 'system:authenticated'], 'node');
  try {
    const answer = await node.post<BatchResult>('/kubeql/v1/podstatuses', {
      items: [
        { namespace: 'default', name: 'mine', status: running },
        { namespace: 'default', name: 'theirs', status: running },
      ],
    });
    assert.equal(answer.results[0]?.error, undefined);
    assert.equal(answer.results[1]?.error?.code, 403);
    assert.equal(
      answer.results[1]?.error?.message,
      'pods "theirs" is forbidden: User "system:node:auth-0" cannot patch resource "pods/status" in API group "" in the namespace "default": no relationship found between node \'auth-0\' and this object',
    );
    assert.equal(phaseOf(await fx.admin.get(podPath('mine'))), 'Running');
    assert.equal(phaseOf(await fx.admin.get(podPath('theirs'))), 'Pending');
  } finally {
    node.close();
  }
});

test('a node agent may not write an unbound pod, a bootstrap token nothing, nor a service account any pod', async () => {
  await fx.admin.post(podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } });
  const agent = await clientAs('system:node-agent:y', ['system:nodes', 'system:authenticated'], 'node');
  const bootstrap = await clientAs('system:bootstrap:y', ['system:bootstrappers', 'system:authenticated'], 'bootstrap');
  const sa = await clientAs('system:serviceaccount:default:default', ['system:serviceaccounts', 'system:authenticated'], 'serviceaccount');
  try {
    const refused = await agent.post<BatchResult>('/kubeql/v1/podstatuses', { items: [{ namespace: 'default', name: 'unbound', status: running }] });
    assert.match(refused.results[0]?.error?.message ?? '', /cannot patch resource "pods\/status".*: the pod is not bound to a node$/);
    await assert.rejects(bootstrap.post('/kubeql/v1/podstatuses', { items: [{ namespace: 'default', name: 'unbound', status: running }] }), (err: unknown) => err instanceof ApiStatusError && err.code === 403);
    await fx.admin.post(podsPath, boundPod('sa-target', 'sa-0'));
    const bySa = await sa.post<BatchResult>('/kubeql/v1/podstatuses', { items: [{ namespace: 'default', name: 'sa-target', status: running }] });
    assert.equal(bySa.results[0]?.error?.reason, 'Forbidden');
    assert.equal(phaseOf(await fx.admin.get(podPath('sa-target'))), 'Pending');
  } finally {
    agent.close();
    bootstrap.close();
    sa.close();
  }
});

test('a malformed batch is refused as a whole with 400', async () => {
  for (const body of [{}, { items: [{ name: 'x', status: {} }] }, { items: [{ namespace: 'default', name: 'x' }] }]) {
    await assert.rejects(fx.admin.post('/kubeql/v1/podstatuses', body), (err: unknown) => err instanceof ApiStatusError && err.code === 400, JSON.stringify(body));
  }
});

test('when many pods change at once the agent writes their latest status in a few batch requests, not one per transition', async () => {
  const agent = await fx.startAgent({ nodes: 2, namePrefix: 'burst', statusConcurrency: 1, timings: { pullMs: 0, startMs: 20 } });
  const names = Array.from({ length: 40 }, (_, i) => `burst-pod-${i}`);
  await Promise.all(names.map((name, i) => fx.admin.post(podsPath, boundPod(name, `burst-${i % 2}`))));
  const pods = await eventually('every burst pod Running and Ready', async () => {
    const list = (await fx.admin.list('/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.name?.startsWith('burst-pod-'));
    return list.length === names.length && list.every((p: KubeObject) => phaseOf(p) === 'Running' && conditionsOf(p).Ready === 'True') ? list : undefined;
  });
  assert.equal(pods.length, 40);
  // Each pod goes through at least two states (ContainerCreating, Running): 80+ single writes before batching.
  assert.ok(agent.agent.statusRequests < 40, `${agent.agent.statusRequests} status requests for 40 pods`);
  assert.ok(agent.agent.statusWrites >= 40 && agent.agent.statusWrites <= 80, `${agent.agent.statusWrites} status writes`);
});
