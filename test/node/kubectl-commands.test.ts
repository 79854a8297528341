// `kubectl run ... -- <command>` against simulated nodes: a command the
// simulated shell knows runs to its end, its output is what `kubectl logs`
// prints and its exit code is what `kubectl get` and `describe` show. No
// scheduler runs here, so the pods name their node with --overrides.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { agentFixture, eventually, type AgentFixture } from './helpers.js';

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl command tests: ${skip}\n`);

const NODE = 'cmd-0';
const onNode = `--overrides=${JSON.stringify({ apiVersion: 'v1', spec: { nodeName: NODE } })}`;

let fx: AgentFixture;
before(async () => {
  if (skip) return;
  fx = await agentFixture();
  await fx.startAgent({ nodes: 1, namePrefix: 'cmd', timings: { restartBackoffBaseMs: 1000, restartBackoffMaxMs: 4000 } });
});
after(async () => fx?.stop());

/** `kubectl get pod NAME --no-headers` split into NAME READY STATUS RESTARTS AGE, once the STATUS matches. */
async function podRow(name: string, status: RegExp, timeoutMs = 15_000): Promise<string[]> {
  return eventually(`${name} ${String(status)}`, async () => {
    const result = await kubectl(fx.api.kubeconfig, ['get', 'pod', name, '--no-headers']);
    const cells = result.stdout.trim().split(/\s+/);
    return status.test(cells[2] ?? '') ? cells : undefined;
  }, timeoutMs);
}

async function run(name: string, args: string[]): Promise<void> {
  const result = await kubectl(fx.api.kubeconfig, ['run', name, '--image=busybox', onNode, ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), `pod/${name} created`);
}

test('kubectl run --restart=Never -- echo hi: the pod is Completed and kubectl logs prints hi', { skip }, async () => {
  await run('once', ['--restart=Never', '--', 'echo', 'hi']);
  const [name, ready, status, restarts] = await podRow('once', /^Completed$/);
  assert.deepEqual([name, ready, status, restarts], ['once', '0/1', 'Completed', '0']);
  const logs = await kubectl(fx.api.kubeconfig, ['logs', 'once']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'hi\n');
  const phase = await kubectl(fx.api.kubeconfig, ['get', 'pod', 'once', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}']);
  assert.equal(phase.stdout, 'Succeeded 0');
});

test('kubectl run --restart=Never -- false: Error with exit code 1 in get and describe', { skip }, async () => {
  await run('fails', ['--restart=Never', '--', 'false']);
  const [, ready, status] = await podRow('fails', /^Error$/);
  assert.deepEqual([ready, status], ['0/1', 'Error']);
  const jsonpath = await kubectl(fx.api.kubeconfig, ['get', 'pod', 'fails', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}']);
  assert.equal(jsonpath.stdout, 'Failed Error 1');
  const described = await kubectl(fx.api.kubeconfig, ['describe', 'pod', 'fails']);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^Status:\s+Failed$/m);
  assert.match(described.stdout, /^\s+State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1\n/m);
});

test('kubectl run --restart=OnFailure -- false: CrashLoopBackOff with RESTARTS counting up while the pod stays Running', { skip }, async () => {
  await run('crashing', ['--restart=OnFailure', '--', 'sh', '-c', 'echo attempt; exit 1']);
  const [, ready, status, restarts] = await podRow('crashing', /^CrashLoopBackOff$/);
  assert.equal(ready, '0/1');
  assert.equal(status, 'CrashLoopBackOff');
  const first = Number(restarts);
  assert.ok(first >= 1, `RESTARTS ${restarts ?? ''}`);
  await eventually('RESTARTS counting up', async () => {
    const result = await kubectl(fx.api.kubeconfig, ['get', 'pod', 'crashing', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].restartCount}']);
    const [phase, count] = result.stdout.split(' ');
    assert.equal(phase, 'Running');
    return Number(count) > first ? true : undefined;
  }, 15_000);
  const previous = await kubectl(fx.api.kubeconfig, ['logs', 'crashing', '--previous']);
  assert.equal(previous.code, 0, previous.stderr);
  assert.equal(previous.stdout, 'attempt\n');
});

test('a pod with command [sleep, "2"] is Running, then Completed about 2 s later; nginx with no command keeps Running', { skip }, async () => {
  const pods = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'napper', namespace: 'default' }, spec: { nodeName: NODE, restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '2'] }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'server', namespace: 'default' }, spec: { nodeName: NODE, restartPolicy: 'Never', containers: [{ name: 'main', image: 'nginx:1.25' }] } },
  ];
  const apply = await kubectl(fx.api.kubeconfig, ['apply', '-f', '-'], { input: pods.map((p) => stringify(p)).join('---\n') });
  assert.equal(apply.code, 0, apply.stderr);
  await podRow('napper', /^Running$/, 10_000);
  const runningSeen = Date.now();
  await podRow('napper', /^Completed$/, 10_000);
  const times = await kubectl(fx.api.kubeconfig, ['get', 'pod', 'napper', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.startedAt} {.status.containerStatuses[0].state.terminated.finishedAt}']);
  const [startedAt = '', finishedAt = ''] = times.stdout.split(' ');
  // Status times have whole seconds, so 2 s of sleep shows as 2 s (or 3 s across a second boundary).
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  assert.ok(seconds === 2 || seconds === 3, `ran ${seconds}s (${times.stdout})`);
  assert.ok(Date.now() - runningSeen < 4000, 'completed within about 2 s of being seen Running');
  const [, ready, status] = await podRow('server', /^Running$/);
  assert.deepEqual([ready, status], ['1/1', 'Running']);
});

test('init containers: a known command logs and completes before the app starts; one exiting 1 shows Init:Error (Never) or Init:CrashLoopBackOff', { skip }, async () => {
  const withInit = (name: string, restartPolicy: string, command: string[]): Record<string, unknown> => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, restartPolicy, initContainers: [{ name: 'setup', image: 'busybox:1.36', command }], containers: [{ name: 'main', image: 'nginx:1.25' }] },
  });
  const pods = [withInit('init-ok', 'Always', ['sh', '-c', 'echo migrating && sleep 1 && echo migrated']), withInit('init-bad', 'Never', ['false']), withInit('init-loop', 'Always', ['false'])];
  const apply = await kubectl(fx.api.kubeconfig, ['apply', '-f', '-'], { input: pods.map((p) => stringify(p)).join('---\n') });
  assert.equal(apply.code, 0, apply.stderr);
  assert.equal((await podRow('init-bad', /^Init:Error$/))[2], 'Init:Error');
  assert.equal((await podRow('init-loop', /^Init:CrashLoopBackOff$/))[2], 'Init:CrashLoopBackOff');
  await podRow('init-ok', /^Running$/);
  const logs = await kubectl(fx.api.kubeconfig, ['logs', 'init-ok', '-c', 'setup']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'migrating\nmigrated\n');
});

test('kubectl run -i --rm --restart=Never prints the command\'s output once and exits with its code', { skip }, async () => {
  const result = await kubectl(fx.api.kubeconfig, ['run', 'interactive', '-i', '--rm', '--restart=Never', '--image=busybox', onNode, '--', 'sh', '-c', 'sleep 2; echo hello; exit 3']);
  assert.equal(result.code, 3, result.stderr);
  assert.equal(result.stdout, 'hello\npod "interactive" deleted\n');
  assert.doesNotMatch(result.stderr, /falling back to streaming logs/);
  assert.match(result.stderr, /pod default\/interactive terminated \(Error\)/);
});
