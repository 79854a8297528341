import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Dispatcher, ReconcileJobData } from '../../src/queue/index.js';
import { Store, type KubeObject } from '../../src/store/index.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from '../helpers/env.js';
import { eventually, inspectQueue, queueTestContext, testDispatcher, waitingKeys } from './helpers.js';

const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await store.close();
});

function started(dispatcher: Dispatcher): Dispatcher {
  cleanups.push(() => dispatcher.stop());
  return dispatcher;
}

function inspect(ctx: ReturnType<typeof queueTestContext>, controller: string): ReturnType<typeof inspectQueue> {
  const handle = inspectQueue(ctx, controller);
  cleanups.push(async () => {
    await handle.queue.obliterate({ force: true }).catch(() => undefined);
    await handle.queue.close();
    handle.redis.disconnect();
  });
  return handle;
}

const replicaSets = (cluster: string) => ({ cluster, group: 'apps', resource: 'replicasets', namespace: 'default' });
const pods = (cluster: string) => ({ cluster, group: '', resource: 'pods', namespace: 'default' });
const rs = (name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas: 1 } });

async function cursorOf(consumer: string, cluster: string): Promise<number> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ rv: string }>('SELECT rv FROM outbox_cursors WHERE consumer = $1 AND cluster = $2', [consumer, cluster]);
    return Number(rows[0]?.rv ?? 0);
  } finally {
    await client.end();
  }
}

describe('outbox dispatcher', () => {
  it('enqueues a job for the changed object and for the owner of a changed pod', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    const { queue } = inspect(ctx, 'replicaset');
    const dispatcher = started(testDispatcher(ctx, cluster));
    await dispatcher.start();
    const owner = await store.create(replicaSets(cluster), rs('web'));
    await store.create(pods(cluster), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lonely-pod' },
    });
    await store.create({ ...replicaSets(cluster), namespace: 'other' }, rs('api'));
    await store.create({ ...pods(cluster), namespace: 'other' }, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api-x', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api', uid: owner.metadata.uid as string, controller: true }] },
    });
    await eventually(async () => (await waitingKeys(queue)).length === 2, 5000, 'two jobs');
    assert.deepEqual(await waitingKeys(queue), ['default/web', 'other/api']);
    const head = (await store.list(pods(cluster))).resourceVersion;
    await eventually(async () => (await cursorOf(ctx.consumer, cluster)) === Number(head), 5000, 'the cursor to reach the head');
  });

  it('a burst of changes to one object is one queued job', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    const { queue } = inspect(ctx, 'replicaset');
    const dispatcher = started(testDispatcher(ctx, cluster));
    await dispatcher.start();
    const key = { ...replicaSets(cluster), name: 'web' };
    let current = await store.create(replicaSets(cluster), rs('web'));
    for (let i = 0; i < 20; i++) current = await store.update(key, { ...current, spec: { replicas: i + 2 } });
    await eventually(async () => (await cursorOf(ctx.consumer, cluster)) === Number(current.metadata.resourceVersion), 5000, 'the cursor');
    const jobs = await queue.getJobs(['waiting']);
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0]?.data, { cluster, namespace: 'default', name: 'web' });
  });

  it('a key that changes while its job runs is reconciled again afterwards', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    inspect(ctx, 'replicaset');
    const dispatcher = started(testDispatcher(ctx, cluster));
    await dispatcher.start();
    const key = { ...replicaSets(cluster), name: 'web' };
    const seen: number[] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const worker = new Worker<ReconcileJobData>(
      'replicaset',
      async (job: Job<ReconcileJobData>) => {
        const object = await store.get({ ...replicaSets(job.data.cluster), namespace: job.data.namespace, name: job.data.name });
        seen.push(Number((object?.spec as { replicas: number } | undefined)?.replicas));
        if (seen.length === 1) await blocked;
      },
      { connection, prefix: ctx.prefix },
    );
    cleanups.push(async () => {
      await worker.close();
      connection.disconnect();
    });
    const created = await store.create(replicaSets(cluster), rs('web'));
    await eventually(async () => seen.length === 1, 5000, 'the first reconcile to start');
    // Changed while its job is running: must not be absorbed by that job.
    const changed = await store.update(key, { ...created, spec: { replicas: 5 } });
    await eventually(async () => (await cursorOf(ctx.consumer, cluster)) === Number(changed.metadata.resourceVersion), 5000, 'the change to be dispatched');
    release();
    await eventually(async () => seen.length === 2, 5000, 'a second reconcile');
    assert.deepEqual(seen, [1, 5]);
  });

  it('a crash between commit and enqueue loses nothing: the restarted dispatcher enqueues the job', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    const { queue } = inspect(ctx, 'replicaset');
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-dispatcher.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, cluster, ctx.prefix, ctx.consumer], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    cleanups.push(async () => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await eventually(async () => output.includes('started'), 20_000, 'the child dispatcher to start');
    const created = await store.create(replicaSets(cluster), rs('web'));
    assert.equal(await exited, 'SIGKILL');
    assert.ok(output.includes('crashing'));
    // The object is committed, its job never reached Redis, and the cursor did not move.
    assert.deepEqual(await waitingKeys(queue), []);
    assert.equal(await cursorOf(ctx.consumer, cluster), 0);
    const restarted = started(testDispatcher(ctx, cluster));
    await restarted.start();
    await eventually(async () => (await waitingKeys(queue)).length === 1, 5000, 'the job after restart');
    assert.deepEqual(await waitingKeys(queue), ['default/web']);
    await eventually(async () => (await cursorOf(ctx.consumer, cluster)) === Number(created.metadata.resourceVersion), 5000, 'the cursor');
  });

  it('two replicas running together dispatch every change and the cursor reaches the head', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    const { queue } = inspect(ctx, 'replicaset');
    const a = started(testDispatcher(ctx, cluster));
    const b = started(testDispatcher(ctx, cluster));
    await Promise.all([a.start(), b.start()]);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.create(replicaSets(cluster), rs(`rs-${String(i).padStart(2, '0')}`))));
    await eventually(async () => (await waitingKeys(queue)).length === 30, 5000, 'thirty jobs');
    const head = (await store.list(replicaSets(cluster))).resourceVersion;
    await eventually(async () => (await cursorOf(ctx.consumer, cluster)) === Number(head), 5000, 'the cursor');
  });

  it('resync re-enqueues every object, at start and after Redis reconnects', async () => {
    const ctx = queueTestContext();
    const cluster = uniqueClusterName('q');
    const { queue } = inspect(ctx, 'replicaset');
    for (const name of ['a', 'b', 'c']) await store.create(replicaSets(cluster), rs(name));
    // Jobs lost (as if Redis had lost them) and the cursor already past the changes.
    const first = started(testDispatcher(ctx, cluster));
    await first.start();
    await eventually(async () => (await waitingKeys(queue)).length === 3, 5000, 'jobs from the log');
    // The start-up resync may still be adding the same keys: drain until the queue stays empty.
    await eventually(async () => {
      await queue.drain();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await waitingKeys(queue)).length === 0;
    }, 10_000, 'an empty queue');
    // The dispatcher's Redis connection drops and comes back: it resyncs.
    const dispatcherRedis = (first as unknown as { redis: Redis }).redis;
    const id = (await dispatcherRedis.client('ID')) as number;
    const admin = new Redis(testRedisUrl());
    await admin.client('KILL', 'ID', String(id));
    admin.disconnect();
    await eventually(async () => (await waitingKeys(queue)).length === 3, 5000, 'jobs from the resync after reconnect');
    await queue.drain();
    // A new dispatcher resyncs at start.
    await first.stop();
    const second = started(testDispatcher({ ...ctx }, cluster));
    await second.start();
    assert.deepEqual(await waitingKeys(queue), ['default/a', 'default/b', 'default/c']);
  });
});
