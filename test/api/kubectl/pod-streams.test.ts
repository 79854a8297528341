// kubectl logs, exec and attach against the API and a node agent with the
// simulated runtime: the whole path (API -> kubelet API -> runtime) as users see it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../../src/infra/ports.js';
import { kubectl, kubectlPath } from '../../helpers/kubectl.js';
import { agentFixture, boundPod, eventually, phaseOf, type AgentFixture } from '../../node/helpers.js';

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl pod stream tests: ${skip}\n`);

let fx: AgentFixture;

async function runningPod(name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}, labels: Record<string, string> = {}): Promise<void> {
  const pod = boundPod(name, 'sim-0', spec, annotations);
  pod.metadata.labels = labels;
  await fx.admin.post('/api/v1/namespaces/default/pods', pod);
  await eventually(`${name} Running`, async () => (phaseOf(await fx.admin.get(`/api/v1/namespaces/default/pods/${name}`)) === 'Running' ? true : undefined));
}

before(async () => {
  if (skip) return;
  fx = await agentFixture();
  await fx.startAgent({ nodes: 1, namePrefix: 'sim', timings: { pullMs: 10, startMs: 10 } });
  await runningPod('web', {
    containers: [
      { name: 'app', image: 'nginx:1.25', env: [{ name: 'GREETING', value: 'hello' }], ports: [{ containerPort: 8080 }] },
      { name: 'side', image: 'busybox:1.36', command: ['sh', '-c', 'tail -f /dev/null'] },
    ],
  }, { 'kubeql.io/log-lines': 'listening on :8080\nready', 'kubeql.io/log-interval-seconds': '1' });
});
after(async () => fx?.stop());

const k = (args: string[], input?: string) => kubectl(fx.api.kubeconfig, args, input === undefined ? {} : { input });

test('kubectl logs prints the container log; -c picks the container, --tail and --timestamps shape it', { skip }, async () => {
  const logs = await k(['logs', 'web', '-c', 'app']);
  assert.equal(logs.code, 0, logs.stderr);
  const lines = logs.stdout.split('\n');
  assert.equal(lines[0], 'simulated container app started: image nginx:1.25, command (image default)');
  assert.deepEqual(lines.slice(1, 3), ['listening on :8080', 'ready']);

  const side = await k(['logs', 'web', '-c', 'side']);
  assert.equal(side.code, 0, side.stderr);
  assert.match(side.stdout, /^simulated container side started: image busybox:1\.36, command \["sh","-c","tail -f \/dev\/null"\]\n/);

  const defaulted = await k(['logs', 'web']);
  assert.equal(defaulted.code, 0, defaulted.stderr);
  assert.match(defaulted.stdout, /container app started/);

  await eventually('a running line', async () => ((await k(['logs', 'web', '-c', 'app'])).stdout.includes('running for 1s') ? true : undefined));
  const tail = await k(['logs', 'web', '-c', 'app', '--tail=1', '--timestamps']);
  assert.equal(tail.code, 0, tail.stderr);
  assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z running for \d+s\n$/);
});

test('kubectl logs -f streams new lines as the container prints them', { skip }, async () => {
  const child = spawn(kubectlPath() ?? 'kubectl', ['--kubeconfig', fx.api.kubeconfig, 'logs', '-f', 'web', '-c', 'app', '--tail=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    await eventually('two followed lines', async () => (out.split('\n').filter((l) => /^running for \d+s$/.test(l)).length >= 2 ? true : undefined), 8000);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(err, '');
  assert.ok(!out.includes('listening on'), 'tail 0 skips the history');
});

test('kubectl exec runs commands in the simulated shell with their output and exit codes', { skip }, async () => {
  const hi = await k(['exec', 'web', '-c', 'app', '--', 'echo', 'hi']);
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, 'hi\n');

  const env = await k(['exec', 'web', '-c', 'app', '--', 'printenv', 'GREETING']);
  assert.equal(env.stdout, 'hello\n');

  const host = await k(['exec', 'web', '-c', 'app', '--', 'sh', '-c', 'cat /etc/hostname']);
  assert.equal(host.stdout, 'web\n');

  const failed = await k(['exec', 'web', '-c', 'app', '--', 'false']);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /command terminated with exit code 1/);

  const exit = await k(['exec', 'web', '-c', 'app', '--', 'sh', '-c', 'exit 42']);
  assert.equal(exit.code, 42);

  const missing = await k(['exec', 'web', '-c', 'app', '--', 'ls', '/']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /^ls: command not found$/m);

  const cat = await k(['exec', '-i', 'web', '-c', 'app', '--', 'cat'], 'through stdin\n');
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'through stdin\n');
});

test('kubectl exec and logs errors read as the API server words them', { skip }, async () => {
  const wrong = await k(['logs', 'web', '-c', 'nope']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /container nope is not valid for pod web/);

  const gone = await k(['exec', 'ghost', '--', 'true']);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /pods "ghost" not found/);

  await fx.admin.post('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } });
  const unbound = await k(['exec', 'unbound', '--', 'true']);
  assert.notEqual(unbound.code, 0);
  assert.match(unbound.stderr, /pod unbound does not have a host assigned/);
});

/** Starts `kubectl port-forward` and resolves once it listens; the caller kills it. */
async function portForward(args: string[]): Promise<{ child: ReturnType<typeof spawn>; stderr: () => string; port: number }> {
  const port = await freePort();
  const child = spawn(kubectlPath() ?? 'kubectl', ['--kubeconfig', fx.api.kubeconfig, 'port-forward', ...args.map((a) => a.replace('LOCAL', String(port)))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  await eventually(`port-forward listening (${err})`, async () => (out.includes(`Forwarding from 127.0.0.1:${port}`) ? true : undefined), 10_000);
  return { child, stderr: () => err, port };
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.length >= text.length) {
        socket.end();
        resolve(got);
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no echo after 5 s (got "${got}")`)), 5000).unref();
  });
}

test('kubectl port-forward carries bytes to a declared container port and back', { skip }, async () => {
  const pf = await portForward(['pod/web', 'LOCAL:8080']);
  try {
    assert.equal(await roundTrip(pf.port, 'ping over the tunnel'), 'ping over the tunnel');
    // A second connection over the same tunnel.
    assert.equal(await roundTrip(pf.port, 'again'), 'again');
    // More than SPDY's initial 64 KiB window each way.
    const big = 'x'.repeat(512 * 1024);
    assert.equal((await roundTrip(pf.port, big)).length, big.length);
  } finally {
    pf.child.kill('SIGTERM');
  }
});

test('kubectl port-forward to a port nothing listens on reports kubelet\'s connection refused', { skip }, async () => {
  const pf = await portForward(['pod/web', 'LOCAL:9999']);
  try {
    const socket = net.connect(pf.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await eventually('the forwarding error', async () => (/failed to connect to localhost:9999 inside namespace/.test(pf.stderr()) ? true : undefined), 8000);
    socket.destroy();
  } finally {
    pf.child.kill('SIGTERM');
  }
});

test('kubectl logs deploy/NAME reads the first pod the Deployment selects', { skip }, async () => {
  await fx.admin.post('/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'shop', image: 'shop:1.0' }] } } },
  });
  // No controller runs in this fixture: the pod the Deployment would own is created directly.
  await runningPod('shop-1', { containers: [{ name: 'shop', image: 'shop:1.0' }] }, { 'kubeql.io/log-lines': 'shop is open' }, { app: 'shop' });
  const logs = await k(['logs', 'deploy/shop']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /^simulated container shop started: image shop:1\.0, command \(image default\)\nshop is open\n/);
});

test('kubectl attach streams what the container prints from now on', { skip }, async () => {
  const child = spawn(kubectlPath() ?? 'kubectl', ['--kubeconfig', fx.api.kubeconfig, 'attach', 'web', '-c', 'app'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await eventually('an attached line', async () => (/^running for \d+s$/m.test(out) ? true : undefined), 8000);
  } finally {
    child.kill('SIGTERM');
  }
  assert.ok(!out.includes('listening on :8080'), 'attach shows no history');
});

test('kubectl 1.30 execs over WebSocket; 1.27-1.29 (SPDY only) are told which version works', { skip }, async () => {
  const versioned = (v: string): string => `${path.dirname(fs.realpathSync(kubectlPath() ?? 'kubectl'))}/kubectl.${v}`;
  const modern = await kubectl(fx.api.kubeconfig, ['exec', 'web', '-c', 'app', '--', 'echo', 'from 1.30'], { binary: versioned('1.30') });
  assert.equal(modern.code, 0, modern.stderr);
  assert.equal(modern.stdout, 'from 1.30\n');
  const old = await kubectl(fx.api.kubeconfig, ['exec', 'web', '-c', 'app', '--', 'true'], { binary: versioned('1.29') });
  assert.notEqual(old.code, 0);
  assert.match(old.stderr, /kubeql serves pods\/exec over WebSocket only .*use kubectl 1\.30 or newer/);
  const forward = await kubectl(fx.api.kubeconfig, ['port-forward', 'pod/web', `${await freePort()}:8080`], { binary: versioned('1.30') });
  assert.notEqual(forward.code, 0);
  assert.match(forward.stderr, /kubeql serves pods\/portforward over WebSocket only .*use kubectl 1\.31 or newer/);
});
