// `npm run bench:store`: object-store write throughput next to the raw
// single-row INSERT rate of the same PostgreSQL (the physical baseline), and
// watch delivery latency with 1,000 watchers in one process.
//
// Starts its own embedded PostgreSQL with default durability (fsync on,
// synchronous_commit on) in a temporary directory, and removes it at the end.
// Every phase runs for a fixed time, so the whole run is bounded (~2 minutes).

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPrisma } from '../src/db/prisma.js';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { createLogger } from '../src/log.js';
import { Store, type CollectionKey, type KubeObject, type Watch } from '../src/store/index.js';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 5000);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,16,64').split(',').map(Number);
const WATCHERS = 1000;
const WATCH_EVENTS = 250;
const WATCH_RATE_PER_S = 50;

const log = createLogger(process.env.KUBEQL_LOG_LEVEL ?? 'warn');
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Runs `concurrency` loops calling `op` until the phase ends; returns operations per second. */
async function rate(concurrency: number, op: (lane: number, i: number) => Promise<unknown>): Promise<number> {
  const deadline = Date.now() + PHASE_MS;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await op(lane, i);
        done += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return done / seconds;
}

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', tier: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], nodeName: 'node-1' },
  };
}

// The same shape of payload the store writes, so the baseline moves as many bytes.
const RAW_PAYLOAD = JSON.stringify(pod('raw'));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(0).padStart(8) : '     n/a');
const ms = (n: number): string => `${n.toFixed(2)} ms`;

interface WriteRow {
  writers: number;
  raw: number;
  prismaRaw: number;
  creates: number;
  updates: number;
}

async function writeBenchmarks(url: string): Promise<WriteRow[]> {
  const raw = new pg.Pool({ connectionString: url, max: 64 });
  await raw.query('CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload jsonb NOT NULL)');
  const prisma = createPrisma(url, { poolSize: 64 });
  const rows: WriteRow[] = [];
  for (const writers of LEVELS) {
    const rawRate = await rate(writers, () => raw.query('INSERT INTO bench_raw (payload) VALUES ($1)', [RAW_PAYLOAD]));
    const prismaRate = await rate(writers, () => prisma.$executeRaw`INSERT INTO bench_raw (payload) VALUES (${RAW_PAYLOAD}::jsonb)`);
    const store = new Store({ databaseUrl: url, log, poolSize: 8 });
    const pods: CollectionKey = { cluster: `bench-${writers}`, group: '', resource: 'pods', namespace: 'default' };
    const createRate = await rate(writers, (lane, i) => store.create(pods, pod(`p-${lane}-${i}`)));
    // Each writer updates its own object with the version it last wrote (a controller's pattern).
    const latest = await Promise.all(Array.from({ length: writers }, (_, lane) => store.create(pods, pod(`u-${lane}`))));
    const updateRate = await rate(writers, async (lane, i) => {
      const current = latest[lane] as KubeObject;
      latest[lane] = await store.update({ ...pods, name: `u-${lane}` }, { ...current, metadata: { ...current.metadata, annotations: { n: String(i) } } });
    });
    await store.close();
    rows.push({ writers, raw: rawRate, prismaRaw: prismaRate, creates: createRate, updates: updateRate });
    say(`  ${writers} writer(s): raw ${rawRate.toFixed(0)}/s, store creates ${createRate.toFixed(0)}/s, updates ${updateRate.toFixed(0)}/s`);
  }
  await prisma.$disconnect();
  await raw.end();
  return rows;
}

interface LatencyResult {
  path: string;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  /** From the write's acknowledgement (after COMMIT) to delivery. */
  commitP50: number;
  commitP99: number;
}

/**
 * 1,000 watchers on one collection in one process; a writer creates objects
 * at a steady rate. Latency = delivery to a watcher's consumer minus the
 * moment the create was submitted (so it includes the commit itself).
 * `remote`: the writer is another Store (own pool), so wake-ups travel by
 * PostgreSQL NOTIFY, as between processes; the watchers' poll is disabled.
 */
async function watchLatency(url: string, remote: boolean): Promise<LatencyResult> {
  const watcherStore = new Store({ databaseUrl: url, log, poolSize: 8, watch: { pollIntervalMs: remote ? 600_000 : 1000, bufferSize: 10_000 } });
  const writerStore = remote ? new Store({ databaseUrl: url, log, poolSize: 4 }) : watcherStore;
  const pods: CollectionKey = { cluster: `bench-watch-${remote ? 'remote' : 'local'}`, group: '', resource: 'pods', namespace: 'default' };
  await writerStore.create(pods, pod('seed'));
  const from = (await watcherStore.list(pods)).resourceVersion;
  const submitted = new Map<string, number>();
  const committed = new Map<string, number>();
  const samples = new Float64Array(WATCHERS * WATCH_EVENTS);
  const fromCommit = new Float64Array(WATCHERS * WATCH_EVENTS);
  let n = 0;
  let m = 0;
  const watches: Watch[] = [];
  for (let i = 0; i < WATCHERS; i++) watches.push(await watcherStore.watch(pods, { resourceVersion: from }));
  const consumers = watches.map(async (watch) => {
    let seen = 0;
    for await (const event of watch) {
      const at = performance.now();
      const name = event.object.metadata.name ?? '';
      const sent = submitted.get(name);
      if (sent !== undefined && n < samples.length) samples[n++] = at - sent;
      // A writer's own process offers the change to its watchers as COMMIT
      // returns, before the writer's promise settles: no ack yet means the
      // delivery came with the commit itself.
      const acked = committed.get(name);
      if (sent !== undefined && m < fromCommit.length) fromCommit[m++] = acked === undefined ? 0 : Math.max(0, at - acked);
      if (++seen === WATCH_EVENTS) return;
    }
  });
  const interval = 1000 / WATCH_RATE_PER_S;
  const start = performance.now();
  for (let i = 0; i < WATCH_EVENTS; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = `w-${i}`;
    submitted.set(name, performance.now());
    void writerStore.create(pods, pod(name)).then(() => committed.set(name, performance.now()));
  }
  await Promise.race([Promise.all(consumers), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  for (const watch of watches) watch.close();
  if (remote) await writerStore.close();
  await watcherStore.close();
  const sorted = samples.slice(0, n).sort();
  const sortedCommit = fromCommit.slice(0, m).sort();
  return {
    path: remote ? 'other process (NOTIFY)' : 'same process',
    deliveries: n,
    expected: WATCHERS * WATCH_EVENTS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    commitP50: percentile(sortedCommit, 50),
    commitP99: percentile(sortedCommit, 99),
  };
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-store-'));
  await fs.chmod(dir, 0o755);
  say(`bench:store: embedded PostgreSQL with default durability in ${dir}`);
  const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), log });
  try {
    await migrate(postgres.url, log);
    const settings = new pg.Client({ connectionString: postgres.url });
    await settings.connect();
    const shown = await settings.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'server_version', 'commit_delay')",
    );
    await settings.end();
    say(`PostgreSQL: ${shown.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
    say(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ${PHASE_MS / 1000} s per measurement`);
    // Other work on the machine skews every figure; the load average says how much.
    say(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    say('\nwrites:');
    const rows = process.env.BENCH_SKIP_WRITES === '1' ? [] : await writeBenchmarks(postgres.url);
    say('\nwatch delivery (1,000 watchers, one process):');
    const latencies = process.env.BENCH_SKIP_WATCH === '1' ? [] : [await watchLatency(postgres.url, false), await watchLatency(postgres.url, true)];

    say('\n| writers | raw INSERT/s (pg) | raw INSERT/s (Prisma $executeRaw) | store creates/s | creates / raw | store updates/s | updates / raw |');
    say('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      say(`| ${r.writers} | ${fmt(r.raw)} | ${fmt(r.prismaRaw)} | ${fmt(r.creates)} | ${(r.creates / r.raw).toFixed(2)} | ${fmt(r.updates)} | ${(r.updates / r.raw).toFixed(2)} |`);
    }
    say(`\n| watchers | writer | events | deliveries | commit->delivery p50 | p99 | submit->delivery p50 | p99 | max |`);
    say('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const l of latencies) {
      say(`| ${WATCHERS} | ${l.path} | ${WATCH_EVENTS} at ${WATCH_RATE_PER_S}/s | ${l.deliveries}/${l.expected} | ${ms(l.commitP50)} | ${ms(l.commitP99)} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} |`);
    }
    say(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const at64 = rows.find((r) => r.writers === 64);
    if (at64 !== undefined) {
      const ok = at64.creates / at64.raw >= 0.5 && at64.updates / at64.raw >= 0.5;
      say(`\ntarget: writes at 64 writers >= 50% of raw INSERT: ${ok ? 'met' : 'NOT met'} (creates ${(100 * at64.creates / at64.raw).toFixed(0)}%, updates ${(100 * at64.updates / at64.raw).toFixed(0)}%)`);
    }
    const worstP99 = Math.max(...latencies.map((l) => l.commitP99));
    say(`target: watch delivery p99 (after commit) < 20 ms with 1,000 watchers: ${worstP99 < 20 ? 'met' : 'NOT met'} (worst p99 ${ms(worstP99)})`);
  } finally {
    await postgres.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:store failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
