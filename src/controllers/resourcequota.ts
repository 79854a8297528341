// Keeps each ResourceQuota's status (hard, used) equal to what its namespace
// holds (pkg/controller/resourcequota). Admission charges creates at once;
// this controller measures from the objects, so deletions, finished pods and
// charges for creates that failed later are corrected.

import { formatUsage, measureUsage, parseUsage, usageOf } from '../admission/quota-usage.js';
import type { ReconcileKey } from '../queue/keys.js';
import type { ObjectChange, WatchedResource } from '../queue/registry.js';
import type { KubeObject } from '../store/types.js';
import { defineController, done, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

/** `name: ''` stands for every quota of the namespace. */
const namespaceKey = (change: ObjectChange): ReconcileKey[] => [{ cluster: change.cluster, namespace: change.namespace, name: '' }];

const specOf = (o: KubeObject | null): string => JSON.stringify(o?.spec ?? null);

interface PodResources {
  containers?: { resources?: unknown }[];
  initContainers?: { resources?: unknown }[];
  overhead?: unknown;
}

/** The part of a pod spec usage is computed from (binding and other spec writes leave it alone). */
const resourcesOf = (o: KubeObject | null): string => {
  const spec = (o?.spec ?? {}) as PodResources;
  return JSON.stringify([(spec.containers ?? []).map((c) => c.resources ?? null), (spec.initContainers ?? []).map((c) => c.resources ?? null), spec.overhead ?? null]);
};

const podCounts = (o: KubeObject | null, now: Date): boolean => o !== null && usageOf({ group: '', resource: 'pods' }, o, now).size > 0;

/**
 * Pod changes that can move usage: arrival, departure, a pod that stops
 * counting (finished, or its deletion began), a resize. As upstream's quota
 * monitor, a pod being bound or becoming Running is not one.
 */
export function podKeys(change: ObjectChange, now = new Date()): ReconcileKey[] {
  if (change.type !== 'MODIFIED') return namespaceKey(change);
  const moved =
    podCounts(change.prev, now) !== podCounts(change.object, now) ||
    change.prev?.metadata.deletionTimestamp !== change.object.metadata.deletionTimestamp ||
    resourcesOf(change.prev) !== resourcesOf(change.object);
  return moved ? namespaceKey(change) : [];
}

/** Objects only counted appear and disappear; services also change type and ports. */
const countedKeys = (change: ObjectChange): ReconcileKey[] => (change.type !== 'MODIFIED' || specOf(change.prev) !== specOf(change.object) ? namespaceKey(change) : []);

const WATCHED: WatchedResource[] = [
  { group: '', resource: 'pods', map: podKeys },
  ...['services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims'].map((resource) => ({ group: '', resource, map: countedKeys })),
  ...[
    ['apps', 'deployments'],
    ['apps', 'replicasets'],
    ['apps', 'statefulsets'],
    ['apps', 'daemonsets'],
    ['batch', 'jobs'],
    ['batch', 'cronjobs'],
  ].map(([group, resource]) => ({ group: group as string, resource: resource as string, map: countedKeys })),
];

async function syncQuota(ctx: ReconcileContext, quota: KubeObject): Promise<void> {
  const hardList = ((quota.spec as { hard?: Record<string, unknown> } | undefined)?.hard ?? {}) as Record<string, unknown>;
  const hard = parseUsage(hardList);
  const used = await measureUsage(ctx.store, ctx.key.cluster, ctx.key.namespace, hard.keys(), ctx.now(), ctx.signal);
  const status = { hard: hardList, used: formatUsage(used) };
  const current = quota.status as { hard?: unknown; used?: unknown } | undefined;
  if (JSON.stringify(current?.hard ?? null) === JSON.stringify(status.hard) && JSON.stringify(current?.used ?? null) === JSON.stringify(status.used)) return;
  // Conditional on the version read: a concurrent admission charge makes this a Conflict, retried.
  await ctx.store.update(
    { cluster: ctx.key.cluster, group: '', resource: 'resourcequotas', namespace: ctx.key.namespace, name: quota.metadata.name ?? '' },
    { ...quota, status: { ...((quota.status as object | undefined) ?? {}), ...status } },
    { subresource: 'status', signal: ctx.signal },
  );
}

async function reconcileQuotas(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { store, key, signal } = ctx;
  const collection = { cluster: key.cluster, group: '', resource: 'resourcequotas', namespace: key.namespace };
  const quotas = key.name === '' ? (await store.list(collection, { signal })).items : [await store.get({ ...collection, name: key.name }, { signal })].filter((q): q is KubeObject => q !== null);
  for (const quota of quotas) if (quota.metadata.deletionTimestamp === undefined) await syncQuota(ctx, quota);
  // Grace periods running out change nothing in the log; the runtime's periodic resync re-measures.
  return done();
}

export default defineController({
  name: 'resourcequota',
  route: { name: 'resourcequota', for: { group: '', resource: 'resourcequotas', kind: 'ResourceQuota' }, watches: WATCHED },
  reconcile: reconcileQuotas,
});
