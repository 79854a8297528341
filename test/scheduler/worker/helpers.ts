// Shared set-up for scheduler worker tests: a real store and object service on
// the test database, a fresh cluster per test, nodes written the way a node
// agent registers them (status included).
import { builtinRegistryFor } from '../../../src/api/resources/registry.js';
import { defaultAdmission } from '../../../src/objects/default-admission.js';
import { ObjectService, type ResourceRef } from '../../../src/objects/service.js';
import { Store } from '../../../src/store/index.js';
import type { KubeObject } from '../../../src/store/types.js';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../../src/log.js';
import type { ClusterScheduler, ClusterSchedulerOptions } from '../../../src/scheduler/worker/cluster-scheduler.js';
import { SchedulerWorker } from '../../../src/scheduler/worker/scheduler-worker.js';
import { testDatabaseUrl, testRedisUrl } from '../../helpers/env.js';

export const ADMIN = { username: 'test-admin', groups: ['system:masters'] } as const;

export function openObjects(): ObjectService {
  const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 8 });
  return new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
}

export const refs = (objects: ObjectService, cluster: string): { pods: ResourceRef; nodes: ResourceRef; events: ResourceRef } => ({
  pods: objects.resource(cluster, '', 'v1', 'pods'),
  nodes: objects.resource(cluster, '', 'v1', 'nodes'),
  events: objects.resource(cluster, '', 'v1', 'events'),
});

export interface NodeSpecOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

export function nodeObject(name: string, o: NodeSpecOptions = {}): KubeObject {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: o.taints ? { taints: o.taints } : {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
  };
}

export function podObject(name: string, o: { cpu?: string; memory?: string; priority?: number; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests } }], ...(o.priority !== undefined ? { priority: o.priority } : {}), ...(o.spec ?? {}) },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const nodeNameOf = (pod: KubeObject): string | undefined => (pod.spec as { nodeName?: string } | undefined)?.nodeName || undefined;

export function podScheduled(pod: KubeObject): { status?: string; reason?: string; message?: string } | undefined {
  return ((pod.status as { conditions?: { type: string; status?: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'PodScheduled');
}

export interface TestScheduler {
  worker: SchedulerWorker;
  /** The cluster's scheduler inside the worker (stats, queue sizes). */
  scheduler: ClusterScheduler;
  /** The worker's queue prefix and dispatcher cursor: a second worker given these is another replica of it. */
  feed: { prefix: string; consumer: string };
  stop(): Promise<void>;
}

/**
 * A scheduler worker fed the way `kubeql scheduler` is (dispatcher ->
 * BullMQ queue -> worker), limited to one cluster, with its queue under a
 * private Redis prefix and its own dispatcher cursor unless `replicaOf`
 * gives another worker's (then the two share queue and cursor, as replicas).
 */
export async function startTestScheduler(
  objects: ObjectService,
  cluster: string,
  extra: Partial<Omit<ClusterSchedulerOptions, 'cluster' | 'objects' | 'log'>> & { replicaOf?: TestScheduler['feed'] } = {},
): Promise<TestScheduler> {
  const { replicaOf, ...options } = extra;
  const id = randomBytes(4).toString('hex');
  const feed = replicaOf ?? { prefix: `kq-sched-${id}`, consumer: `sched-${id}` };
  const worker = new SchedulerWorker({
    objects,
    log: silentLogger(),
    ...options,
    feed: { databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), ...feed, clusters: [cluster], pollIntervalMs: 100, resyncMs: 0 },
  });
  const scheduler = worker.addCluster(cluster);
  await scheduler.synced();
  await worker.start();
  return { worker, scheduler, feed, stop: () => worker.stop() };
}
