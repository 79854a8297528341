// `npm run bench:nodes`: one node agent process carrying 1,000 simulated nodes
// and 10,000 pods against a real API (PostgreSQL, Redis, API in this process).
// Measures the agent's CPU and resident memory at steady state (from /proc),
// lease-renewal requests per second, and time from bind to Running (from the
// moment the bound pod is visible in the API, i.e. its create committed, as the
// bench's watch sees it ADDED; and, for comparison, from the moment the bench
// sent the create, which also counts the create waiting in a saturated API).
// Knobs: BENCH_NODES (1000), BENCH_PODS (10000), BENCH_RATE pods/s (200),
// BENCH_STEADY_S (30), BENCH_EVENT_QPS (the agent's event rate, 50).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApi } from '../src/api/start.js';
import { ADMIN_GROUPS, issueToken } from '../src/auth/tokens.js';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { startLocalRedis } from '../src/infra/redis-server.js';
import { createLogger } from '../src/log.js';
import { ApiClient } from '../src/node/api-client.js';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 30);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const TICKS = 100; // USER_HZ on Linux

async function procSample(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: rssKb / 1024 };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const log = createLogger('warn');
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-nodes-'));
  await fs.chmod(scratch, 0o755);
  const stops: (() => Promise<void>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), log, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
    stops.push(postgres.stop);
    const redis = await startLocalRedis({ dir: undefined, log, say });
    stops.push(redis.stop);
    await migrate(postgres.url, log);
    const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: postgres.url, redisUrl: redis.url, log });
    stops.push(api.stop);
    const cluster = 'bench';
    const admin = await issueToken(api.prisma, { cluster, kind: 'admin', username: 'bench', groups: ADMIN_GROUPS });
    const bootstrap = await issueToken(api.prisma, { cluster, kind: 'bootstrap', username: 'system:bootstrap', groups: ['system:bootstrappers', 'system:authenticated'] });
    const url = `http://127.0.0.1:${api.port}`;
    const client = new ApiClient({ url, token: admin, maxSockets: 16 });
    say(`bench:nodes: ${NODES} nodes, ${PODS} pods at ${RATE}/s, ${os.cpus().length} CPUs`);

    const registerStart = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/nodes-agent.ts')], {
      env: { ...process.env, BENCH_API_URL: url, BENCH_TOKEN: bootstrap, BENCH_NODES: String(NODES) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    stops.push(async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    });
    let stats = {
      leaseRequests: 0, requests: 0, pods: 0, lastLeaseRenewalMs: 0, leaseTicksSkipped: 0, statusRequests: 0, statusWrites: 0,
      events: { sent: 0, dropped: 0, droppedOverloaded: 0 }, agentBindToRunningMs: { p50: NaN, p99: NaN },
    };
    let registered = false;
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          stats = (JSON.parse(line) as { stats: typeof stats }).stats;
          registered = true;
        } catch {
          /* not a stats line */
        }
      }
    });
    while (!registered) {
      if (child.exitCode !== null) throw new Error('the agent exited before registering');
      await sleep(100);
    }
    say(`registered ${NODES} nodes in ${((Date.now() - registerStart) / 1000).toFixed(1)} s`);

    // Watch for Running, then create pods already bound (spec.nodeName) at RATE.
    const sentAt = new Map<string, number>();
    const boundAt = new Map<string, number>();
    const createToRunning: number[] = [];
    const bindToRunning: number[] = [];
    const list = await client.get<{ metadata: { resourceVersion: string } }>('/api/v1/namespaces/default/pods?limit=1');
    const watch = client.watch('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata.resourceVersion }, (event) => {
      const name = event.object.metadata.name ?? '';
      const now = Date.now();
      if (event.type === 'ADDED' && !boundAt.has(name)) boundAt.set(name, now);
      const sent = sentAt.get(name);
      if (sent !== undefined && (event.object.status as { phase?: string } | undefined)?.phase === 'Running') {
        createToRunning.push(now - sent);
        bindToRunning.push(now - (boundAt.get(name) ?? sent));
        sentAt.delete(name);
      }
    });
    watch.done.catch((err: Error) => say(`bench watch ended: ${err.message}`));
    const createStart = Date.now();
    let inflight = 0;
    let failed = 0;
    for (let i = 0; i < PODS; i++) {
      const due = createStart + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      while (inflight >= 64) await sleep(1);
      const name = `pod-${i}`;
      sentAt.set(name, Date.now());
      inflight += 1;
      client
        .post('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: `app-${i % 50}` } }, spec: { nodeName: `bench-${i % NODES}`, containers: [{ name: 'app', image: `registry.example/app-${i % 20}:1.0`, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } })
        .catch(() => void (failed += 1))
        .finally(() => void (inflight -= 1));
    }
    const createSeconds = (Date.now() - createStart) / 1000;
    const deadline = Date.now() + 900_000;
    while (bindToRunning.length < PODS - failed && Date.now() < deadline) await sleep(200);
    const allRunningSeconds = (Date.now() - createStart) / 1000;
    say(`created ${PODS - failed} pods in ${createSeconds.toFixed(1)} s (${failed} failed); ${bindToRunning.length} Running after ${allRunningSeconds.toFixed(1)} s`);

    // Steady state: every pod Running, leases renewing.
    await sleep(5000);
    const before = await procSample(child.pid ?? 0);
    const leasesBefore = stats.leaseRequests;
    const requestsBefore = stats.requests;
    const rssSamples: number[] = [];
    const steadyStart = Date.now();
    while (Date.now() - steadyStart < STEADY_S * 1000) {
      await sleep(1000);
      rssSamples.push((await procSample(child.pid ?? 0)).rssMb);
    }
    const afterSample = await procSample(child.pid ?? 0);
    const elapsed = (Date.now() - steadyStart) / 1000;
    watch.close();
    client.close();
    const sorted = [...bindToRunning].sort((a, b) => a - b);
    const sortedFromCreate = [...createToRunning].sort((a, b) => a - b);
    const results = {
      nodes: NODES,
      pods: PODS,
      podsRunning: bindToRunning.length,
      createRatePerSecond: RATE,
      steadyCpuCores: (afterSample.cpuSeconds - before.cpuSeconds) / elapsed,
      steadyRssMb: Math.max(...rssSamples),
      leaseRequestsPerSecond: (stats.leaseRequests - leasesBefore) / elapsed,
      agentRequestsPerSecondSteady: (stats.requests - requestsBefore) / elapsed,
      lastLeaseRenewalMs: stats.lastLeaseRenewalMs,
      leaseTicksSkipped: stats.leaseTicksSkipped,
      agentStatusRequests: stats.statusRequests,
      agentStatusWrites: stats.statusWrites,
      agentEvents: stats.events,
      // As the agent sees it: its watch event for the bound pod to its Running status write answered.
      agentSeenToRunningWrittenMs: stats.agentBindToRunningMs,
      bindToRunningMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN },
      createSentToRunningMs: { p50: percentile(sortedFromCreate, 50), p90: percentile(sortedFromCreate, 90), p99: percentile(sortedFromCreate, 99), max: sortedFromCreate.at(-1) ?? NaN },
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
    say(JSON.stringify(results, null, 2));
    const ok = results.steadyRssMb < 500 && results.steadyCpuCores < 1 && results.bindToRunningMs.p99 < 2000 && results.podsRunning === PODS;
    say(ok ? 'targets met: < 500 MB resident, < 1 core at steady state, bind-to-Running p99 < 2 s' : 'targets NOT met (see above)');
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:nodes: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
