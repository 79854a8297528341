// The simulated runtime's logs, shell and port-forward, driven by a ManualClock.
import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { ManualClock } from '../../../src/node/clock.js';
import { RuntimeStreamError, type ContainerStreams, type RuntimeListener } from '../../../src/node/runtime.js';
import { SimulatedRuntime } from '../../../src/node/runtimes/simulated.js';
import { LOG_ANNOTATIONS, logTimestamp } from '../../../src/node/runtimes/simulated-logs.js';
import { splitWords } from '../../../src/node/runtimes/simulated-shell.js';
import type { KubeObject } from '../../../src/store/types.js';

const quiet: RuntimeListener = { podStatusChanged() {}, podStopped() {}, event() {}, imagesChanged() {} };
const placement = { node: 'n-0', podIP: '10.244.0.2', hostIP: '172.20.0.2' };

function pod(name: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1.25', command: ['nginx'], args: ['-g', 'daemon off;'], env: [{ name: 'GREETING', value: 'hello' }], ports: [{ containerPort: 8080 }] },
        { name: 'side', image: 'busybox:1.36' },
      ],
    },
  };
}

/** A running pod: pulls (200 ms) and start (100 ms) are over. */
function running(annotations: Record<string, string> = {}) {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime({ listener: quiet, clock });
  runtime.createPod(pod('web', annotations), placement);
  clock.advance(1000);
  assert.equal(runtime.getPodStatus('default/web')?.phase, 'Running');
  return { clock, runtime };
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function streams(stdin?: string): { streams: ContainerStreams; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const input = stdin === undefined ? undefined : new PassThrough();
  if (input !== undefined) input.end(stdin);
  return { streams: { stdout, stderr, tty: false, signal: new AbortController().signal, ...(input ? { stdin: input } : {}) }, out: () => out, err: () => err };
}

test('a container log starts with a line naming image and command, then one line per interval', async () => {
  const { clock, runtime } = running({ [LOG_ANNOTATIONS.lines]: 'listening on :8080\nready' });
  clock.advance(25_000);
  const text = await readAll(await runtime.getContainerLogs('default/web', { container: 'app' }));
  assert.deepEqual(text.split('\n'), [
    'simulated container app started: image nginx:1.25, command ["nginx","-g","daemon off;"]',
    'listening on :8080',
    'ready',
    'running for 10s',
    'running for 20s',
    '',
  ]);
});

test('tailLines, timestamps, sinceTime and limitBytes cut the log as kubelet does', async () => {
  const { clock, runtime } = running();
  clock.advance(35_000);
  const tail = await readAll(await runtime.getContainerLogs('default/web', { container: 'side', tailLines: 2, timestamps: true }));
  const lines = tail.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z running for 30s$/);
  const since = await readAll(await runtime.getContainerLogs('default/web', { container: 'side', sinceTimeMs: clock.now() - 12_000 }));
  assert.deepEqual(since.trimEnd().split('\n'), ['running for 30s']);
  const limited = await readAll(await runtime.getContainerLogs('default/web', { container: 'side', limitBytes: 10 }));
  assert.equal(limited, 'simulated ');
  assert.equal(logTimestamp(Date.parse('2026-01-01T00:00:01.5Z')), '2026-01-01T00:00:01.500000000Z');
});

test('follow sends new lines as the clock moves and ends when the pod is forgotten', async () => {
  const { clock, runtime } = running({ [LOG_ANNOTATIONS.intervalSeconds]: '1' });
  const stream = await runtime.getContainerLogs('default/web', { container: 'app', follow: true, tailLines: 0 });
  const seen: string[] = [];
  stream.on('data', (c: Buffer) => seen.push(...c.toString().trimEnd().split('\n')));
  const ended = new Promise((resolve) => stream.once('end', resolve));
  clock.advance(3_000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(seen.length >= 2, `lines while following: ${JSON.stringify(seen)}`);
  assert.match(seen[0] ?? '', /^running for \d+s$/);
  runtime.forgetPod('default/web');
  clock.advance(2_000);
  await ended;
});

test('previous logs without a restart, and logs of a waiting container, are refused in kubelet words', async () => {
  const { runtime } = running();
  await assert.rejects(runtime.getContainerLogs('default/web', { container: 'app', previous: true }), (err: unknown) => err instanceof RuntimeStreamError && err.code === 400 && err.message === 'previous terminated container "app" in pod "web" not found');
  const clock = new ManualClock();
  const fresh = new SimulatedRuntime({ listener: quiet, clock });
  fresh.createPod(pod('slow'), placement);
  await assert.rejects(fresh.getContainerLogs('default/slow', { container: 'app' }), { message: 'container "app" in pod "slow" is waiting to start: ContainerCreating' });
});

test('the simulated shell runs echo, env, hostname, cat /etc/hostname, exit and sh -c honestly', async () => {
  const { runtime } = running();
  const cases: [string[], number, string, string][] = [
    [['echo', 'hi', 'there'], 0, 'hi there\n', ''],
    [['printenv', 'GREETING'], 0, 'hello\n', ''],
    [['hostname'], 0, 'web\n', ''],
    [['cat', '/etc/hostname'], 0, 'web\n', ''],
    [['true'], 0, '', ''],
    [['false'], 1, '', ''],
    [['sh', '-c', 'exit 3'], 3, '', ''],
    [['/bin/sh', '-c', 'echo "a  b"'], 0, 'a  b\n', ''],
    [['ls', '/'], 127, '', 'ls: command not found\n'],
  ];
  for (const [command, code, stdout, stderr] of cases) {
    const s = streams();
    assert.equal(await runtime.runInContainer('default/web', { container: 'app', command, streams: s.streams }), code, command.join(' '));
    assert.equal(s.out(), stdout, command.join(' '));
    assert.equal(s.err(), stderr, command.join(' '));
  }
  const env = streams();
  await runtime.runInContainer('default/web', { container: 'app', command: ['env'], streams: env.streams });
  assert.deepEqual(env.out().trimEnd().split('\n'), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web', 'GREETING=hello', 'HOME=/root']);
  const cat = streams('piped through\n');
  assert.equal(await runtime.runInContainer('default/web', { container: 'app', command: ['cat'], streams: cat.streams }), 0);
  assert.equal(cat.out(), 'piped through\n');
  assert.deepEqual(splitWords(`echo 'one two' "three"  four`), ['echo', 'one two', 'three', 'four']);
});

test('exec into a container that is not running is refused', async () => {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime({ listener: quiet, clock });
  runtime.createPod(pod('slow'), placement);
  await assert.rejects(runtime.runInContainer('default/slow', { container: 'app', command: ['true'], streams: streams().streams }), { message: 'container not found ("app")' });
  await assert.rejects(runtime.runInContainer('default/gone', { container: 'app', command: ['true'], streams: streams().streams }), (err: unknown) => err instanceof RuntimeStreamError && err.code === 404);
});

test('port-forward to a declared port echoes bytes; an undeclared port is refused as kubelet words it', async () => {
  const { runtime } = running();
  const conn = await runtime.portForward('default/web', 8080);
  const back = new Promise<string>((resolve) => conn.once('data', (c: Buffer) => resolve(c.toString())));
  conn.write('ping');
  assert.equal(await back, 'ping');
  conn.destroy();
  await assert.rejects(runtime.portForward('default/web', 9999), /failed to connect to localhost:9999 inside namespace "[0-9a-f]+", IPv4: dial tcp4 127\.0\.0\.1:9999: connect: connection refused/);
});

test('previous logs read the last terminated instance after a restart, ending with its exit line', async () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:10:00Z'));
  const runtime = new SimulatedRuntime({ listener: quiet, clock });
  const restarted = pod('again');
  // An agent restart adopts the pod with the status the API holds: one restart behind it.
  restarted.status = {
    phase: 'Running',
    startTime: '2026-01-01T00:00:00Z',
    conditions: [],
    containerStatuses: ['app', 'side'].map((name) => ({
      name, image: 'nginx:1.25', imageID: '', ready: true, started: true, restartCount: 1,
      state: { running: { startedAt: '2026-01-01T00:05:00Z' } },
      lastState: { terminated: { exitCode: 2, reason: 'Error', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:25Z' } },
    })),
  };
  runtime.createPod(restarted, placement);
  const previous = await readAll(await runtime.getContainerLogs('default/again', { container: 'app', previous: true, timestamps: true }));
  assert.deepEqual(previous.trimEnd().split('\n').map((l) => l.replace(/^\S+ /, '')).slice(-3), ['running for 10s', 'running for 20s', 'exited with code 2']);
  assert.match(previous.trimEnd().split('\n').at(-1) ?? '', /^2026-01-01T00:00:25\.000000000Z exited with code 2$/);
  const current = await readAll(await runtime.getContainerLogs('default/again', { container: 'app', tailLines: 1 }));
  assert.equal(current, 'running for 300s\n');
});
