// `npm run bench:scheduler`: how fast the scheduler worker binds pods.
//
// Phase 1: pods bound per second with 1,000 and 10,000 pending pods on 100 and
// 1,000 simulated nodes. Nodes and pods are written first; the clock starts
// when the scheduler worker starts (its informers list everything, its
// dispatcher's start-up resync puts every pending pod on the BullMQ queue it
// consumes) and stops when the last pod is bound. Every bind goes through the same path as pods/binding
// (fresh read, node fit check against the pods bound to the node, conditional
// write, PodScheduled condition) under the per-node PostgreSQL advisory lock,
// plus a Scheduled event.
//
// Phase 2: a 10,000-replica burst to Running. No Deployment/ReplicaSet
// controller exists yet, so this creates the 10,000 pods the way a ReplicaSet
// controller would (64 concurrent creates) while the scheduler runs, and a
// simulated kubelet (one watch on bound pods) writes phase Running for each.
// The figure is creation start to the last pod Running.
//
// Starts its own embedded PostgreSQL (default durability: fsync on) and
// redis-server in a temporary directory and removes them at the end.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtinRegistryFor } from '../src/api/resources/registry.js';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { createLogger } from '../src/log.js';
import { defaultAdmission } from '../src/objects/default-admission.js';
import { ObjectService, type ResourceRef } from '../src/objects/service.js';
import { startLocalRedis } from '../src/infra/redis-server.js';
import { SchedulerWorker } from '../src/scheduler/worker/scheduler-worker.js';
import { Store, type KubeObject } from '../src/store/index.js';

const log = createLogger(process.env.KUBEQL_LOG_LEVEL ?? 'warn');
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const ADMIN = { username: 'bench', groups: ['system:masters'] };
const SCENARIOS: [pods: number, nodes: number][] = [
  [1_000, 100],
  [10_000, 100],
  [1_000, 1_000],
  [10_000, 1_000],
];
const DEPLOYMENT_REPLICAS = Number(process.env.BENCH_REPLICAS ?? 10_000);
const WRITERS = 64;
const PARALLEL_BINDS = Number(process.env.BENCH_PARALLEL_BINDS ?? 64);

function node(name: string, zone: number): KubeObject {
  const allocatable = { cpu: '64', memory: '256Gi', pods: '250' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${zone}` } },
    spec: {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  };
}

function pod(name: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '64Mi' } } }] },
  };
}

async function inParallel(count: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) await op(next++);
    }),
  );
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Refs {
  pods: ResourceRef;
  nodes: ResourceRef;
}

async function setUp(objects: ObjectService, cluster: string, nodes: number): Promise<Refs> {
  const refs = { pods: objects.resource(cluster, '', 'v1', 'pods'), nodes: objects.resource(cluster, '', 'v1', 'nodes') };
  await inParallel(nodes, (i) => objects.create(refs.nodes, '', node(`node-${i}`, i % 3), { requester: ADMIN }));
  return refs;
}

interface Backends {
  databaseUrl: string;
  redisUrl: string;
}

/** A scheduler worker as `kubeql scheduler` runs it, limited to one cluster with its own queue and cursor. */
function schedulerFor(objects: ObjectService, backends: Backends, cluster: string): SchedulerWorker {
  return new SchedulerWorker({ objects, log, parallelBinds: PARALLEL_BINDS, feed: { ...backends, prefix: `bench-${cluster}`, consumer: `bench-${cluster}`, clusters: [cluster], resyncMs: 0, pollIntervalMs: 200 } });
}

async function bindRate(objects: ObjectService, backends: Backends, pods: number, nodes: number): Promise<{ seconds: number; offered: number; rate: number; conflicts: number }> {
  const cluster = `bench-${pods}-${nodes}-${Date.now().toString(36)}`;
  const refs = await setUp(objects, cluster, nodes);
  await inParallel(pods, (i) => objects.create(refs.pods, 'default', pod(`p-${i}`, `app-${i % 10}`), { requester: ADMIN }));
  const started = process.hrtime.bigint();
  const worker = schedulerFor(objects, backends, cluster);
  const scheduler = worker.addCluster(cluster);
  await worker.start();
  try {
    await waitFor(() => scheduler.stats.offered >= pods, 600_000, `${pods} pods offered by the queue`);
    const offered = Number(process.hrtime.bigint() - started) / 1e9;
    await waitFor(() => scheduler.stats.bound >= pods, 600_000, `${pods} pods bound`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, offered, rate: pods / seconds, conflicts: scheduler.stats.bindConflicts };
  } finally {
    await worker.stop();
  }
}

async function burstToRunning(objects: ObjectService, backends: Backends, replicas: number, nodes: number): Promise<{ created: number; bound: number; running: number }> {
  const cluster = `bench-burst-${Date.now().toString(36)}`;
  const refs = await setUp(objects, cluster, nodes);
  const worker = schedulerFor(objects, backends, cluster);
  const scheduler = worker.addCluster(cluster);
  await scheduler.synced();
  await worker.start();
  // The simulated kubelet: every pod that gets a node is reported Running.
  const watch = await objects.watch(refs.pods, '', { resourceVersion: '0' });
  let running = 0;
  const started = process.hrtime.bigint();
  const since = (): number => Number(process.hrtime.bigint() - started) / 1e9;

  const kubelet = (async () => {
    const pending: Promise<unknown>[] = [];
    for await (const event of watch) {
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
      const p = event.object;
      const spec = p.spec as { nodeName?: string };
      const status = (p.status ?? {}) as { phase?: string };
      if (!spec.nodeName || status.phase === 'Running') continue;
      if (pending.length >= WRITERS) await Promise.race(pending);
      const write = objects
        .update(refs.pods, 'default', p.metadata.name ?? '', { ...p, status: { ...status, phase: 'Running' } }, { requester: ADMIN, subresource: 'status' })
        .then(
          () => void running++,
          () => undefined, // a newer version (the PodScheduled condition) arrives as MODIFIED and is retried then
        )
        .finally(() => pending.splice(pending.indexOf(write), 1));
      pending.push(write);
    }
  })();
  try {
    await inParallel(replicas, (i) => objects.create(refs.pods, 'default', pod(`web-${i}`, 'web'), { requester: ADMIN }));
    const created = since();
    await waitFor(() => scheduler.stats.bound >= replicas, 600_000, 'all replicas bound');
    const bound = since();
    await waitFor(() => running >= replicas, 600_000, 'all replicas Running');
    return { created, bound, running: since() };
  } finally {
    watch.close();
    await kubelet;
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-scheduler-'));
  const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), log });
  const redis = await startLocalRedis({ dir: undefined, log, say });
  let store: Store | undefined;
  // Ctrl-C must not leave the benchmark's PostgreSQL or Redis running.
  const interrupted = (): void => {
    void Promise.allSettled([postgres.stop(), redis.stop()]).finally(() => fs.rm(dir, { recursive: true, force: true }).finally(() => process.exit(130)));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await migrate(postgres.url, log);
    store = new Store({ databaseUrl: postgres.url, log, poolSize: 20 });
    const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
    const backends = { databaseUrl: postgres.url, redisUrl: redis.url };
    say(`scheduler benchmark: ${os.cpus().length} cores, node ${process.version}, embedded PostgreSQL (fsync on)`);
    say('');
    say('| pending pods | nodes | seconds | pods bound/s | all on the queue after (s) | bind conflicts |');
    say('|---:|---:|---:|---:|---:|---:|');
    const only = process.env.BENCH_SCENARIOS?.split(',');
    for (const [pods, nodes] of SCENARIOS) {
      if (only && !only.includes(`${pods}x${nodes}`)) continue;
      const r = await bindRate(objects, backends, pods, nodes);
      say(`| ${pods.toLocaleString('en')} | ${nodes.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${r.rate.toFixed(0)} | ${r.offered.toFixed(1)} | ${r.conflicts} |`);
    }
    if (process.env.BENCH_SKIP_BURST !== '1') {
      say('');
      const r = await burstToRunning(objects, backends, DEPLOYMENT_REPLICAS, 1_000);
      say(`${DEPLOYMENT_REPLICAS.toLocaleString('en')} replicas on 1,000 nodes: all created ${r.created.toFixed(1)} s, all bound ${r.bound.toFixed(1)} s, all Running ${r.running.toFixed(1)} s after the first create`);
    }
  } finally {
    await store?.close();
    await redis.stop();
    await postgres.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scheduler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
