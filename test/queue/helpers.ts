// Shared set-up for queue tests: a registry with a ReplicaSet-like controller,
// queues under a private Redis prefix, and a dispatcher limited to one cluster
// (tests share one database and one Redis).
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/log.js';
import { ControllerRegistry, Dispatcher, type DispatcherOptions, type ReconcileJobData } from '../../src/queue/index.js';
import { testDatabaseUrl, testRedisUrl } from '../helpers/env.js';

export function testRegistry(): ControllerRegistry {
  const registry = new ControllerRegistry();
  registry.register({ name: 'replicaset', for: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet' }, owns: [{ group: '', resource: 'pods' }] });
  registry.register({
    name: 'endpoints',
    for: { group: '', resource: 'endpoints', kind: 'Endpoints' },
    // A service change maps to the endpoints of the same name.
    watches: [{ group: '', resource: 'services', map: (c) => [{ cluster: c.cluster, namespace: c.namespace, name: c.name }] }],
  });
  return registry;
}

export interface QueueTestContext {
  prefix: string;
  consumer: string;
}

export function queueTestContext(): QueueTestContext {
  const id = randomBytes(4).toString('hex');
  return { prefix: `kq-test-${id}`, consumer: `test-${id}` };
}

export function testDispatcher(ctx: QueueTestContext, cluster: string, extra: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    databaseUrl: testDatabaseUrl(),
    redisUrl: testRedisUrl(),
    registry: testRegistry(),
    log: silentLogger(),
    consumer: ctx.consumer,
    prefix: ctx.prefix,
    clusters: [cluster],
    pollIntervalMs: 200,
    resyncMs: 0,
    ...extra,
  });
}

/** A queue handle for inspecting what the dispatcher enqueued. */
export function inspectQueue(ctx: QueueTestContext, controller: string): { queue: Queue<ReconcileJobData>; redis: Redis } {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  return { queue: new Queue<ReconcileJobData>(controller, { connection: redis, prefix: ctx.prefix }), redis };
}

export async function waitingKeys(queue: Queue<ReconcileJobData>): Promise<string[]> {
  const jobs: Job<ReconcileJobData>[] = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.map((j) => `${j.data.namespace}/${j.data.name}`).sort();
}

/** Polls until `check` returns true or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
