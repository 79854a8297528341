// Shared set-up for controller tests: an ObjectService on the test database,
// controller managers limited to one cluster under a private Redis prefix,
// and a ReconcileContext for calling a reconcile directly.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { ControllerManager, controllerRequester, type ControllerManagerOptions } from '../../src/controllers/runtime/controller-manager.js';
import type { ControllerDefinition, ReconcileContext } from '../../src/controllers/runtime/define.js';
import { ObjectEventRecorder } from '../../src/objects/event-recorder.js';
import { silentLogger } from '../../src/log.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService } from '../../src/objects/service.js';
import { Store } from '../../src/store/store.js';
import type { KubeObject } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { testDatabaseUrl, testRedisUrl } from '../helpers/env.js';

export const admin = { username: 'admin', groups: ['system:masters'] };

export function testObjects(): ObjectService {
  const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 6 });
  return new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
}

export function testManager(objects: ObjectService, cluster: string, controllers: readonly ControllerDefinition[], extra: Partial<ControllerManagerOptions> & { prefix?: string } = {}): ControllerManager {
  const id = randomBytes(4).toString('hex');
  return new ControllerManager({
    objects,
    controllers,
    databaseUrl: testDatabaseUrl(),
    redisUrl: testRedisUrl(),
    log: silentLogger(),
    prefix: `kq-ctl-${id}`,
    consumer: `ctl-${id}`,
    clusters: [cluster],
    resyncMs: 0,
    pollIntervalMs: 100,
    backoff: { baseMs: 5, maxMs: 500 },
    ...extra,
  });
}

/** Removes every queue of a test prefix from Redis. */
/** A test API with a controller manager running `controllers` on its cluster; stop() ends both and clears the manager's queues. */
export interface ManagedApi {
  t: TestApi;
  manager: ControllerManager;
  stop: () => Promise<void>;
}

export async function startManagedApi(controllers: readonly ControllerDefinition[]): Promise<ManagedApi> {
  const t = await startTestApi();
  const manager = testManager(t.api.objects, t.cluster, controllers);
  await manager.start();
  const stop = async (): Promise<void> => {
    await manager.stop();
    await obliterate(manager.prefix, controllers.map((c) => c.name));
    await t.stop();
  };
  return { t, manager, stop };
}

export async function obliterate(prefix: string, names: readonly string[]): Promise<void> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  try {
    for (const name of names) {
      const q = new Queue(name, { connection: redis, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
  } finally {
    redis.disconnect();
  }
}

export function directContext(objects: ObjectService, controller: string, key: { cluster: string; namespace: string; name: string }, now: () => Date = () => new Date()): ReconcileContext {
  return {
    objects,
    store: objects.store,
    key,
    log: silentLogger(),
    signal: new AbortController().signal,
    events: new ObjectEventRecorder({ objects, cluster: key.cluster, component: `${controller}-controller`, requester: controllerRequester(controller), log: silentLogger(), now }),
    now,
  };
}

export async function listPods(objects: ObjectService, cluster: string, namespace = 'default'): Promise<KubeObject[]> {
  return (await objects.list(objects.resource(cluster, '', 'v1', 'pods'), namespace)).items;
}

/** Marks a pod Running and Ready (what a node agent would report). */
export async function makeReady(objects: ObjectService, cluster: string, pod: KubeObject, since = new Date()): Promise<KubeObject> {
  const ref = objects.resource(cluster, '', 'v1', 'pods');
  const t = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (;;) {
    const current = await objects.get(ref, pod.metadata.namespace ?? 'default', pod.metadata.name ?? '');
    try {
      return await objects.update(ref, pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', { ...current, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, { subresource: 'status', requester: admin });
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'Conflict') throw err;
    }
  }
}

export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Marks every live pod of a cluster (that `readies` picks) Ready shortly after it appears (a stand-in node agent). Returns stop. */
export function standInKubelet(objects: ObjectService, cluster: string, delayMs = 50, readies: (pod: KubeObject) => boolean = () => true): () => Promise<void> {
  let stopped = false;
  const seen = new Map<string, number>();
  const loop = (async () => {
    while (!stopped) {
      try {
        for (const pod of await listPods(objects, cluster, '')) {
          const ready = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
          if (ready || pod.metadata.deletionTimestamp !== undefined || !readies(pod)) continue;
          const first = seen.get(pod.metadata.uid ?? '') ?? Date.now();
          seen.set(pod.metadata.uid ?? '', first);
          if (Date.now() - first >= delayMs) await makeReady(objects, cluster, pod).catch(() => undefined);
        }
      } catch {
        // The API may be stopping.
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
