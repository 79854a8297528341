// `npm run bench:graphql`: the GraphQL API under a dashboard's load.
//  1. The dashboard query (every deployment with its pods and their nodes)
//     over 1,000 pods: latency p50/p99 over repeated requests.
//  2. Subscription fan-out: 1,000 graphql-ws subscribers (one socket each)
//     watching the pods of one namespace while pods there are updated at a
//     steady rate: events/s delivered and delivery latency p50/p99, measured
//     from just before the write to the subscriber's receipt (wall clock).
//
// Starts its own embedded PostgreSQL (fsync off: the reads and the watch path
// are measured, not disk flushes) and redis-server in a temporary directory,
// and the API on a loopback port, all in this process, and removes them at the
// end. The 1,000 subscribers run in a child process (same machine).

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import type { Client } from 'graphql-ws';
import type { ObjectService } from '../src/objects/service.js';
import type { KubeObject } from '../src/store/types.js';

// Measured as deployed (the Dockerfile sets NODE_ENV=production): graphql-js
// runs extra development-mode checks otherwise. Set before the modules load.
process.env.NODE_ENV ??= 'production';
const { createClient } = await import('graphql-ws');
const { default: WebSocket } = await import('ws');
const { startApi } = await import('../src/api/start.js');
const { ADMIN_GROUPS, issueToken } = await import('../src/auth/tokens.js');
const { migrate } = await import('../src/db/migrate.js');
const { startEmbeddedPostgres } = await import('../src/infra/embedded-postgres.js');
const { startLocalRedis } = await import('../src/infra/redis-server.js');
const { createLogger } = await import('../src/log.js');

const DEPLOYMENTS = 100;
const PODS_PER_DEPLOYMENT = 10;
const NODES = 50;
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 100);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const FANOUT_WRITES_PER_S = Number(process.env.BENCH_WRITES_PER_S ?? 20);
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
const CLUSTER = 'bench';

const log = createLogger(process.env.KUBEQL_LOG_LEVEL ?? 'warn');
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const admin = { requester: { username: 'bench', groups: ['system:masters'] } };

const DASHBOARD = `{
  deployments(namespace: "dash", first: 500) {
    totalCount
    nodes {
      metadata { name }
      status { replicas readyReplicas }
      pods {
        metadata { name }
        status { phase }
        containers { name ready restartCount }
        node { metadata { name } ready }
      }
    }
  }
}`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
// The machine is shared: every phase reports the load it ran under.
const load = (): string => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;

async function create(objects: ObjectService, body: KubeObject): Promise<KubeObject> {
  const ref = objects.resourceForKind(CLUSTER, body.apiVersion ?? '', body.kind ?? '');
  return objects.create(ref, ref.resource.namespaced ? (body.metadata.namespace ?? 'default') : '', body, admin);
}

function podOf(owner: KubeObject, i: number, nodeName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner.metadata.name}-${i}`,
      namespace: owner.metadata.namespace,
      labels: { app: owner.metadata.name ?? '' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true }],
    },
    spec: { nodeName, containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

async function seed(objects: ObjectService): Promise<void> {
  for (const ns of ['dash', 'fan']) await create(objects, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await Promise.all(
    Array.from({ length: NODES }, (_, i) =>
      create(objects, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` }, status: { allocatable: { cpu: '32', memory: '128Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } }),
    ),
  );
  let podIndex = 0;
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const name = `app-${d}`;
    const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const deployment = await create(objects, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'dash' }, spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: { app: name } }, template } });
    const rs = await create(objects, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${name}-rs`, namespace: 'dash', labels: { app: name }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deployment.metadata.uid ?? '', controller: true }] },
      spec: { replicas: PODS_PER_DEPLOYMENT, selector: { matchLabels: { app: name } }, template },
    });
    await Promise.all(Array.from({ length: PODS_PER_DEPLOYMENT }, (_, i) => create(objects, podOf(rs, i, `node-${podIndex++ % NODES}`))));
  }
  await create(objects, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', namespace: 'fan' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
}

async function dashboardLatency(url: string, token: string): Promise<number[]> {
  const run = async (): Promise<number> => {
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: DASHBOARD }) });
    const body = (await res.json()) as { data?: { deployments: { totalCount: number; nodes: { pods: unknown[] }[] } }; errors?: unknown };
    const elapsed = performance.now() - started;
    const pods = body.data?.deployments.nodes.reduce((n, d) => n + d.pods.length, 0);
    if (pods !== DEPLOYMENTS * PODS_PER_DEPLOYMENT) throw new Error(`dashboard query returned ${String(pods)} pods: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return elapsed;
  };
  for (let i = 0; i < 5; i++) await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) samples.push(await run());
  return samples.sort((a, b) => a - b);
}

// Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine.
const wallClock = (): number => performance.timeOrigin + performance.now();

interface FanoutResult {
  delivered: number;
  latencies: number[];
  /** CPU time (user + system, µs) the subscriber process spent while events arrived. */
  cpuMicros: number;
}

/**
 * The subscriber side, run in a child process so the clients' work (frame
 * parsing, graphql-ws bookkeeping) is not charged to the server's event loop.
 * Reports over IPC: 'ready' once every subscription is open, then the latencies.
 */
async function runSubscribers(url: string, token: string, count: number, resourceVersion: string, expected: number): Promise<void> {
  const clients: Client[] = [];
  const latencies: number[] = [];
  let connected = 0;
  for (let i = 0; i < count; i++) {
    const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, on: { connected: () => void (++connected === count && process.send?.('ready')) } });
    clients.push(client);
    client.subscribe<{ pods: { object: { metadata: { annotations: Record<string, string> } } } }>(
      { query: `subscription { pods(namespace: "fan", resourceVersion: "${resourceVersion}") { type resourceVersion object { metadata { name annotations } } } }` },
      {
        next: (value) => {
          const sent = Number(value.data?.pods.object.metadata.annotations['bench/sent']);
          if (Number.isFinite(sent)) latencies.push(wallClock() - sent);
        },
        error: (err) => log.warn({ err }, 'subscriber failed'),
        complete: () => undefined,
      },
    );
  }
  const cpuBefore = await new Promise<NodeJS.CpuUsage>((resolve) => process.once('message', () => resolve(process.cpuUsage())));
  const deadline = await new Promise<number>((resolve) => process.once('message', (m) => resolve(Number(m))));
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all(clients.map((c) => c.dispose()));
  const result: FanoutResult = { delivered: latencies.length, latencies, cpuMicros: cpu.user + cpu.system };
  await new Promise<void>((resolve) => process.send?.(result, () => resolve()));
}

async function fanout(url: string, token: string, objects: ObjectService): Promise<{ delivered: number; expected: number; seconds: number; latencies: number[]; serverCpuMicros: number; clientCpuMicros: number }> {
  const list = await objects.list(objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'fan');
  const writes = FANOUT_WRITES_PER_S * FANOUT_SECONDS;
  const expected = writes * SUBSCRIBERS;
  const child = fork(new URL(import.meta.url).pathname, ['--subscribers', url, token, String(SUBSCRIBERS), list.resourceVersion, String(expected)], { execArgv: ['--import', 'tsx'], env: process.env });
  const messages: unknown[] = [];
  let wake = (): void => undefined;
  child.on('message', (m) => {
    messages.push(m);
    wake();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return messages.shift();
  };
  if ((await next()) !== 'ready') throw new Error('subscriber process did not start');
  await new Promise((r) => setTimeout(r, 1000)); // let every subscription start its watch
  const podRef = objects.resourceForKind(CLUSTER, 'v1', 'Pod');
  // CPU time per delivered event depends far less on the machine's load than latency does.
  child.send('start');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < writes; i++) {
    const due = started + (i * 1000) / FANOUT_WRITES_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await objects.patch(podRef, 'fan', 'target', 'merge', { metadata: { annotations: { 'bench/sent': String(wallClock()) } } }, admin);
  }
  child.send(Date.now() + 30_000);
  const result = (await next()) as FanoutResult;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return { delivered: result.delivered, expected, seconds, latencies: result.latencies.sort((a, b) => a - b), serverCpuMicros: cpu.user + cpu.system, clientCpuMicros: result.cpuMicros };
}

async function main(): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-graphql-'));
  await fs.chmod(scratch, 0o755);
  const postgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), log, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  const redis = await startLocalRedis({ dir: undefined, log, say });
  try {
    await migrate(postgres.url, log);
    const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: postgres.url, redisUrl: redis.url, log, development: false });
    try {
      const token = await issueToken(api.prisma, { cluster: CLUSTER, kind: 'admin', username: 'bench', groups: ADMIN_GROUPS });
      const url = `http://127.0.0.1:${api.port}`;
      say(`NODE_ENV=${process.env.NODE_ENV ?? ''}; seeding ${NODES} nodes, ${DEPLOYMENTS} deployments, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods ...`);
      await seed(api.objects);
      // The floor under the query: the store reads it needs (pods, replica sets, deployments, nodes).
      const floor: number[] = [];
      for (let i = 0; i < QUERY_RUNS; i++) {
        const started = performance.now();
        await Promise.all([
          api.objects.list(api.objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'dash'),
          api.objects.list(api.objects.resourceForKind(CLUSTER, 'apps/v1', 'ReplicaSet'), 'dash'),
          api.objects.list(api.objects.resourceForKind(CLUSTER, 'apps/v1', 'Deployment'), 'dash'),
          api.objects.list(api.objects.resourceForKind(CLUSTER, 'v1', 'Node'), ''),
        ]);
        floor.push(performance.now() - started);
      }
      floor.sort((a, b) => a - b);
      say(load());
      say(`store reads under the dashboard query (4 lists, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods), ${QUERY_RUNS} runs: p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}`);
      const samples = await dashboardLatency(url, token);
      say(`dashboard query (${DEPLOYMENTS} deployments, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods with nodes), ${QUERY_RUNS} runs: p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(samples.at(-1) ?? Number.NaN)}`);
      say(`${load()}; fan-out: ${SUBSCRIBERS} subscribers, ${FANOUT_WRITES_PER_S} writes/s for ${FANOUT_SECONDS} s ...`);
      const f = await fanout(url, token, api.objects);
      say(`fan-out: ${f.delivered}/${f.expected} events delivered in ${f.seconds.toFixed(1)} s (${(f.delivered / f.seconds).toFixed(0)} events/s); latency p50 ${ms(percentile(f.latencies, 50))}, p99 ${ms(percentile(f.latencies, 99))}, max ${ms(f.latencies.at(-1) ?? Number.NaN)}; ${load()}`);
      say(`fan-out CPU per delivered event: API process ${(f.serverCpuMicros / f.delivered).toFixed(1)} µs (writes and PostgreSQL client included), subscriber process ${(f.clientCpuMicros / f.delivered).toFixed(1)} µs`);
    } finally {
      await api.stop();
    }
  } finally {
    await redis.stop();
    await postgres.stop();
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--subscribers') {
  const [url = '', token = '', count = '0', resourceVersion = '', expected = '0'] = process.argv.slice(3);
  await runSubscribers(url, token, Number(count), resourceVersion, Number(expected));
} else {
  await main();
}
