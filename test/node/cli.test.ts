import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/infra/ports.js';
import { isolatedEnv, runKubeql, RunningKubeql } from '../helpers/cli.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { agentFixture, boundPod, eventually, phaseOf, type AgentFixture } from './helpers.js';

let fx: AgentFixture;
before(async () => {
  fx = await agentFixture();
});
after(async () => fx.stop());

test('kubeql node-agent --nodes 2 --name-prefix cli joins with a bootstrap token, runs pods, and leaves its nodes when stopped', async () => {
  const agent = new RunningKubeql(['node-agent', '--nodes', '2', '--name-prefix', 'cli'], isolatedEnv({ KUBEQL_API_URL: fx.api.url, KUBEQL_NODE_TOKEN: fx.bootstrapToken, KUBEQL_LOG_LEVEL: 'info', KUBEQL_DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-agent-cli-')) }));
  try {
    await agent.waitForOutput(/node agent running/, 30_000);
    const nodes = (await fx.admin.list('/api/v1/nodes')).items.map((n) => n.metadata.name).filter((n) => n?.startsWith('cli-'));
    assert.deepEqual(nodes.sort(), ['cli-0', 'cli-1']);
    await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('from-cli', 'cli-1'));
    await eventually('from-cli Running', async () => (phaseOf(await fx.admin.get('/api/v1/namespaces/default/pods/from-cli')) === 'Running' ? true : undefined));
  } finally {
    assert.equal(await agent.stop('SIGTERM'), 0, agent.stderr);
  }
  const node = await fx.admin.get('/api/v1/nodes/cli-0');
  assert.equal(node.metadata.name, 'cli-0');
});

test('kubeql node-agent refuses a token the API does not know, in one line', async () => {
  const result = await runKubeql(['node-agent'], isolatedEnv({ KUBEQL_API_URL: fx.api.url, KUBEQL_NODE_TOKEN: 'kql_nope' }));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /rejected KUBEQL_NODE_TOKEN/);
});

test('kubeql node-agent refuses a bad --nodes value', async () => {
  const result = await runKubeql(['node-agent', '--nodes', 'many'], isolatedEnv({ KUBEQL_API_URL: fx.api.url, KUBEQL_NODE_TOKEN: fx.bootstrapToken }));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--nodes many is not a whole number/);
});

test('kubeql up runs KUBEQL_NODES simulated nodes in-process, Ready for kubectl', { skip: kubectlPath() === undefined ? 'kubectl is not on PATH' : false }, async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-up-nodes-'));
  const port = await freePort();
  const up = new RunningKubeql(['up'], isolatedEnv({ PORT: String(port), KUBEQL_DATA_DIR: dataDir, KUBEQL_NODES: '2' }));
  try {
    await up.waitForOutput(/kubectl get namespaces/, 120_000);
    const kubeconfig = path.join(dataDir, 'kubeconfig');
    const nodes = await kubectl(kubeconfig, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.deepEqual(nodes.stdout.trim().split('\n').sort(), ['kubeql-node-0 True', 'kubeql-node-1 True']);
    const leases = await kubectl(kubeconfig, ['get', 'leases', '-n', 'kube-node-lease', '-o', 'name']);
    assert.equal(leases.code, 0, leases.stderr);
    assert.deepEqual(leases.stdout.trim().split('\n').sort(), ['lease.coordination.k8s.io/kubeql-node-0', 'lease.coordination.k8s.io/kubeql-node-1']);
  } finally {
    assert.equal(await up.stop('SIGINT'), 0, up.stderr);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
