// A simulated container whose command is one the simulated shell knows runs
// it: its output is the log, it exits with the command's code after the time
// the command takes on the runtime's clock, and the restartPolicy applies.
import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { ManualClock } from '../../src/node/clock.js';
import type { ContainerStatus, PodStatus, RuntimeListener } from '../../src/node/runtime.js';
import { ANNOTATIONS, SimulatedRuntime } from '../../src/node/runtimes/simulated.js';
import { parseScript, planCommand, runSimulatedCommand } from '../../src/node/runtimes/simulated-shell.js';
import type { KubeObject } from '../../src/store/types.js';

const quiet: RuntimeListener = { podStatusChanged() {}, podStopped() {}, event() {}, imagesChanged() {} };
const placement = { node: 'n-0', podIP: '10.244.0.2', hostIP: '172.20.0.2' };
/** Image pull 200 ms + start 100 ms: the containers start at 300 ms. */
const STARTED_MS = 300;

type Container = { name: string; image: string; command?: string[]; args?: string[] };

function pod(name: string, restartPolicy: string, containers: Container[], annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
    spec: { nodeName: 'n-0', restartPolicy, containers: containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', ...c })) },
  };
}

const busybox = (args: string[], name = 'main'): Container => ({ name, image: 'busybox:1.36', args });

function setup() {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime({ listener: quiet, clock, timings: { pullMs: 200, startMs: 100, restartBackoffBaseMs: 1000, restartBackoffMaxMs: 8000 } });
  const status = (name: string): PodStatus => {
    const s = runtime.getPodStatus(`default/${name}`);
    assert.ok(s, `no status for ${name}`);
    return s;
  };
  const container = (name: string, index = 0): ContainerStatus => {
    const c = status(name).containerStatuses[index];
    assert.ok(c, `no container ${index} in ${name}`);
    return c;
  };
  const logs = async (name: string, container = 'main', options: { timestamps?: boolean; previous?: boolean } = {}): Promise<string> =>
    readAll(await runtime.getContainerLogs(`default/${name}`, { container, ...options }));
  return { clock, runtime, status, container, logs };
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

type Terminated = Extract<ContainerStatus['state'], { terminated: unknown }>['terminated'];
const terminated = (c: ContainerStatus): Terminated | undefined => ('terminated' in c.state ? c.state.terminated : undefined);

test('restartPolicy Never with `echo hi`: the container prints hi, exits 0 Completed and the pod Succeeds', async () => {
  const { clock, runtime, status, container, logs } = setup();
  runtime.createPod(pod('once', 'Never', [busybox(['echo', 'hi'])]), placement);
  clock.advance(STARTED_MS);
  assert.equal(status('once').phase, 'Succeeded');
  assert.equal(terminated(container('once'))?.exitCode, 0);
  assert.equal(terminated(container('once'))?.reason, 'Completed');
  assert.equal(container('once').ready, false);
  assert.equal(await logs('once'), 'hi\n');
  assert.equal(status('once').conditions.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
});

test('restartPolicy Never with `false`: exit code 1, reason Error, the pod Fails; stderr lines are logged too', async () => {
  const { clock, runtime, status, container, logs } = setup();
  runtime.createPod(pod('fails', 'Never', [busybox(['false'])]), placement);
  runtime.createPod(pod('cats', 'Never', [{ name: 'main', image: 'busybox:1.36', command: ['cat', '/etc/hostname', '/nope'] }]), placement);
  clock.advance(STARTED_MS);
  assert.equal(status('fails').phase, 'Failed');
  assert.deepEqual({ ...terminated(container('fails')), startedAt: undefined, finishedAt: undefined, containerID: undefined }, { exitCode: 1, reason: 'Error', startedAt: undefined, finishedAt: undefined, containerID: undefined });
  assert.equal(await logs('fails'), '');
  assert.equal(status('cats').phase, 'Failed');
  assert.equal(await logs('cats'), 'cats\ncat: /nope: No such file or directory\n');
});

test('`sleep 2` keeps the container Running for 2 s on the runtime clock, then it Completes', () => {
  const { clock, runtime, status, container } = setup();
  runtime.createPod(pod('nap', 'Never', [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '2'] }]), placement);
  clock.advance(STARTED_MS);
  assert.equal(status('nap').phase, 'Running');
  assert.ok('running' in container('nap').state);
  assert.equal(container('nap').ready, true);
  clock.advance(1999);
  assert.equal(status('nap').phase, 'Running');
  clock.advance(1);
  assert.equal(status('nap').phase, 'Succeeded');
  const end = terminated(container('nap'));
  assert.equal(end?.reason, 'Completed');
  assert.equal(Date.parse(end?.finishedAt ?? '') - Date.parse(end?.startedAt ?? ''), 2000);
});

test('sh -c sequences with ;, && and ||: lines appear at the time they are printed and the last status is the exit code', async () => {
  const { clock, runtime, status, container, logs } = setup();
  runtime.createPod(pod('seq', 'Never', [busybox(['sh', '-c', 'echo one; sleep 1; echo "two; still two" && false || echo three; sleep 1; exit 4; echo never'])]), placement);
  clock.advance(STARTED_MS);
  assert.equal(await logs('seq'), 'one\n');
  clock.advance(1000);
  assert.equal(await logs('seq'), 'one\ntwo; still two\nthree\n');
  assert.equal(status('seq').phase, 'Running');
  clock.advance(1000);
  assert.equal(status('seq').phase, 'Failed');
  assert.equal(terminated(container('seq'))?.exitCode, 4);
  const stamped = (await logs('seq', 'main', { timestamps: true })).trimEnd().split('\n').map((l) => l.split(' ')[0]);
  assert.deepEqual(stamped, ['2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:01.000000000Z', '2026-01-01T00:00:01.000000000Z']);
});

test('restartPolicy OnFailure with `false`: restarted at once, then CrashLoopBackOff with the restart count growing; the pod stays Running', async () => {
  const { clock, runtime, status, container, logs } = setup();
  runtime.createPod(pod('crash', 'OnFailure', [busybox(['sh', '-c', 'echo trying; false'])]), placement);
  clock.advance(STARTED_MS);
  // The first exit restarts after the start time, without back-off.
  assert.equal(terminated(container('crash'))?.exitCode, 1);
  clock.advance(100);
  assert.equal(container('crash').restartCount, 1);
  const waiting = container('crash').state;
  assert.ok('waiting' in waiting && waiting.waiting.reason === 'CrashLoopBackOff', JSON.stringify(waiting));
  assert.match(waiting.waiting.message ?? '', /^back-off 1s restarting failed container=main pod=crash_default\(uid-crash\)$/);
  assert.equal(terminated({ ...container('crash'), state: container('crash').lastState as ContainerStatus['state'] })?.reason, 'Error');
  clock.advance(1000);
  assert.equal(container('crash').restartCount, 2);
  assert.equal(status('crash').phase, 'Running');
  assert.equal(await logs('crash', 'main', { previous: true }), 'trying\n');
  clock.advance(2000);
  assert.equal(container('crash').restartCount, 3);
});

test('restartPolicy OnFailure with a command that succeeds ends Succeeded; Always restarts it even after exit 0', () => {
  const { clock, runtime, status, container } = setup();
  runtime.createPod(pod('ok', 'OnFailure', [busybox(['true'])]), placement);
  runtime.createPod(pod('loop', 'Always', [busybox(['echo', 'hello'])]), placement);
  clock.advance(STARTED_MS + 100);
  assert.equal(status('ok').phase, 'Succeeded');
  assert.equal(status('loop').phase, 'Running');
  assert.equal(container('loop').restartCount, 1);
  assert.equal(terminated({ ...container('loop'), state: container('loop').lastState as ContainerStatus['state'] })?.reason, 'Completed');
});

test('a pod ends only when every container has exited, Failed when any exited non-zero', () => {
  const { clock, runtime, status, container } = setup();
  runtime.createPod(pod('pair', 'Never', [busybox(['false'], 'quick'), busybox(['sleep', '3'], 'slow')]), placement);
  clock.advance(STARTED_MS);
  assert.equal(status('pair').phase, 'Running');
  assert.equal(terminated(container('pair', 0))?.exitCode, 1);
  assert.equal(status('pair').conditions.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [quick]');
  clock.advance(3000);
  assert.equal(terminated(container('pair', 1))?.exitCode, 0);
  assert.equal(status('pair').phase, 'Failed');
});

test('no command, a program the shell does not know, or one inside sh -c, keeps the container running; sleep infinity too', async () => {
  const { clock, runtime, status, logs } = setup();
  runtime.createPod(pod('web', 'Never', [{ name: 'main', image: 'nginx:1.25' }]), placement);
  runtime.createPod(pod('py', 'Never', [{ name: 'main', image: 'python:3.12', command: ['python', 'app.py'] }]), placement);
  runtime.createPod(pod('mixed', 'Never', [busybox(['sh', '-c', 'echo starting && nginx -g "daemon off;"'])]), placement);
  runtime.createPod(pod('forever', 'Never', [busybox(['sleep', 'infinity'])]), placement);
  clock.advance(3_600_000);
  for (const name of ['web', 'py', 'mixed', 'forever']) assert.equal(status(name).phase, 'Running', name);
  assert.match(await logs('web'), /^simulated container main started: image nginx:1\.25, command \(image default\)\n/);
});

test('the run-seconds and exit-code annotations win over a known command', () => {
  const { clock, runtime, status, container } = setup();
  runtime.createPod(pod('steered', 'Never', [busybox(['echo', 'hi'])], { [ANNOTATIONS.runSeconds]: '5', [ANNOTATIONS.exitCode]: '3' }), placement);
  clock.advance(STARTED_MS + 4999);
  assert.equal(status('steered').phase, 'Running');
  clock.advance(1);
  assert.equal(status('steered').phase, 'Failed');
  assert.equal(terminated(container('steered'))?.exitCode, 3);
});

test('after an agent restart a running command finishes at its original start plus its run time', () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:04Z'));
  const runtime = new SimulatedRuntime({ listener: quiet, clock });
  const adopted = pod('adopted', 'Never', [busybox(['sleep', '10'])]);
  adopted.status = {
    phase: 'Running', startTime: '2026-01-01T00:00:00Z', conditions: [],
    containerStatuses: [{ name: 'main', image: 'busybox:1.36', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {} }],
  };
  runtime.createPod(adopted, placement);
  clock.advance(5999);
  assert.equal(runtime.getPodStatus('default/adopted')?.phase, 'Running');
  clock.advance(1);
  assert.equal(runtime.getPodStatus('default/adopted')?.phase, 'Succeeded');
});

test('the shell parses ;, &&, || and newlines outside quotes, and exec runs the same sequences', async () => {
  assert.deepEqual(parseScript(`echo 'a;b' && false||true\necho "x && y";`), [
    { op: ';', argv: ['echo', 'a;b'] }, { op: '&&', argv: ['false'] }, { op: '||', argv: ['true'] }, { op: ';', argv: ['echo', 'x && y'] },
  ]);
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += String(c)));
  const code = await runSimulatedCommand(['sh', '-c', 'echo a; false && echo skipped; echo b; exit 3; echo c'], { env: [], hostname: 'h', stdout: out, signal: new AbortController().signal });
  assert.equal(code, 3);
  assert.equal(text, 'a\nb\n');
  assert.deepEqual(planCommand(['sh', '-c', 'echo -n a; echo b; sleep 0.5; echo c'], { env: [], hostname: 'h' }), {
    runMs: 500, exitCode: 0, lines: [{ offsetMs: 0, stream: 'stdout', text: 'ab' }, { offsetMs: 500, stream: 'stdout', text: 'c' }],
  });
});

function withInit(name: string, restartPolicy: string, init: string[]): KubeObject {
  const p = pod(name, restartPolicy, [{ name: 'main', image: 'nginx:1.25' }]);
  (p.spec as { initContainers?: Container[] }).initContainers = [{ name: 'setup', image: 'busybox:1.36', command: init }];
  return p;
}

test('init containers run a known command too: its output is their log, its time holds the pod in Init, an unknown one keeps the short fixed run', async () => {
  const { clock, runtime, status, logs } = setup();
  runtime.createPod(withInit('prepared', 'Always', ['sh', '-c', 'echo preparing; sleep 2; echo ready']), placement);
  runtime.createPod(withInit('lookup', 'Always', ['sh', '-c', 'until nslookup db; do sleep 2; done']), placement);
  clock.advance(STARTED_MS + 1000);
  assert.equal(status('prepared').phase, 'Pending');
  assert.equal(await logs('prepared', 'setup'), 'preparing\n');
  // The unknown program: init ran its fixed 100 ms, the app containers started after.
  assert.equal(status('lookup').phase, 'Running');
  clock.advance(1000);
  const setup0 = status('prepared').initContainerStatuses?.[0];
  assert.equal(setup0 !== undefined && 'terminated' in setup0.state ? setup0.state.terminated.reason : undefined, 'Completed');
  assert.equal(await logs('prepared', 'setup'), 'preparing\nready\n');
  clock.advance(1000);
  assert.equal(status('prepared').phase, 'Running');
});

test('an init container that exits non-zero fails the pod with restartPolicy Never, and backs off in CrashLoopBackOff otherwise', () => {
  const { clock, runtime, status } = setup();
  runtime.createPod(withInit('init-never', 'Never', ['false']), placement);
  runtime.createPod(withInit('init-always', 'Always', ['sh', '-c', 'exit 2']), placement);
  clock.advance(STARTED_MS);
  const never = status('init-never');
  assert.equal(never.phase, 'Failed');
  const failedInit = never.initContainerStatuses?.[0];
  assert.ok(failedInit && 'terminated' in failedInit.state);
  assert.deepEqual([failedInit.state.terminated.exitCode, failedInit.state.terminated.reason], [1, 'Error']);
  assert.deepEqual(never.containerStatuses[0]?.state, { waiting: { reason: 'PodInitializing' } });
  // Restarted at once (busybox:1.36 is on the node now, so only the start time passes), exits again, then backs off.
  clock.advance(200);
  const backingOff = status('init-always').initContainerStatuses?.[0];
  assert.ok(backingOff && 'waiting' in backingOff.state, JSON.stringify(backingOff));
  assert.equal(backingOff.state.waiting.reason, 'CrashLoopBackOff');
  assert.equal(backingOff.restartCount, 1);
  assert.equal(status('init-always').phase, 'Pending');
  clock.advance(1200);
  assert.equal(status('init-always').initContainerStatuses?.[0]?.restartCount, 2);
});

test('sleep reads GNU/busybox intervals (1m 30s sums to 90 s, 1000d never ends); scripts with pipes, redirects or variables are not run as plain words', async () => {
  const env = { env: [['HOME', '/root']] as [string, string][], hostname: 'h' };
  assert.equal(planCommand(['sleep', '1m', '30s'], env)?.runMs, 90_000);
  assert.equal(planCommand(['sleep', '1000d'], env)?.runMs, 1000 * 86_400_000);
  assert.deepEqual(planCommand(['sleep', '5x'], env), { runMs: 0, exitCode: 1, lines: [{ offsetMs: 0, stream: 'stderr', text: "sleep: invalid time interval '5x'" }] });
  for (const script of ['echo $?', 'echo hi | cat', 'echo hi > /tmp/out', 'echo "$(hostname)"', 'sleep 1 &']) {
    assert.equal(planCommand(['sh', '-c', script], env), undefined, script);
  }
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += String(c)));
  assert.equal(await runSimulatedCommand(['sh', '-c', 'echo hi | cat'], { ...env, stderr: err, signal: new AbortController().signal }), 2);
  assert.equal(text, 'sh: the simulated shell runs plain commands joined by ;, && and || only, not |\n');

  const { clock, runtime, status } = setup();
  runtime.createPod(pod('netshoot', 'Always', [{ name: 'main', image: 'nicolaka/netshoot', command: ['/bin/sleep'], args: ['1000d'] }]), placement);
  runtime.createPod(pod('piped', 'Never', [busybox(['sh', '-c', 'echo hi | cat'])]), placement);
  clock.advance(86_400_000);
  assert.equal(status('netshoot').phase, 'Running');
  assert.equal(status('netshoot').containerStatuses[0]?.restartCount, 0);
  assert.equal(status('piped').phase, 'Running');
});

test('kubelet expands $(VAR) in command and args from the container env; the shell expands $NAME and ${NAME} outside single quotes', async () => {
  assert.deepEqual(parseScript(`echo $GREETING "\${GREETING}, $WHO" '$GREETING' $UNSET done`, [['GREETING', 'hello'], ['WHO', 'you']]), [
    { op: ';', argv: ['echo', 'hello', 'hello, you', '$GREETING', 'done'] },
  ]);
  const { clock, runtime, logs } = setup();
  const p = pod('greeter', 'Never', [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c'], args: ['echo "$(GREETING) from $HOSTNAME"; echo $$(GREETING) $(MISSING)'] }]);
  (p.spec as { containers: { env?: unknown }[] }).containers[0]!.env = [{ name: 'GREETING', value: 'hello' }];
  runtime.createPod(p, placement);
  clock.advance(STARTED_MS);
  // $$(GREETING) reaches the shell as $(GREETING) and $(MISSING) stays as written: command substitution, which this shell refuses.
  assert.equal(runtime.getPodStatus('default/greeter')?.phase, 'Running');
  const q = pod('greeter2', 'Never', [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c'], args: ['echo "$(GREETING) from $HOSTNAME"'] }]);
  (q.spec as { containers: { env?: unknown }[] }).containers[0]!.env = [{ name: 'GREETING', value: 'hello' }];
  runtime.createPod(q, placement);
  clock.advance(100);
  assert.equal(runtime.getPodStatus('default/greeter2')?.phase, 'Succeeded');
  assert.equal(await logs('greeter2'), 'hello from greeter2\n');
});
