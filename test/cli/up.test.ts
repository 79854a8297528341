import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readKubeconfigToken } from '../../src/auth/kubeconfig.js';
import { freePort } from '../../src/infra/ports.js';
import { isolatedEnv, RunningKubeql } from '../helpers/cli.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function postgresPort(dataDir: string): Promise<number> {
  // postmaster.pid's fourth line is the port the server listens on.
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number(pid.split('\n')[3]);
}

describe('kubeql up (embedded PostgreSQL and Redis)', { skip: kubectlPath() === undefined ? 'kubectl is not on PATH' : false }, () => {
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-up-'));
    await fs.chmod(dataDir, 0o755);
  });
  after(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts a cluster that kubectl reaches, stops cleanly on SIGINT, and keeps its state for the next start', async () => {
    const port = await freePort();
    const env = isolatedEnv({ PORT: String(port), KUBEQL_DATA_DIR: dataDir, KUBEQL_NODES: '2' });
    const first = new RunningKubeql(['up'], env);
    let pgPort: number;
    let token: string;
    try {
      await first.waitForOutput(/kubectl get namespaces/, 120_000);
      const kubeconfig = path.join(dataDir, 'kubeconfig');
      assert.match(first.stdout, new RegExp(`API: +https://127\\.0\\.0\\.1:${port} \\(and http://127\\.0\\.0\\.1:${port}\\)`));
      assert.match(first.stdout, new RegExp(`GraphQL: +http://127\\.0\\.0\\.1:${port}/graphql`));
      const metricsUrl = /Metrics: +(http:\/\/127\.0\.0\.1:\d+\/metrics) \(controller manager\)/.exec(first.stdout)?.[1];
      assert.ok(metricsUrl !== undefined, first.stdout);
      assert.match(await (await fetch(metricsUrl)).text(), /# TYPE workqueue_depth gauge/);
      assert.ok(first.stdout.includes(`export KUBECONFIG=${kubeconfig}`));

      const version = await kubectl(kubeconfig, ['version', '-o', 'json']);
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /"gitVersion": "v1\.\d+\.\d+-kubeql/);
      const ready = await kubectl(kubeconfig, ['get', '--raw', '/readyz']);
      assert.equal(ready.code, 0, ready.stderr);
      assert.equal(ready.stdout.trim(), 'ok');
      // kubectl sends its token (over TLS, checked against the kubeconfig's CA): an authenticated list works.
      const namespaces = await kubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
      assert.equal(namespaces.code, 0, namespaces.stderr);
      assert.deepEqual(namespaces.stdout.trim().split('\n').sort(), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);

      // The whole control plane runs: a Deployment gets pods scheduled onto the simulated nodes and Running.
      const nodes = await kubectl(kubeconfig, ['get', 'nodes', '--no-headers']);
      assert.equal(nodes.code, 0, nodes.stderr);
      assert.equal(nodes.stdout.trim().split('\n').filter((l) => /\sReady\s/.test(l)).length, 2, nodes.stdout);
      const created = await kubectl(kubeconfig, ['create', 'deployment', 'hello', '--image=nginx:1.25', '--replicas=2']);
      assert.equal(created.code, 0, created.stderr);
      const rollout = await kubectl(kubeconfig, ['rollout', 'status', 'deployment/hello', '--timeout=60s']);
      assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
      const pods = await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=hello', '-o', 'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}']);
      const lines = pods.stdout.trim().split('\n');
      assert.equal(lines.length, 2, pods.stdout);
      for (const line of lines) assert.match(line, /^Running \S+$/);

      pgPort = await postgresPort(dataDir);
      assert.equal(await portOpen(pgPort), true);
      token = (await readKubeconfigToken(kubeconfig))?.token ?? '';
      assert.match(token, /^kql_/);
    } finally {
      assert.equal(await first.stop('SIGINT'), 0, first.stderr);
    }
    assert.match(first.stdout, /kubeql stopped\./);
    assert.equal(await portOpen(port), false, 'API port still open after stop');
    assert.equal(await portOpen(pgPort), false, 'embedded PostgreSQL still running after stop');

    const second = new RunningKubeql(['up'], env);
    try {
      await second.waitForOutput(/kubectl get namespaces/, 120_000);
      assert.doesNotMatch(second.stdout, /Applied \d+ migration/, 'migrations ran again on existing data');
      // The admin token issued by the first start still authenticates: state survived.
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.equal((await readKubeconfigToken(path.join(dataDir, 'kubeconfig')))?.token, token);
    } finally {
      assert.equal(await second.stop('SIGTERM'), 0, second.stderr);
    }
  });
});
