import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hashToken, issueToken } from '../../src/auth/tokens.js';
import { agentCredentialPath } from '../../src/auth/node-agent-login.js';
import { NODE_AGENT_LABEL } from '../../src/auth/node-agents.js';
import { ApiClient, ApiStatusError } from '../../src/node/api-client.js';
import type { NodeAgentCredential } from '../../src/api/authz/join.js';
import { isolatedEnv, RunningKubeql, runKubeql } from '../helpers/cli.js';
import { agentFixture, boundPod, eventually, phaseOf, type AgentFixture } from './helpers.js';

let fx: AgentFixture;
let dataDir: string;
before(async () => {
  fx = await agentFixture();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-nodecred-'));
});
after(async () => {
  await fx.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const JOIN = '/kubeql/v1/nodeagents';
const podsPath = '/api/v1/namespaces/default/pods';

function clientWith(token: string): ApiClient {
  return new ApiClient({ url: fx.api.url, token });
}

async function refusal(work: Promise<unknown>): Promise<ApiStatusError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  assert.fail('the request was not refused');
}

async function join(token: string, agentId: string): Promise<NodeAgentCredential> {
  const client = clientWith(token);
  try {
    return await client.post<NodeAgentCredential>(JOIN, { agentId });
  } finally {
    client.close();
  }
}

test('a bootstrap token is exchanged for an agent credential stored as a hash, identity system:node-agent:<id> in system:nodes', async () => {
  const joined = await join(fx.bootstrapToken, 'exchange');
  assert.equal(joined.kind, 'NodeAgentCredential');
  assert.equal(joined.status.username, 'system:node-agent:exchange');
  assert.deepEqual(joined.status.groups, ['system:nodes', 'system:authenticated']);
  const rows = await fx.api.api.prisma.token.findMany({ where: { cluster: fx.api.cluster, username: 'system:node-agent:exchange' } });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.kind, 'node');
  assert.equal(rows[0]?.tokenHash, hashToken(joined.status.token));
  // The credential reads what a kubelet reads.
  const agent = clientWith(joined.status.token);
  try {
    assert.ok(Array.isArray((await agent.list('/api/v1/nodes')).items));
    assert.ok(Array.isArray((await agent.list('/api/v1/services')).items));
  } finally {
    agent.close();
  }
  // Joining again replaces the credential: the table does not grow per start.
  const again = await join(fx.bootstrapToken, 'exchange');
  const after = await fx.api.api.prisma.token.findMany({ where: { cluster: fx.api.cluster, username: 'system:node-agent:exchange' } });
  assert.deepEqual(after.map((r) => r.tokenHash), [hashToken(again.status.token)]);
});

test('only bootstrap tokens and cluster admins may join; a bad agent id is a 400', async () => {
  const sa = await issueToken(fx.api.api.prisma, { cluster: fx.api.cluster, kind: 'serviceaccount', username: 'system:serviceaccount:default:default', groups: ['system:serviceaccounts', 'system:authenticated'] });
  const refused = await refusal(join(sa, 'sneaky'));
  assert.equal(refused.code, 403);
  assert.equal(refused.message, 'nodeagents.kubeql.io is forbidden: User "system:serviceaccount:default:default" cannot create resource "nodeagents" in API group "kubeql.io" at the cluster scope');
  const agent = await join(fx.bootstrapToken, 'no-rejoin');
  assert.equal((await refusal(join(agent.status.token, 'no-rejoin-2'))).code, 403, 'an agent credential cannot mint others');
  const bad = await refusal(join(fx.bootstrapToken, 'Not_Valid!'));
  assert.equal(bad.code, 400);
  assert.match(bad.message, /agentId "Not_Valid!" is invalid/);
  assert.equal((await join(fx.api.token, 'by-admin')).status.username, 'system:node-agent:by-admin');
});

test('a bootstrap token can do nothing but join: Forbidden in the API server\'s words', async () => {
  const bootstrap = clientWith(fx.bootstrapToken);
  try {
    const list = await refusal(bootstrap.list('/api/v1/pods'));
    assert.equal(list.code, 403);
    assert.equal(list.message, 'pods is forbidden: User "system:bootstrap" cannot list resource "pods" in API group "" at the cluster scope');
    const patch = await refusal(bootstrap.mergePatch('/api/v1/nodes/anything', { metadata: { labels: { a: 'b' } } }));
    assert.equal(patch.message, 'nodes "anything" is forbidden: User "system:bootstrap" cannot patch resource "nodes" in API group "" at the cluster scope');
    const lease = await refusal(bootstrap.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/x'));
    assert.equal(lease.message, 'leases.coordination.k8s.io "x" is forbidden: User "system:bootstrap" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease"');
    const batch = await refusal(bootstrap.post('/kubeql/v1/leaserenewals', { leases: [{ name: 'x' }] }));
    assert.equal(batch.message, 'forbidden: User "system:bootstrap" cannot post path "/kubeql/v1/leaserenewals"');
    const statuses = await refusal(bootstrap.post('/kubeql/v1/podstatuses', { items: [] }));
    assert.equal(statuses.code, 403);
    const graphql = await refusal(bootstrap.post('/graphql', { query: '{ __typename }' }));
    assert.equal(graphql.code, 403);
  } finally {
    bootstrap.close();
  }
});

test('an agent keeps its credential (0600) and re-attaches after a restart with the bootstrap token revoked', async () => {
  const bootstrap = await issueToken(fx.api.api.prisma, { cluster: fx.api.cluster, kind: 'bootstrap', username: 'system:bootstrap:once', groups: ['system:bootstrappers', 'system:authenticated'] });
  const first = await fx.startAgent({ token: bootstrap, dataDir, nodes: 1, namePrefix: 'keep' });
  const file = agentCredentialPath(dataDir, 'keep');
  const mode = (await fs.stat(file)).mode & 0o777;
  assert.equal(mode, 0o600);
  const node = await fx.admin.get('/api/v1/nodes/keep-0');
  assert.equal(node.metadata.labels?.[NODE_AGENT_LABEL], 'keep', 'registration names the owning agent');
  await fx.admin.post(podsPath, boundPod('kept-pod', 'keep-0'));
  await eventually('kept-pod Running', async () => (phaseOf(await fx.admin.get(`${podsPath}/kept-pod`)) === 'Running' ? true : undefined));
  await first.stop();

  await fx.api.api.prisma.token.deleteMany({ where: { tokenHash: hashToken(bootstrap) } });
  const second = await fx.startAgent({ dataDir, nodes: 1, namePrefix: 'keep' });
  assert.equal((await fx.admin.get('/api/v1/nodes/keep-0')).metadata.uid, node.metadata.uid, 'the node was not recreated');
  // The restarted agent still writes: a new pod on its node runs.
  await fx.admin.post(podsPath, boundPod('after-restart', 'keep-0'));
  await eventually('after-restart Running', async () => (phaseOf(await fx.admin.get(`${podsPath}/after-restart`)) === 'Running' ? true : undefined));
  assert.equal(phaseOf(await fx.admin.get(`${podsPath}/kept-pod`)), 'Running');
  await second.stop();
  const rows = await fx.api.api.prisma.token.findMany({ where: { cluster: fx.api.cluster, username: 'system:node-agent:keep' } });
  assert.equal(rows.length, 1, 'the restart did not join again');
});

test('an agent credential is refused on another agent\'s node, its status, lease and pods (REST and batch endpoints)', async () => {
  const owner = await fx.startAgent({ nodes: 1, namePrefix: 'owner-a' });
  await fx.admin.post(podsPath, boundPod('owned-pod', 'owner-a-0'));
  await eventually('owned-pod Running', async () => (phaseOf(await fx.admin.get(`${podsPath}/owned-pod`)) === 'Running' ? true : undefined));
  await eventually('owner-a-0 lease', async () => fx.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/owner-a-0'));
  const other = clientWith((await join(fx.bootstrapToken, 'intruder')).status.token);
  const user = 'User "system:node-agent:intruder"';
  try {
    const patchNode = await refusal(other.mergePatch('/api/v1/nodes/owner-a-0', { metadata: { labels: { hacked: 'yes' } } }));
    assert.equal(patchNode.code, 403);
    assert.equal(patchNode.message, `nodes "owner-a-0" is forbidden: ${user} cannot update resource "nodes" in API group "" at the cluster scope: node 'owner-a-0' is not owned by this agent`);
    const status = await refusal(other.mergePatch('/api/v1/nodes/owner-a-0/status', { status: { phase: 'Running' } }));
    assert.equal(status.message, `nodes "owner-a-0" is forbidden: ${user} cannot update resource "nodes/status" in API group "" at the cluster scope: node 'owner-a-0' is not owned by this agent`);
    assert.equal((await refusal(other.delete('/api/v1/nodes/owner-a-0'))).code, 403);

    const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/owner-a-0';
    const lease = await fx.admin.get(leasePath);
    const putLease = await refusal(other.put(leasePath, lease));
    assert.equal(putLease.message, `leases.coordination.k8s.io "owner-a-0" is forbidden: ${user} cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node leases of nodes owned by this agent`);
    const renewals = await other.post<{ renewed: number; failed: { name: string; status: { code: number } }[] }>('/kubeql/v1/leaserenewals', { leases: [{ name: 'owner-a-0' }] });
    assert.equal(renewals.renewed, 0);
    assert.deepEqual(renewals.failed.map((f) => [f.name, f.status.code]), [['owner-a-0', 403]]);

    const podStatus = await refusal(other.mergePatch(`${podsPath}/owned-pod/status`, { status: { phase: 'Failed' } }));
    assert.equal(podStatus.message, `pods "owned-pod" is forbidden: ${user} cannot update resource "pods/status" in API group "" in the namespace "default": no relationship found between node agent 'intruder' and this object`);
    const batch = await other.post<{ results: { name: string; error?: { code: number; message: string } }[] }>('/kubeql/v1/podstatuses', { items: [{ namespace: 'default', name: 'owned-pod', status: { phase: 'Failed' } }] });
    assert.equal(batch.results[0]?.error?.code, 403);
    assert.match(batch.results[0]?.error?.message ?? '', /no relationship found between node agent 'intruder' and this object$/);
    assert.equal((await refusal(other.delete(`${podsPath}/owned-pod`))).code, 403);
    assert.equal((await refusal(other.post(podsPath, boundPod('planted', 'owner-a-0')))).message, `pods "planted" is forbidden: ${user} cannot create resource "pods" in API group "" in the namespace "default": node agents may not create pods`);
    assert.equal((await refusal(other.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' }, data: {} }))).code, 403);

    // Nothing changed, and the owner still writes its own objects.
    assert.equal(phaseOf(await fx.admin.get(`${podsPath}/owned-pod`)), 'Running');
    assert.equal((await fx.admin.get('/api/v1/nodes/owner-a-0')).metadata.labels?.hacked, undefined);
    await fx.admin.post(podsPath, boundPod('owned-pod-2', 'owner-a-0'));
    await eventually('owned-pod-2 Running', async () => (phaseOf(await fx.admin.get(`${podsPath}/owned-pod-2`)) === 'Running' ? true : undefined));

    // Its own nodes: created with its label stamped, and the label cannot be moved to another agent.
    const created = await other.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'intruder-0', labels: { [NODE_AGENT_LABEL]: 'owner-a' } } });
    assert.equal(created.metadata.labels?.[NODE_AGENT_LABEL], 'intruder');
    const relabel = await refusal(other.mergePatch('/api/v1/nodes/intruder-0', { metadata: { labels: { [NODE_AGENT_LABEL]: 'owner-a' } } }));
    assert.equal(relabel.message, `nodes "intruder-0" is forbidden: ${user} cannot update resource "nodes" in API group "" at the cluster scope: node agents may not change the ${NODE_AGENT_LABEL} label`);
    await other.mergePatch('/api/v1/nodes/intruder-0', { metadata: { annotations: { mine: 'yes' } } });
  } finally {
    other.close();
    await owner.stop();
  }
});

test('kubeql node-agent restarted without KUBEQL_NODE_TOKEN re-attaches with the credential in its data dir; with neither it says how to join', async () => {
  const agentDir = await fs.mkdtemp(path.join(dataDir, 'cli-'));
  const env = { KUBEQL_API_URL: fx.api.url, KUBEQL_DATA_DIR: agentDir, KUBEQL_LOG_LEVEL: 'info' };
  const first = new RunningKubeql(['node-agent', '--nodes', '1', '--name-prefix', 'cli-cred'], isolatedEnv({ ...env, KUBEQL_NODE_TOKEN: fx.bootstrapToken }));
  try {
    await first.waitForOutput(/node agent running/, 30_000);
  } finally {
    assert.equal(await first.stop('SIGTERM'), 0, first.stderr);
  }
  const uid = (await fx.admin.get('/api/v1/nodes/cli-cred-0')).metadata.uid;
  const second = new RunningKubeql(['node-agent', '--nodes', '1', '--name-prefix', 'cli-cred'], isolatedEnv(env));
  try {
    await second.waitForOutput(/node agent running/, 30_000);
    assert.match(second.stdout + second.stderr, /re-attached with its stored credential/);
    assert.equal((await fx.admin.get('/api/v1/nodes/cli-cred-0')).metadata.uid, uid);
  } finally {
    assert.equal(await second.stop('SIGTERM'), 0, second.stderr);
  }
  const fresh = await runKubeql(['node-agent', '--name-prefix', 'never-joined'], isolatedEnv({ ...env, KUBEQL_NODE_TOKEN: '' }));
  assert.equal(fresh.code, 1);
  assert.match(fresh.stderr, /cannot join: no stored node agent credential and no bootstrap token to join with \(set KUBEQL_NODE_TOKEN/);
});

test('a Node registered before agents had credentials (no owner label) is adopted by the agent it is named after, and only by it', async () => {
  // As an admin wrote it, like an agent of an older kubeql did with the bootstrap token.
  await fx.admin.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'legacy-0' } });
  await fx.admin.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'legacy-other' } });
  const stranger = clientWith((await join(fx.bootstrapToken, 'someone')).status.token);
  const heir = clientWith((await join(fx.bootstrapToken, 'legacy')).status.token);
  try {
    assert.equal((await refusal(stranger.mergePatch('/api/v1/nodes/legacy-0', { metadata: { annotations: { a: 'b' } } }))).code, 403);
    assert.equal((await refusal(heir.mergePatch('/api/v1/nodes/legacy-other', { metadata: { annotations: { a: 'b' } } }))).code, 403);
    const adopted = await heir.mergePatch('/api/v1/nodes/legacy-0', { metadata: { annotations: { a: 'b' } } });
    assert.equal(adopted.metadata.labels?.[NODE_AGENT_LABEL], 'legacy');
    assert.equal((await refusal(stranger.mergePatch('/api/v1/nodes/legacy-0', { metadata: { annotations: { a: 'c' } } }))).code, 403);
  } finally {
    stranger.close();
    heir.close();
  }
});
