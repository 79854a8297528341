import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerManager } from '../../../src/controllers/runtime/controller-manager.js';
import { defineController, done, requeueAfter, TerminalError, type ControllerDefinition, type ReconcileContext } from '../../../src/controllers/runtime/define.js';
import type { KubeObject } from '../../../src/store/types.js';
import { uniqueClusterName } from '../../helpers/env.js';
import { admin, eventually, obliterate, testManager, testObjects } from '../helpers.js';

const objects = testObjects();
const managers: ControllerManager[] = [];
after(async () => {
  for (const m of managers) {
    await m.stop();
    await obliterate(m.prefix, ['probe']);
  }
  await objects.store.close();
});

const cmRef = (cluster: string) => objects.resource(cluster, '', 'v1', 'configmaps');
const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** A controller over ConfigMaps whose behaviour each test chooses. */
function probe(reconcile: (ctx: ReconcileContext) => ReturnType<ControllerDefinition['reconcile']>): ControllerDefinition {
  return defineController({ name: 'probe', route: { name: 'probe', for: { group: '', resource: 'configmaps', kind: 'ConfigMap' } }, concurrency: 4, reconcile });
}

async function started(cluster: string, def: ControllerDefinition, extra = {}): Promise<ControllerManager> {
  const m = testManager(objects, cluster, [def], extra);
  managers.push(m);
  await m.start();
  return m;
}

describe('controller runtime', () => {
  it('a change to an object reconciles its key (jobs carry only the key)', async () => {
    const cluster = uniqueClusterName('rt');
    const seen: string[] = [];
    await started(cluster, probe(async ({ key }) => {
      seen.push(`${key.cluster === cluster}/${key.namespace}/${key.name}`);
      return done();
    }));
    await objects.create(cmRef(cluster), 'default', configMap('a'), { requester: admin });
    await eventually(async () => seen.includes('true/default/a'), 5000, 'reconcile of default/a');
  });

  it('a failing reconcile is retried with growing delays until it succeeds, and counted as errors', async () => {
    const cluster = uniqueClusterName('rt');
    const times: number[] = [];
    const m = await started(cluster, probe(async () => {
      times.push(Date.now());
      if (times.length < 5) throw new Error('not yet');
      return done();
    }), { backoff: { baseMs: 20, maxMs: 10_000 }, metrics: { host: '127.0.0.1', port: 0 } });
    await objects.create(cmRef(cluster), 'default', configMap('flaky'), { requester: admin });
    await eventually(async () => times.length >= 5, 10_000, 'five attempts');
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // 20, 40, 80, 160 ms (timer buckets are 100 ms, so only a lower bound holds).
    assert.ok((gaps[3] ?? 0) >= 160, `gaps ${gaps.join(',')}`);
    assert.ok((gaps[3] ?? 0) > (gaps[0] ?? 0), `gaps grow: ${gaps.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(times.length, 5, 'no retry after success');
    const snapshot = m.metrics.snapshot().find((s) => s.controller === 'probe');
    assert.equal(snapshot?.errors, 4);
    assert.equal(snapshot?.reconciles, 5);
    const response = await fetch(`http://127.0.0.1:${m.metricsPort ?? 0}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /controller_runtime_reconcile_errors_total\{controller="probe"\} 4/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="probe",result="success"\} 1/);
    assert.match(text, /workqueue_depth\{name="probe"\} \d+/);
    assert.match(text, /workqueue_retries_total\{name="probe"\} 4/);
    assert.match(text, /workqueue_adds_total\{name="probe"\} 5/);
    assert.match(text, /workqueue_work_duration_seconds_count\{name="probe"\} 5/);
    assert.match(text, /workqueue_queue_duration_seconds_count\{name="probe"\} 5/);
    const health = await fetch(`http://127.0.0.1:${m.metricsPort ?? 0}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok');
    assert.equal((await fetch(`http://127.0.0.1:${m.metricsPort ?? 0}/other`)).status, 404);
  });

  it('queue depth on /metrics counts waiting and delayed jobs, read from BullMQ at most once per cache period', async () => {
    const cluster = uniqueClusterName('rt');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One reconcile at a time that waits: the rest of the keys stay queued.
    const m = await started(cluster, { ...probe(async () => {
      await gate;
      return done();
    }), concurrency: 1 }, { metrics: { host: '127.0.0.1', port: 0 }, depthCacheMs: 60_000 });
    const depth = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${m.metricsPort ?? 0}/metrics`)).text();
      return Number(/workqueue_depth\{name="probe"\} (\d+)/.exec(text)?.[1]);
    };
    // Read once while empty: the next scrapes inside the cache period reuse it.
    assert.equal(await depth(), 0);
    for (const name of ['a', 'b', 'c', 'd']) await m.enqueue('probe', { cluster, namespace: 'default', name });
    assert.equal(await depth(), 0, 'cached');
    await eventually(async () => (await m.depths()).get('probe') === 3, 5000, 'one running, three waiting');
    release();
    await eventually(async () => (await m.depths()).get('probe') === 0, 5000, 'queue drained');
  });

  it('a terminal error is not retried and becomes a Warning event on the object', async () => {
    const cluster = uniqueClusterName('rt');
    let calls = 0;
    await started(cluster, probe(async ({ store, key }) => {
      calls += 1;
      const object = await store.get({ ...key, group: '', resource: 'configmaps' });
      throw new TerminalError('spec.data.mode must be one of a, b', 'InvalidMode', object ?? undefined);
    }));
    await objects.create(cmRef(cluster), 'default', configMap('bad', { mode: 'z' }), { requester: admin });
    const event = await eventually(async () => (await objects.list(objects.resource(cluster, '', 'v1', 'events'), 'default')).items.find((e) => e.reason === 'InvalidMode'), 5000, 'the Warning event');
    assert.equal(event.type, 'Warning');
    assert.equal(event.message, 'spec.data.mode must be one of a, b');
    assert.equal((event.involvedObject as { name?: string }).name, 'bad');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(calls, 1);
  });

  it('requeueAfter reconciles the key again after the delay, and a change meanwhile still reconciles at once', async () => {
    const cluster = uniqueClusterName('rt');
    const times: number[] = [];
    await started(cluster, probe(async () => {
      times.push(Date.now());
      return times.length === 1 ? requeueAfter(1500) : done();
    }));
    const start = Date.now();
    await objects.create(cmRef(cluster), 'default', configMap('later'), { requester: admin });
    await eventually(async () => times.length >= 1, 5000, 'first reconcile');
    await objects.patch(cmRef(cluster), 'default', 'later', 'merge', { data: { x: '1' } }, { requester: admin });
    await eventually(async () => times.length >= 2, 1000, 'the change reconciled before the timer');
    assert.ok((times[1] as number) - start < 1400);
    await eventually(async () => times.length >= 3, 4000, 'the timer fired');
    assert.ok((times[2] as number) - (times[0] as number) >= 1400, 'not before the delay');
  });

  it('repeated events are aggregated into one Event with a count', async () => {
    const cluster = uniqueClusterName('rt');
    let n = 0;
    await started(cluster, probe(async ({ store, key, events }) => {
      const object = await store.get({ ...key, group: '', resource: 'configmaps' });
      if (object !== null) await events.record(object, 'Normal', 'Seen', 'seen it');
      n += 1;
      return n < 3 ? requeueAfter(0) : done();
    }));
    await objects.create(cmRef(cluster), 'default', configMap('agg'), { requester: admin });
    const event = await eventually(async () => (await objects.list(objects.resource(cluster, '', 'v1', 'events'), 'default')).items.find((e) => e.reason === 'Seen' && e.count === 3), 5000, 'count 3');
    assert.notEqual(event.firstTimestamp, undefined);
    const all = (await objects.list(objects.resource(cluster, '', 'v1', 'events'), 'default')).items.filter((e) => e.reason === 'Seen');
    assert.equal(all.length, 1);
  });

  it('stop() waits for a running reconcile and aborts it after the grace time', async () => {
    const cluster = uniqueClusterName('rt');
    let aborted = false;
    let began = false;
    const m = await started(cluster, probe(async ({ signal }) => {
      began = true;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = signal.aborted;
      return done();
    }), { shutdownGraceMs: 200 });
    await objects.create(cmRef(cluster), 'default', configMap('slow'), { requester: admin });
    await eventually(async () => began, 5000, 'the reconcile began');
    const t = Date.now();
    await m.stop();
    assert.ok(aborted, 'the signal was aborted');
    assert.ok(Date.now() - t >= 150);
  });
});
