import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/node/clock.js';
import type { ContainerStatus, PodStatus, RuntimeEvent, RuntimeListener } from '../../src/node/runtime.js';
import { ANNOTATIONS, SimulatedRuntime } from '../../src/node/runtimes/simulated.js';
import type { KubeObject } from '../../src/store/types.js';

class Recorder implements RuntimeListener {
  changes = 0;
  stopped: string[] = [];
  events: RuntimeEvent[] = [];
  imageChanges = 0;
  podStatusChanged(): void {
    this.changes += 1;
  }
  podStopped(_node: string, key: string): void {
    this.stopped.push(key);
  }
  event(_node: string, _key: string, event: RuntimeEvent): void {
    this.events.push(event);
  }
  imagesChanged(): void {
    this.imageChanges += 1;
  }
}

function pod(name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
    spec: { nodeName: 'n-0', restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }], ...spec },
  };
}

const placement = { node: 'n-0', podIP: '10.244.0.2', hostIP: '172.20.0.2' };

function setup() {
  const clock = new ManualClock();
  const listener = new Recorder();
  const runtime = new SimulatedRuntime({ listener, clock, timings: { pullMs: 200, startMs: 100, initRunMs: 100 } });
  const status = (key = 'default/web'): PodStatus => {
    const s = runtime.getPodStatus(key);
    assert.ok(s, `no status for ${key}`);
    return s;
  };
  const condition = (key: string, type: string): string | undefined => status(key).conditions.find((c) => c.type === type)?.status;
  return { clock, listener, runtime, status, condition };
}

test('a pod is Pending with ContainerCreating at once and Running with every condition true within the default timings', () => {
  const { clock, listener, runtime, status, condition } = setup();
  runtime.createPod(pod('web'), placement);
  assert.equal(status().phase, 'Pending');
  assert.deepEqual(status().containerStatuses[0]?.state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(status().podIP, '10.244.0.2');
  clock.advance(299);
  assert.equal(status().phase, 'Pending');
  clock.advance(1);
  const running = status();
  assert.equal(running.phase, 'Running');
  const c = running.containerStatuses[0];
  assert.ok(c && 'running' in c.state);
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.restartCount, 0);
  assert.match(c.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(condition('default/web', type), 'True', type);
  assert.deepEqual(listener.events.map((e) => e.reason), ['Pulling', 'Pulled', 'Created', 'Started']);
  assert.equal(listener.imageChanges, 1);
  assert.deepEqual(runtime.nodeImages('n-0')[0]?.names[1], 'docker.io/library/nginx:1.25');
});

test('a second pod with the same image on the node skips the pull ("already present on machine")', () => {
  const { clock, listener, runtime, status } = setup();
  runtime.createPod(pod('web'), placement);
  clock.advance(1000);
  listener.events = [];
  runtime.createPod(pod('web2'), { ...placement, podIP: '10.244.0.3' });
  clock.advance(100);
  assert.equal(status('default/web2').phase, 'Running');
  assert.equal(listener.events[0]?.reason, 'Pulled');
  assert.match(listener.events[0]?.message ?? '', /already present on machine/);
});

test('init containers run one by one before the app containers start', () => {
  const { clock, runtime, status, condition } = setup();
  runtime.createPod(pod('web', { initContainers: [{ name: 'one', image: 'busybox:1', imagePullPolicy: 'IfNotPresent' }, { name: 'two', image: 'busybox:1', imagePullPolicy: 'IfNotPresent' }] }), placement);
  assert.equal(condition('default/web', 'Initialized'), 'False');
  assert.deepEqual(status().containerStatuses[0]?.state, { waiting: { reason: 'PodInitializing' } });
  clock.advance(300); // pull + start of "one"
  assert.ok('running' in (status().initContainerStatuses?.[0]?.state ?? {}));
  assert.ok('waiting' in (status().initContainerStatuses?.[1]?.state ?? {}));
  clock.advance(100); // "one" exits
  assert.ok('terminated' in (status().initContainerStatuses?.[0]?.state ?? {}));
  clock.advance(200); // "two" (image present) starts and exits
  assert.ok('terminated' in (status().initContainerStatuses?.[1]?.state ?? {}));
  assert.equal(condition('default/web', 'Initialized'), 'True');
  clock.advance(1000);
  assert.equal(status().phase, 'Running');
});

test('a restartPolicy Never pod with a run time ends Succeeded with exit code 0, or Failed with another code', () => {
  const { clock, runtime, status } = setup();
  runtime.createPod(pod('ok', { restartPolicy: 'Never' }, { [ANNOTATIONS.runSeconds]: '2' }), placement);
  runtime.createPod(pod('bad', { restartPolicy: 'Never' }, { [ANNOTATIONS.runSeconds]: '1', [ANNOTATIONS.exitCode]: '3' }), { ...placement, podIP: '10.244.0.3' });
  clock.advance(1400); // both started at 300 ms; "bad" ran its 1 s
  assert.equal(status('default/ok').phase, 'Running');
  assert.equal(status('default/bad').phase, 'Failed');
  clock.advance(1000);
  const ok = status('default/ok');
  assert.equal(ok.phase, 'Succeeded');
  const terminated = ok.containerStatuses[0]?.state;
  assert.ok(terminated && 'terminated' in terminated);
  assert.equal(terminated.terminated.exitCode, 0);
  assert.equal(terminated.terminated.reason, 'Completed');
  const failed = status('default/bad').containerStatuses[0]?.state;
  assert.ok(failed && 'terminated' in failed);
  assert.equal(failed.terminated.exitCode, 3);
});

function restartSetup(backoff: { restartBackoffBaseMs: number; restartBackoffMaxMs: number }) {
  const clock = new ManualClock();
  const listener = new Recorder();
  const runtime = new SimulatedRuntime({ listener, clock, timings: { pullMs: 0, startMs: 100, initRunMs: 100, ...backoff } });
  const app = (key = 'default/web'): ContainerStatus => {
    const c = runtime.getPodStatus(key)?.containerStatuses[0];
    assert.ok(c, `no container status for ${key}`);
    return c;
  };
  return { clock, listener, runtime, app };
}

test('restartPolicy OnFailure ending Succeeded on exit 0', () => {
  const { clock, runtime, app } = restartSetup({ restartBackoffBaseMs: 1000, restartBackoffMaxMs: 4000 });
  runtime.createPod(pod('web', { restartPolicy: 'OnFailure' }, { [ANNOTATIONS.runSeconds]: '1' }), placement);
  clock.advance(1200);
  assert.equal(runtime.getPodStatus('default/web')?.phase, 'Succeeded');
  assert.equal(app().restartCount, 0);
});

test('a failing OnFailure container restarts at once, then backs off 1x, 2x, 4x the base up to the cap in CrashLoopBackOff while the pod stays Running', () => {
  const { clock, listener, runtime, app } = restartSetup({ restartBackoffBaseMs: 1000, restartBackoffMaxMs: 4000 });
  runtime.createPod(pod('web', { restartPolicy: 'OnFailure' }, { [ANNOTATIONS.runSeconds]: '0.5', [ANNOTATIONS.exitCode]: '2' }), placement);
  clock.advance(100); // started at 100 ms (image present: pullMs 0)
  assert.ok('running' in app().state);
  clock.advance(500); // first exit: restarted without back-off, after startMs
  let c = app();
  assert.ok('terminated' in c.state, JSON.stringify(c.state));
  assert.equal(c.ready, false);
  clock.advance(100);
  c = app();
  assert.ok('running' in c.state);
  assert.equal(c.restartCount, 1);
  assert.ok('terminated' in c.lastState && c.lastState.terminated.exitCode === 2 && c.lastState.terminated.reason === 'Error', JSON.stringify(c.lastState));
  assert.equal(listener.events.filter((e) => e.reason === 'BackOff').length, 0);
  const waits: string[] = [];
  for (let restart = 2; restart <= 5; restart++) {
    clock.advance(500); // exits again: back-off
    c = app();
    const status = runtime.getPodStatus('default/web');
    assert.equal(status?.phase, 'Running');
    assert.equal(status?.conditions.find((x) => x.type === 'Ready')?.status, 'False');
    assert.ok('waiting' in c.state, JSON.stringify(c.state));
    assert.equal(c.state.waiting.reason, 'CrashLoopBackOff');
    waits.push(c.state.waiting.message ?? '');
    const delay = Math.min(1000 * 2 ** (restart - 2), 4000);
    clock.advance(delay - 1);
    assert.ok('waiting' in app().state, `still backing off 1 ms before the ${delay} ms back-off ends`);
    clock.advance(1);
    assert.ok('running' in app().state, `restarted after ${delay} ms`);
    assert.equal(app().restartCount, restart);
  }
  assert.deepEqual(waits, ['1s', '2s', '4s', '4s'].map((d) => `back-off ${d} restarting failed container=app pod=web_default(uid-web)`));
  const backOffs = listener.events.filter((e) => e.reason === 'BackOff');
  assert.equal(backOffs.length, 4);
  assert.deepEqual(backOffs[0], { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container app in pod web_default(uid-web)', fieldPath: 'spec.containers{app}' });
});

test('restartPolicy Always restarts a container that exits 0 too; one that ran longer than twice the max back-off restarts at once', () => {
  const { clock, runtime, app } = restartSetup({ restartBackoffBaseMs: 1000, restartBackoffMaxMs: 2000 });
  runtime.createPod(pod('web', {}, { [ANNOTATIONS.runSeconds]: '5' }), placement);
  clock.advance(100);
  for (let restart = 1; restart <= 3; restart++) {
    clock.advance(5000 + 100); // runs 5 s (> 2 x 2 s), exits 0, restarted after startMs, never backing off
    const c = app();
    assert.ok('running' in c.state, `restart ${restart}: ${JSON.stringify(c.state)}`);
    assert.equal(c.restartCount, restart);
    assert.ok('terminated' in c.lastState && c.lastState.terminated.reason === 'Completed');
    assert.equal(runtime.getPodStatus('default/web')?.phase, 'Running');
  }
});

test('the ready annotation flips readiness and the Ready condition both ways', () => {
  const { clock, runtime, status, condition } = setup();
  runtime.createPod(pod('web'), placement);
  clock.advance(1000);
  assert.equal(condition('default/web', 'Ready'), 'True');
  runtime.updatePod(pod('web', {}, { [ANNOTATIONS.ready]: 'false' }));
  assert.equal(condition('default/web', 'Ready'), 'False');
  assert.equal(condition('default/web', 'ContainersReady'), 'False');
  assert.equal(status().containerStatuses[0]?.ready, false);
  assert.equal(status().phase, 'Running');
  runtime.updatePod(pod('web'));
  assert.equal(condition('default/web', 'Ready'), 'True');
});

test('deletion emits Killing and stops after the containers stop, never later than the grace period', () => {
  const { clock, listener, runtime, status } = setup();
  runtime.createPod(pod('slow', {}, { [ANNOTATIONS.stopSeconds]: '60' }), placement);
  clock.advance(1000);
  runtime.deletePod('default/slow', 5);
  assert.equal(listener.events.at(-1)?.reason, 'Killing');
  clock.advance(4999);
  assert.deepEqual(listener.stopped, []);
  clock.advance(1);
  assert.deepEqual(listener.stopped, ['default/slow']);
  const state = status('default/slow').containerStatuses[0]?.state;
  assert.ok(state && 'terminated' in state);
  assert.equal(state.terminated.exitCode, 137);
});

test('a pod that already runs (agent restart) is adopted without a new lifecycle or events', () => {
  const { clock, listener, runtime, status } = setup();
  runtime.createPod(pod('web'), placement);
  clock.advance(1000);
  const before = status();
  const restarted = new Recorder();
  const second = new SimulatedRuntime({ listener: restarted, clock });
  second.createPod({ ...pod('web'), status: before }, placement);
  assert.deepEqual(second.getPodStatus('default/web'), before);
  clock.advance(1000);
  assert.equal(restarted.changes, 0);
  assert.equal(restarted.events.length, 0);
  assert.ok(listener.changes > 0);
});
