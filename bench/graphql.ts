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
// end. The clients run in child processes (same machine): the dashboard client
// and the 1,000 subscribers.
//
// Knobs: BENCH_PHASES (dashboard,fanout), BENCH_QUERY_RUNS, BENCH_SUBSCRIBERS,
// BENCH_WRITES_PER_S, BENCH_FANOUT_SECONDS; diagnostics: BENCH_DIAG=1 (GC
// pauses, event-loop stalls and store lists under the slowest dashboard runs),
// BENCH_CPU_PROFILE=dir (a CPU profile per phase), BENCH_PG_SLOW_MS=n
// (PostgreSQL logs statements and plans slower than n ms, at log level debug),
// BENCH_DASHBOARD_CLIENT=inprocess (the client in the API's process, as before).

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { constants as gcKinds, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
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
const DIAG = process.env.BENCH_DIAG === '1';
// BENCH_PHASES=dashboard or fanout runs one phase (default: both).
const PHASES = new Set((process.env.BENCH_PHASES ?? 'dashboard,fanout').split(',').map((p) => p.trim()));

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

interface Sample {
  /** Wall clock (ms since the epoch) when the request was sent. */
  started: number;
  elapsed: number;
}

// Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine.
const wallClock = (): number => performance.timeOrigin + performance.now();

/** The dashboard client: warm-up, then QUERY_RUNS sequential requests. */
async function runDashboard(url: string, token: string, runs: number): Promise<Sample[]> {
  const run = async (): Promise<Sample> => {
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: DASHBOARD }) });
    const body = (await res.json()) as { data?: { deployments: { totalCount: number; nodes: { pods: unknown[] }[] } }; errors?: unknown };
    const elapsed = performance.now() - started;
    const pods = body.data?.deployments.nodes.reduce((n, d) => n + d.pods.length, 0);
    if (pods !== DEPLOYMENTS * PODS_PER_DEPLOYMENT) throw new Error(`dashboard query returned ${String(pods)} pods: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return { started: performance.timeOrigin + started, elapsed };
  };
  for (let i = 0; i < 5; i++) await run(); // warm-up
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await run());
  return samples;
}

/**
 * The dashboard's latency as a browser elsewhere would see it: the client
 * runs in a child process, so parsing each response (and the garbage
 * that leaves) is not charged to the API's event loop and heap, as it was
 * while the client shared the API's process. BENCH_DASHBOARD_CLIENT=inprocess
 * measures the old way.
 */
async function dashboardLatency(url: string, token: string): Promise<Sample[]> {
  if (process.env.BENCH_DASHBOARD_CLIENT === 'inprocess') return runDashboard(url, token, QUERY_RUNS);
  const child = fork(new URL(import.meta.url).pathname, ['--dashboard', url, token, String(QUERY_RUNS)], { execArgv: ['--import', 'tsx'], env: process.env });
  const result = await new Promise<Sample[] | { error: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Sample[] | { error: string }));
    child.once('exit', (code) => reject(new Error(`dashboard client exited with ${String(code)}`)));
  });
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  if (!Array.isArray(result)) throw new Error(result.error);
  return result;
}

/**
 * BENCH_CPU_PROFILE=dir: a CPU profile of this process (API and, for the
 * dashboard, the client) over just one phase, written to dir/<phase>.cpuprofile.
 */
async function profiled<T>(phase: string, body: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return body();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${phase}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

const GC_KINDS: Record<number, string> = { [gcKinds.NODE_PERFORMANCE_GC_MINOR]: 'minor', [gcKinds.NODE_PERFORMANCE_GC_MAJOR]: 'major', [gcKinds.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking', [gcKinds.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };

/** BENCH_DIAG=1: what the slowest dashboard runs overlapped (GC pauses of this process, event-loop delay). */
interface Span {
  start: number;
  duration: number;
  what: string;
}

/** BENCH_DIAG=1: times every store list the API makes (on this process's performance clock). */
function traceLists(objects: ObjectService, spans: Span[]): void {
  const timed = async <T>(what: string, read: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await read();
    } finally {
      spans.push({ start, duration: performance.now() - start, what });
    }
  };
  const list = objects.list.bind(objects);
  objects.list = (ref, namespace, options) => timed(`${ref.resource.resource}/${namespace}`, () => list(ref, namespace, options));
  const listJson = objects.listJson.bind(objects);
  objects.listJson = (ref, namespace, options) => timed(`${ref.resource.resource}/${namespace} (text)`, () => listJson(ref, namespace, options));
}

function gcSummary(gcs: readonly PerformanceEntry[]): string {
  const byKind = new Map<string, { n: number; total: number; max: number }>();
  for (const g of gcs) {
    const k = GC_KINDS[(g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? '?';
    const acc = byKind.get(k) ?? { n: 0, total: 0, max: 0 };
    acc.n++;
    acc.total += g.duration;
    acc.max = Math.max(acc.max, g.duration);
    byKind.set(k, acc);
  }
  return `${[...byKind].map(([k, a]) => `${k} ${a.n}x total ${a.total.toFixed(0)} ms max ${a.max.toFixed(1)} ms`).join('; ')}`;
}

function diagnose(samples: readonly Sample[], gcs: readonly PerformanceEntry[], spans: readonly Span[]): void {
  const slowest = [...samples].sort((a, b) => b.elapsed - a.elapsed).slice(0, 5);
  for (const s of slowest) {
    const start = s.started - performance.timeOrigin; // on this process's clock, as GC entries are
    const during = gcs.filter((g) => g.startTime < start + s.elapsed && g.startTime + g.duration > start);
    const parts = during.map((g) => `${GC_KINDS[(g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? '?'} ${g.duration.toFixed(1)}`);
    say(`  slow run #${samples.indexOf(s)}: ${ms(s.elapsed)}; GC during it: ${during.reduce((n, g) => n + g.duration, 0).toFixed(1)} ms [${parts.join(', ')}]`);
    const lists = spans.filter((l) => l.start + l.duration >= start && l.start < start + s.elapsed);
    say(`    store lists and stalls: ${lists.map((l) => `${l.what} at +${(l.start - start).toFixed(1)} took ${l.duration.toFixed(1)}`).join('; ')}`);
  }
  say(`  GC over the runs: ${gcSummary(gcs)}`);
}

interface FanoutResult {
  delivered: number;
  latencies: number[];
  /** Per write: when it was sent (wall clock), the first and the last subscriber's latency (ms). */
  bursts: [number, number, number][];
  /** CPU time (user + system, µs) the subscriber process spent while events arrived. */
  cpuMicros: number;
  /** BENCH_DIAG: the subscriber process's GC pauses, as [wall-clock start, duration ms, kind]. */
  gcs: [number, number, number][];
}

/**
 * The subscriber side, run in a child process so the clients' work (frame
 * parsing, graphql-ws bookkeeping) is not charged to the server's event loop.
 * Reports over IPC: 'ready' once every subscription is open, then the latencies.
 */
async function runSubscribers(url: string, token: string, count: number, resourceVersion: string, expected: number): Promise<void> {
  const clients: Client[] = [];
  // Preallocated: a growing array of 200,000 latencies would be reallocated
  // and copied in this process's heap, and its major GCs pause every
  // simulated subscriber at once (1,000 real clients pause one at a time).
  const latencies = new Float64Array(expected);
  let delivered = 0;
  const bursts = new Map<number, [number, number, number]>();
  let connected = 0;
  for (let i = 0; i < count; i++) {
    const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, on: { connected: () => void (++connected === count && process.send?.('ready')) } });
    clients.push(client);
    client.subscribe<{ pods: { object: { metadata: { annotations: Record<string, string> } } } }>(
      { query: `subscription { pods(namespace: "fan", resourceVersion: "${resourceVersion}") { type resourceVersion object { metadata { name annotations } } } }` },
      {
        next: (value) => {
          const sent = Number(value.data?.pods.object.metadata.annotations['bench/sent']);
          if (!Number.isFinite(sent)) return;
          const latency = wallClock() - sent;
          if (delivered < expected) latencies[delivered++] = latency;
          const burst = bursts.get(sent);
          if (burst === undefined) bursts.set(sent, [sent, latency, latency]);
          else burst[2] = latency;
        },
        error: (err) => log.warn({ err }, 'subscriber failed'),
        complete: () => undefined,
      },
    );
  }
  const gcs: [number, number, number][] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const g of list.getEntries()) gcs.push([performance.timeOrigin + g.startTime, g.duration, (g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0]);
  });
  if (DIAG) gcObserver.observe({ entryTypes: ['gc'] });
  const cpuBefore = await new Promise<NodeJS.CpuUsage>((resolve) => process.once('message', () => resolve(process.cpuUsage())));
  const deadline = await new Promise<number>((resolve) => process.once('message', (m) => resolve(Number(m))));
  while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage(cpuBefore);
  gcObserver.disconnect();
  await Promise.all(clients.map((c) => c.dispose()));
  const result: FanoutResult = { delivered, latencies: Array.from(latencies.subarray(0, delivered)), bursts: [...bursts.values()], cpuMicros: cpu.user + cpu.system, gcs };
  await new Promise<void>((resolve) => process.send?.(result, () => resolve()));
}

async function fanout(url: string, token: string, objects: ObjectService): Promise<{ delivered: number; expected: number; seconds: number; latencies: number[]; bursts: [number, number, number][]; serverCpuMicros: number; clientCpuMicros: number }> {
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
  // Warm-up, as the dashboard phase has: a second of writes at the same rate
  // whose deliveries are not counted (their annotation is not a time). The
  // first changes run the delivery path cold (compilation, first frames on
  // each socket, in the API and in the subscribers) and were consistently
  // the slowest two of the 200.
  for (let i = 0; i < FANOUT_WRITES_PER_S; i++) {
    await objects.patch(podRef, 'fan', 'target', 'merge', { metadata: { annotations: { 'bench/sent': `warm-up ${i}` } } }, admin);
    await new Promise((r) => setTimeout(r, 1000 / FANOUT_WRITES_PER_S));
  }
  await new Promise((r) => setTimeout(r, 200));
  // CPU time per delivered event depends far less on the machine's load than latency does.
  child.send('start');
  const cpuBefore = process.cpuUsage();
  const commits: number[] = [];
  const sendsAnchors: number[] = [];
  // BENCH_DIAG: when the API wrote each frame (ws is one module instance for the API and this script).
  const sends: number[] = [];
  const send = WebSocket.prototype.send;
  if (DIAG) {
    WebSocket.prototype.send = function (this: InstanceType<typeof WebSocket>, ...args: Parameters<typeof send>) {
      sends.push(wallClock());
      return send.apply(this, args);
    } as typeof send;
  }
  const started = performance.now();
  for (let i = 0; i < writes; i++) {
    const due = started + (i * 1000) / FANOUT_WRITES_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = wallClock();
    sendsAnchors.push(sent);
    await objects.patch(podRef, 'fan', 'target', 'merge', { metadata: { annotations: { 'bench/sent': String(sent) } } }, admin);
    commits.push(wallClock() - sent);
  }
  child.send(Date.now() + 30_000);
  const result = (await next()) as FanoutResult;
  WebSocket.prototype.send = send;
  if (DIAG) {
    const mean = (xs: number[]): string => ms(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const firsts = result.bursts.map((b) => b[1]);
    const lasts = result.bursts.map((b) => b[2]).sort((a, b) => a - b);
    // The API offers its own commits to watchers before the patch returns, so this includes the API's share of the fan-out.
    say(`  write (patch) until it returned: mean ${mean(commits)}, p99 ${ms(percentile([...commits].sort((a, b) => a - b), 99))}`);
    say(`  per write, the subscribers' receipt: first mean ${mean(firsts)}; last mean ${mean(lasts)}, p50 ${ms(percentile(lasts, 50))}, p99 ${ms(percentile(lasts, 99))}`);
    // Frames sent per write: group the send times by the write they follow.
    const writeTimes = [...sendsAnchors].sort((a, b) => a - b);
    const firstSend: number[] = [];
    const lastSend: number[] = [];
    const framesOf = new Map<number, [number, number]>();
    let j = 0;
    for (let w = 0; w < writeTimes.length; w++) {
      const from = writeTimes[w] as number;
      const to = writeTimes[w + 1] ?? Infinity;
      while (j < sends.length && (sends[j] as number) < from) j++;
      const k0 = j;
      while (j < sends.length && (sends[j] as number) < to) j++;
      if (j > k0) {
        firstSend.push((sends[k0] as number) - from);
        lastSend.push((sends[j - 1] as number) - from);
        framesOf.set(from, [(sends[k0] as number) - from, (sends[j - 1] as number) - from]);
      }
    }
    say(`  per write, the API's frame writes: first at mean ${mean(firstSend)}, last at mean ${mean(lastSend)} (p99 ${ms(percentile([...lastSend].sort((a, b) => a - b), 99))}) after the write began`);
    // The ten slowest writes (by their last subscriber), each from the write's start: when the
    // API wrote its first and last frame, when the subscribers received them, and the
    // subscriber process's GC pauses overlapping it (the API's are printed by the caller).
    const slowest = [...result.bursts].sort((a, b) => b[2] - a[2]).slice(0, 10);
    for (const [sent, first, last] of slowest) {
      const frames = framesOf.get(sent);
      const paused = result.gcs.filter(([at, duration]) => at < sent + last && at + duration > sent);
      const gcText = paused.map(([at, duration, kind]) => `${GC_KINDS[kind] ?? '?'} ${duration.toFixed(1)} ms at +${(at - sent).toFixed(0)}`).join(', ') || 'none';
      say(`    write at +${((sent - (writeTimes[0] ?? sent)) / 1000).toFixed(2)} s: API frames +${frames?.[0].toFixed(1) ?? '?'} to +${frames?.[1].toFixed(1) ?? '?'} ms; received +${first.toFixed(1)} to +${last.toFixed(1)} ms; subscriber-process GC: ${gcText}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return { delivered: result.delivered, expected, seconds, latencies: result.latencies.sort((a, b) => a - b), bursts: result.bursts, serverCpuMicros: cpu.user + cpu.system, clientCpuMicros: result.cpuMicros };
}

async function main(): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-graphql-'));
  await fs.chmod(scratch, 0o755);
  const postgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), log, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', ...(process.env.BENCH_PG_SLOW_MS ? { log_min_duration_statement: process.env.BENCH_PG_SLOW_MS, shared_preload_libraries: 'auto_explain', 'auto_explain.log_min_duration': process.env.BENCH_PG_SLOW_MS, 'auto_explain.log_analyze': 'on' } : {}) } });
  const redis = await startLocalRedis({ dir: undefined, log, say });
  try {
    await migrate(postgres.url, log);
    const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: postgres.url, redisUrl: redis.url, log, development: false });
    try {
      const token = await issueToken(api.prisma, { cluster: CLUSTER, kind: 'admin', username: 'bench', groups: ADMIN_GROUPS });
      const url = `http://127.0.0.1:${api.port}`;
      say(`NODE_ENV=${process.env.NODE_ENV ?? ''}; seeding ${NODES} nodes, ${DEPLOYMENTS} deployments, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods ...`);
      await seed(api.objects);
      if (PHASES.has('dashboard')) {
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
        if (DIAG) {
          // The same reads in the dashboard's order (deployments, then replica sets and pods, then nodes), as text.
          const objects = api.objects;
          const podsTimes: number[] = [];
          const totals: number[] = [];
          for (let i = 0; i < QUERY_RUNS; i++) {
            const started = performance.now();
            await objects.listJson(objects.resourceForKind(CLUSTER, 'apps/v1', 'Deployment'), 'dash');
            await Promise.all([
              objects.listJson(objects.resourceForKind(CLUSTER, 'apps/v1', 'ReplicaSet'), 'dash'),
              (async () => {
                const s = performance.now();
                await objects.listJson(objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'dash');
                podsTimes.push(performance.now() - s);
              })(),
            ]);
            await objects.listJson(objects.resourceForKind(CLUSTER, 'v1', 'Node'), '');
            totals.push(performance.now() - started);
          }
          podsTimes.sort((a, b) => a - b);
          totals.sort((a, b) => a - b);
          say(`  the dashboard's reads in sequence (text), ${QUERY_RUNS} runs: p50 ${ms(percentile(totals, 50))}, p99 ${ms(percentile(totals, 99))}; the pods list alone p50 ${ms(percentile(podsTimes, 50))}, p99 ${ms(percentile(podsTimes, 99))}, slowest ${podsTimes.slice(-5).map((t) => t.toFixed(0)).join(', ')} ms`);
          const alone: number[] = [];
          for (let i = 0; i < QUERY_RUNS; i++) {
            const s = performance.now();
            await objects.listJson(objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'dash');
            alone.push(performance.now() - s);
          }
          alone.sort((a, b) => a - b);
          say(`  the pods list alone, back to back: p50 ${ms(percentile(alone, 50))}, slowest ${alone.slice(-5).map((t) => t.toFixed(0)).join(', ')} ms`);
          const afterRs: number[] = [];
          for (let i = 0; i < QUERY_RUNS; i++) {
            await objects.listJson(objects.resourceForKind(CLUSTER, 'apps/v1', 'ReplicaSet'), 'dash');
            const s = performance.now();
            await objects.listJson(objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'dash');
            afterRs.push(performance.now() - s);
          }
          afterRs.sort((a, b) => a - b);
          say(`  the pods list right after the replica sets (not beside them): p50 ${ms(percentile(afterRs, 50))}, slowest ${afterRs.slice(-5).map((t) => t.toFixed(0)).join(', ')} ms`);
          const pods = (await api.objects.list(api.objects.resourceForKind(CLUSTER, 'v1', 'Pod'), 'dash')).items;
          const bytes = pods.reduce((n, p) => n + JSON.stringify(p).length, 0);
          say(`  a stored pod is ${(bytes / pods.length).toFixed(0)} bytes of JSON on average (${(bytes / 1024).toFixed(0)} KiB for the ${pods.length} pods); e.g. ${JSON.stringify(pods[0]).slice(0, 1500)}`);
        }
        say(load());
        say(`store reads under the dashboard query (4 lists, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods), ${QUERY_RUNS} runs: p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}`);
        const gcs: PerformanceEntry[] = [];
        const gcObserver = new PerformanceObserver((list) => void gcs.push(...list.getEntries()));
        if (DIAG) gcObserver.observe({ entryTypes: ['gc'] });
        const loopDelay = monitorEventLoopDelay({ resolution: 5 });
        if (DIAG) loopDelay.enable();
        const spans: Span[] = [];
        if (DIAG) traceLists(api.objects, spans);
        // Stalls of this process's event loop (a 1 ms timer firing late), for the slow runs.
        let lastTick = performance.now();
        const ticker = DIAG
          ? setInterval(() => {
              const now = performance.now();
              if (now - lastTick > 8) spans.push({ start: lastTick, duration: now - lastTick, what: 'event-loop stall' });
              lastTick = now;
            }, 1)
          : undefined;
        const timed = await profiled('dashboard', () => dashboardLatency(url, token));
        clearInterval(ticker);
        gcObserver.disconnect();
        loopDelay.disable();
        const samples = timed.map((s) => s.elapsed).sort((a, b) => a - b);
        say(`dashboard query (${DEPLOYMENTS} deployments, ${DEPLOYMENTS * PODS_PER_DEPLOYMENT} pods with nodes), ${QUERY_RUNS} runs: p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(samples.at(-1) ?? Number.NaN)}`);
        if (DIAG) {
          say(`  event-loop delay during the runs: p50 ${ms(loopDelay.percentile(50) / 1e6)}, p99 ${ms(loopDelay.percentile(99) / 1e6)}, max ${ms(loopDelay.max / 1e6)}`);
          diagnose(timed, gcs, spans);
        }
      }
      if (PHASES.has('fanout')) {
        say(`${load()}; fan-out: ${SUBSCRIBERS} subscribers, ${FANOUT_WRITES_PER_S} writes/s for ${FANOUT_SECONDS} s ...`);
        const gcs: PerformanceEntry[] = [];
        const gcObserver = new PerformanceObserver((list) => void gcs.push(...list.getEntries()));
        if (DIAG) gcObserver.observe({ entryTypes: ['gc'] });
        const f = await profiled('fanout', () => fanout(url, token, api.objects));
        gcObserver.disconnect();
        if (DIAG) {
          say(`  GC in the API process during the fan-out: ${gcSummary(gcs)}`);
          // The slowest 5 % of writes (by their last subscriber): API GC inside them.
          const slow = [...f.bursts].sort((a, b) => b[2] - a[2]).slice(0, Math.max(1, Math.ceil(f.bursts.length / 20)));
          const gcIn = slow.map(([sent, , last]) => {
            const start = sent - performance.timeOrigin;
            return gcs.filter((g) => g.startTime < start + last && g.startTime + g.duration > start).reduce((n, g) => n + g.duration, 0);
          });
          say(`  slowest 5 % of writes: last subscriber at ${slow.map((b) => b[2].toFixed(0)).join(', ')} ms; API GC inside each ${gcIn.map((g) => g.toFixed(0)).join(', ')} ms`);
        }
        say(`fan-out: ${f.delivered}/${f.expected} events delivered in ${f.seconds.toFixed(1)} s (${(f.delivered / f.seconds).toFixed(0)} events/s); latency p50 ${ms(percentile(f.latencies, 50))}, p99 ${ms(percentile(f.latencies, 99))}, max ${ms(f.latencies.at(-1) ?? Number.NaN)}; ${load()}`);
        say(`fan-out CPU per delivered event: API process ${(f.serverCpuMicros / f.delivered).toFixed(1)} µs (writes and PostgreSQL client included), subscriber process ${(f.clientCpuMicros / f.delivered).toFixed(1)} µs`);
      }
    } finally {
      await api.stop();
    }
  } finally {
    await redis.stop();
    await postgres.stop();
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--dashboard') {
  const [url = '', token = '', runs = '0'] = process.argv.slice(3);
  const result = await runDashboard(url, token, Number(runs)).catch((err: unknown) => ({ error: String(err) }));
  await new Promise<void>((resolve) => process.send?.(result, () => resolve()));
} else if (process.argv[2] === '--subscribers') {
  const [url = '', token = '', count = '0', resourceVersion = '', expected = '0'] = process.argv.slice(3);
  await runSubscribers(url, token, Number(count), resourceVersion, Number(expected));
} else {
  await main();
}
