// `npm run bench:controllers`: how fast the controllers bring a Deployment
// from 0 to 1,000 ready replicas, and how many keys they reconcile per second.
//
// The whole path runs as in `kubeql up`: the API (TLS, so the real kubectl
// can send its token), the outbox dispatcher and the controller manager
// (deployment + replicaset controllers on BullMQ), the scheduler binding to
// 100 simulated Nodes, and a simulated kubelet (one watch on pods) that
// reports every bound pod Running and Ready, as KWOK does. The clock starts
// when `kubectl scale deployment/web --replicas=N` is run and stops when the
// Deployment's status.readyReplicas is N.
//
// Starts its own embedded PostgreSQL (fsync on) and redis-server in a
// temporary directory and removes them at the end.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApi } from '../src/api/start.js';
import { writeKubeconfig } from '../src/auth/kubeconfig.js';
import { ADMIN_GROUPS, issueToken } from '../src/auth/tokens.js';
import { controllers } from '../src/controllers/index.js';
import { ControllerManager } from '../src/controllers/runtime/controller-manager.js';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { generateServingCertificate } from '../src/infra/pki.js';
import { startLocalRedis } from '../src/infra/redis-server.js';
import { createLogger } from '../src/log.js';
import type { ObjectService, ResourceRef } from '../src/objects/service.js';
import { SchedulerWorker } from '../src/scheduler/worker/scheduler-worker.js';
import type { KubeObject } from '../src/store/types.js';
import { kubectl } from '../test/helpers/kubectl.js';

const log = createLogger(process.env.KUBEQL_LOG_LEVEL ?? 'warn');
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const ADMIN = { username: 'bench', groups: ['system:masters'] };
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1_000);
const NODES = Number(process.env.BENCH_NODES ?? 100);
const WRITERS = 64;

function node(name: string): KubeObject {
  const allocatable = { cpu: '64', memory: '256Gi', pods: '250' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } };
}

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
  },
};

/** Reports every bound pod Running and Ready (one watch, bounded concurrent writes); counts the pods it saw bound and the Running writes that succeeded. */
function simulatedKubelet(objects: ObjectService, pods: ResourceRef): { stop(): Promise<void>; bound: Set<string>; running: Set<string> } {
  let stopped = false;
  const bound = new Set<string>();
  const running = new Set<string>();
  let close = (): void => undefined;
  const loop = (async () => {
    const watch = await objects.watch(pods, '', { resourceVersion: '0' });
    close = () => watch.close();
    const pending = new Set<Promise<unknown>>();
    for await (const event of watch) {
      if (stopped) break;
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
      const p = event.object;
      const status = (p.status ?? {}) as { phase?: string; conditions?: unknown[] };
      if (!(p.spec as { nodeName?: string }).nodeName || p.metadata.deletionTimestamp) continue;
      bound.add(p.metadata.name ?? '');
      if (status.phase === 'Running') continue;
      while (pending.size >= WRITERS) await Promise.race(pending);
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const conditions = [...(status.conditions ?? []).filter((c) => (c as { type?: string }).type !== 'Ready'), { type: 'Ready', status: 'True', lastTransitionTime: now }];
      const write: Promise<unknown> = objects
        .update(pods, p.metadata.namespace ?? 'default', p.metadata.name ?? '', { ...p, status: { ...status, phase: 'Running', conditions } }, { requester: ADMIN, subresource: 'status' })
        .then(() => running.add(p.metadata.name ?? ''))
        .catch(() => undefined) // a newer version arrives as MODIFIED and is handled then
        .finally(() => pending.delete(write));
      pending.add(write);
    }
    await Promise.all(pending);
  })();
  return {
    bound,
    running,
    async stop() {
      stopped = true;
      close();
      await loop;
    },
  };
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-bench-controllers-'));
  const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), log });
  const redis = await startLocalRedis({ dir: undefined, log, say });
  const stops: (() => Promise<unknown>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await redis.stop().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    await migrate(postgres.url, log);
    const tls = await generateServingCertificate();
    const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: postgres.url, redisUrl: redis.url, log, tls, development: false });
    stops.push(() => api.stop());
    const cluster = `bench-${Date.now().toString(36)}`;
    const token = await issueToken(api.prisma, { cluster, kind: 'admin', username: 'bench', groups: ADMIN_GROUPS });
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${api.port}`, token, cluster, user: 'bench', caPem: tls.cert });
    const { objects } = api;
    const refs = { pods: objects.resource(cluster, '', 'v1', 'pods'), nodes: objects.resource(cluster, '', 'v1', 'nodes'), deployments: objects.resource(cluster, 'apps', 'v1', 'deployments') };
    for (let i = 0; i < NODES; i++) await objects.create(refs.nodes, '', node(`node-${i}`), { requester: ADMIN });
    const scheduler = new SchedulerWorker({ objects, log, feed: { databaseUrl: postgres.url, redisUrl: redis.url, clusters: [cluster], resyncMs: 0, pollIntervalMs: 200 } });
    stops.push(() => scheduler.stop());
    await scheduler.addCluster(cluster).synced();
    await scheduler.start();
    const kubelet = simulatedKubelet(objects, refs.pods);
    stops.push(() => kubelet.stop());
    const manager = new ControllerManager({ objects, controllers, databaseUrl: postgres.url, redisUrl: redis.url, log, clusters: [cluster], resyncMs: 0, pollIntervalMs: 200 });
    await manager.start();
    stops.push(() => manager.stop());
    await objects.create(refs.deployments, 'default', deployment, { requester: ADMIN });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = manager.metrics.snapshot().reduce((n, s) => n + s.reconciles, 0);

    say(`controllers benchmark: ${os.cpus().length} cores, node ${process.version}, embedded PostgreSQL (fsync on), ${NODES} simulated nodes`);
    const started = performance.now();
    const scaled = await kubectl(kubeconfig, ['scale', 'deployment/web', `--replicas=${REPLICAS}`]);
    if (scaled.code !== 0) throw new Error(`kubectl scale failed: ${scaled.stderr}`);
    const marks = new Map<string, number>();
    for (;;) {
      const d = await objects.get(refs.deployments, 'default', 'web');
      const s = (d.status ?? {}) as { replicas?: number; readyReplicas?: number };
      const t = (performance.now() - started) / 1000;
      if ((s.replicas ?? 0) >= REPLICAS && !marks.has('created')) marks.set('created', t);
      if (kubelet.bound.size >= REPLICAS && !marks.has('bound')) marks.set('bound', t);
      if (kubelet.running.size >= REPLICAS && !marks.has('running')) marks.set('running', t);
      if ((s.readyReplicas ?? 0) >= REPLICAS) {
        marks.set('ready', t);
        break;
      }
      if (t > 300) throw new Error(`timed out: ${JSON.stringify(s)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const seconds = marks.get('ready') ?? 0;
    const snapshot = manager.metrics.snapshot();
    const reconciles = snapshot.reduce((n, s) => n + s.reconciles, 0) - before;
    say('');
    say(`| replicas | all pods counted by the ReplicaSet | all bound (seen by the kubelet) | all Running written | all ready (status.readyReplicas) | reconciles | reconciles/s | mean reconcile |`);
    say('|---:|---:|---:|---:|---:|---:|---:|---:|');
    const mean = snapshot.reduce((n, s) => n + s.durationSeconds.sum, 0) / Math.max(1, snapshot.reduce((n, s) => n + s.durationSeconds.count, 0));
    const mark = (name: string): string => (marks.has(name) ? `${(marks.get(name) ?? 0).toFixed(1)} s` : '—');
    say(`| ${REPLICAS.toLocaleString('en')} | ${mark('created')} | ${mark('bound')} | ${mark('running')} | ${seconds.toFixed(1)} s | ${reconciles} | ${(reconciles / seconds).toFixed(0)} | ${(mean * 1000).toFixed(1)} ms |`);
    for (const s of snapshot) say(`  ${s.controller}: ${s.reconciles} reconciles, ${s.errors} errors, mean ${((s.durationSeconds.sum / Math.max(1, s.durationSeconds.count)) * 1000).toFixed(1)} ms`);
    say(seconds < 10 ? `target met: ${REPLICAS} ready in ${seconds.toFixed(1)} s (< 10 s)` : `target missed: ${REPLICAS} ready in ${seconds.toFixed(1)} s (target < 10 s)`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:controllers: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
