// `npm run bench:api`: the Kubernetes REST API under load (issue #4 item 7).
// Pod create, get and list latency p50/p99 and throughput at 1, 16 and 64
// concurrent HTTP clients (keep-alive connections, one per client), listing
// 1,000 pods, and the object store's raw create rate from the same run.
//
// Starts its own embedded PostgreSQL with default durability (fsync on,
// synchronous_commit on) and a redis-server in a temporary directory, and the
// API (plain HTTP) on a loopback port in this process. The clients run in a
// worker thread, so they have their own event loop, but they share the
// machine's cores with the server and PostgreSQL. Every phase runs for a fixed
// time (BENCH_PHASE_MS, default 5 s).

import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { postmasterPid, processTreeCpuMs } from './lib/process-cpu.js';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 5000);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,16,64').split(',').map(Number);
const LIST_SIZE = 1000;
// Which phases run (for profiling one of them): create, get, list, store.
const OPS = new Set((process.env.BENCH_OPS ?? 'create,get,list,store').split(','));

interface Job {
  url: string;
  token: string;
  op: 'create' | 'get' | 'list';
  concurrency: number;
  phaseMs: number;
  /** Names `get` reads from, round robin. */
  names: string[];
  prefix: string;
}

interface Result {
  ops: number;
  seconds: number;
  errors: number;
  latencies: number[];
}

function podBody(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', tier: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  });
}

// ---- load generator (worker thread) ----

function request(agent: http.Agent, base: URL, token: string, method: string, pathname: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method, path: pathname, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function runJob(job: Job): Promise<Result> {
  const base = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + job.phaseMs;
  const started = process.hrtime.bigint();
  let counter = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (Date.now() < deadline) {
        const i = counter++;
        const t0 = process.hrtime.bigint();
        let code: number;
        if (job.op === 'create') code = await request(agent, base, job.token, 'POST', '/api/v1/namespaces/default/pods', podBody(`${job.prefix}-${i}`));
        else if (job.op === 'get') code = await request(agent, base, job.token, 'GET', `/api/v1/namespaces/default/pods/${job.names[i % job.names.length] ?? ''}`);
        else code = await request(agent, base, job.token, 'GET', '/api/v1/namespaces/list1000/pods');
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (code < 200 || code >= 300) errors += 1;
      }
    }),
  );
  agent.destroy();
  return { ops: latencies.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, errors, latencies };
}

if (!isMainThread) {
  const result = await runJob(workerData as Job);
  parentPort?.postMessage(result);
}

// ---- driver (main thread) ----

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function inWorker(job: Job): Promise<Result> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit the tsx loader: register it, then load this file.
    const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const worker = new Worker(code, { eval: true, workerData: job });
    worker.once('message', (result: Result) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const { startApi } = await import('../src/api/start.js');
  const { ADMIN_GROUPS, issueToken } = await import('../src/auth/tokens.js');
  const { migrate } = await import('../src/db/migrate.js');
  const { startEmbeddedPostgres } = await import('../src/infra/embedded-postgres.js');
  const { startLocalRedis } = await import('../src/infra/redis-server.js');
  const { createLogger } = await import('../src/log.js');
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const log = createLogger(process.env.KUBEQL_LOG_LEVEL ?? 'warn');

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-api-'));
  const postgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), log });
  const redis = await startLocalRedis({ dir: undefined, log, say: () => undefined });
  try {
    await migrate(postgres.url, log);
    const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: postgres.url, redisUrl: redis.url, log });
    try {
      const cluster = 'bench';
      const token = await issueToken(api.prisma, { cluster, kind: 'admin', username: 'bench', groups: ADMIN_GROUPS });
      const url = `http://127.0.0.1:${api.port}`;
      say(`kubeql REST API benchmark: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, phase ${PHASE_MS / 1000} s, PostgreSQL fsync on`);

      // 1,000 pods in their own namespace for the list phases.
      const pods = api.objects;
      const podsRef = pods.resource(cluster, '', 'v1', 'pods');
      const nsRef = pods.resource(cluster, '', 'v1', 'namespaces');
      const admin = { requester: { username: 'bench', groups: ['system:masters'] } };
      await pods.create(nsRef, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'list1000' } }, admin);
      // The default ServiceAccounts the service-account controller creates in a
      // running cluster (not started here), so pods are admitted as they are there.
      const saRef = pods.resource(cluster, '', 'v1', 'serviceaccounts');
      for (const namespace of ['default', 'list1000']) await pods.create(saRef, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, admin);
      for (let i = 0; OPS.has('list') && i < LIST_SIZE; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => pods.create(podsRef, 'list1000', JSON.parse(podBody(`p-${i + j}`)) as never, admin)));
      }

      // CPU per operation: the API's event loop (this thread; the clients run
      // in their own) and PostgreSQL's processes. Unlike latency, these barely
      // move when something else shares the machine.
      const pgPid = await postmasterPid(path.join(scratch, 'postgres'));
      let mark = { elu: performance.eventLoopUtilization(), pg: await processTreeCpuMs(pgPid) };
      const startPhase = async (): Promise<void> => {
        mark = { elu: performance.eventLoopUtilization(), pg: await processTreeCpuMs(pgPid) };
      };
      const rows: string[] = [];
      const row = async (op: string, concurrency: number, r: Result): Promise<void> => {
        const sorted = [...r.latencies].sort((a, b) => a - b);
        const apiMs = performance.eventLoopUtilization(mark.elu).active / r.ops;
        const pgNow = await processTreeCpuMs(pgPid);
        // A connection that closed during the phase takes its CPU time with it: no figure then.
        const pgMs = pgNow === null || mark.pg === null || pgNow < mark.pg ? Number.NaN : (pgNow - mark.pg) / r.ops;
        const line = `| ${op} | ${concurrency} | ${(r.ops / r.seconds).toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${r.errors} | ${apiMs.toFixed(3)} | ${pgMs.toFixed(3)} |`;
        rows.push(line);
        say(line);
      };
      say('| operation | clients | ops/s | p50 ms | p99 ms | errors | API loop ms/op | PostgreSQL CPU ms/op |');
      say('|---|---|---|---|---|---|---|---|');
      const created: string[] = [];
      for (const concurrency of OPS.has('create') ? LEVELS : []) {
        const prefix = `c${concurrency}`;
        await startPhase();
        const result = await inWorker({ url, token, op: 'create', concurrency, phaseMs: PHASE_MS, names: [], prefix });
        await row('create pod', concurrency, result);
        for (let i = 0; i < Math.min(result.ops, 2000); i++) created.push(`${prefix}-${i}`);
      }
      for (const concurrency of OPS.has('get') ? LEVELS : []) {
        await startPhase();
        await row('get pod', concurrency, await inWorker({ url, token, op: 'get', concurrency, phaseMs: PHASE_MS, names: created, prefix: '' }));
      }
      for (const concurrency of OPS.has('list') ? LEVELS : []) {
        await startPhase();
        await row(`list ${LIST_SIZE} pods`, concurrency, await inWorker({ url, token, op: 'list', concurrency, phaseMs: PHASE_MS, names: [], prefix: '' }));
      }

      // The store alone, same database, same pod: what HTTP and the object service cost on top.
      const collection = { cluster, group: '', resource: 'pods', namespace: 'default' };
      for (const concurrency of OPS.has('store') ? LEVELS : []) {
        const latencies: number[] = [];
        await startPhase();
        const deadline = Date.now() + PHASE_MS;
        const started = process.hrtime.bigint();
        let counter = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (Date.now() < deadline) {
              const t0 = process.hrtime.bigint();
              await api.store.create(collection, JSON.parse(podBody(`store-${concurrency}-${counter++}`)) as never);
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            }
          }),
        );
        await row('store.create (no HTTP)', concurrency, { ops: latencies.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, errors: 0, latencies });
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

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench:api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
