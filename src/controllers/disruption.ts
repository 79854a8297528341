// Keeps each PodDisruptionBudget's status (pkg/controller/disruption): how
// many selected pods are healthy, how many must be, and so how many
// disruptions evictions may take. Evictions take disruptions and list the pod
// in status.disruptedPods; this controller gives them back once the pod is
// seen terminating, or forgets the entry after DELETION_TIMEOUT_MS.

import { selectorMatches } from '../admission/validation/label-selector.js';
import type { ReconcileKey } from '../queue/keys.js';
import type { ObjectChange } from '../queue/registry.js';
import { ConflictError } from '../store/errors.js';
import type { KubeObject, OwnerReference } from '../store/types.js';
import { isReady } from './replica/pods.js';
import { defineController, done, requeueAfter, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

/** Upstream's DeletionTimeout: how long an eviction's entry in disruptedPods waits for the pod's deletion. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

interface BudgetSpec {
  selector?: unknown;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: Condition[];
}

const PDBS = { group: 'policy', resource: 'poddisruptionbudgets' };

/** `name: ''` stands for every budget of the namespace (a pod change cannot list budgets to pick one). */
const namespaceKey = (change: ObjectChange): ReconcileKey[] => [{ cluster: change.cluster, namespace: change.namespace, name: '' }];

/** What of a pod a budget's status depends on. */
const podFacts = (pod: KubeObject | null): string =>
  JSON.stringify(pod === null ? null : [pod.metadata.labels ?? {}, pod.metadata.deletionTimestamp ?? null, isReady(pod), pod.metadata.ownerReferences ?? []]);

/** Pod changes that can move a budget's status: arrival, departure, labels, readiness, deletion, owner. */
export function podKeys(change: ObjectChange): ReconcileKey[] {
  if (change.type === 'MODIFIED' && podFacts(change.prev) === podFacts(change.object)) return [];
  return namespaceKey(change);
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** intstr.GetScaledValueFromIntOrPercent with roundUp. */
function scaledValue(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (m === null) throw new Error(`invalid value for IntOrString: invalid value "${value}": must be an integer or a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

const groupOf = (apiVersion: string | undefined): string => {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
};

const controllerOf = (o: KubeObject): OwnerReference | undefined => o.metadata.ownerReferences?.find((r) => r.controller === true);

const replicasOf = (o: KubeObject): number => (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;

/**
 * The controller (uid and scale) a pod's controllerRef points to, as
 * upstream's finders: a ReplicaSet (or the Deployment owning it),
 * ReplicationController, StatefulSet, then any kind with a scale
 * subresource. Undefined when none is found.
 */
async function findController(ctx: ReconcileContext, ref: OwnerReference, namespace: string): Promise<{ uid: string; scale: number } | undefined> {
  const get = async (group: string, resource: string, name: string, uid?: string): Promise<KubeObject | undefined> => {
    const o = await ctx.store.get({ cluster: ctx.key.cluster, group, resource, namespace, name }, { signal: ctx.signal });
    return o !== null && (uid === undefined || o.metadata.uid === uid) ? o : undefined;
  };
  const group = groupOf(ref.apiVersion);
  if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
    const rs = await get('apps', 'replicasets', ref.name, ref.uid);
    if (rs === undefined) return undefined;
    const owner = controllerOf(rs);
    if (owner === undefined || owner.kind !== 'Deployment') return { uid: rs.metadata.uid ?? '', scale: replicasOf(rs) };
    const deployment = await get('apps', 'deployments', owner.name, owner.uid);
    return deployment === undefined ? undefined : { uid: deployment.metadata.uid ?? '', scale: replicasOf(deployment) };
  }
  if (ref.kind === 'ReplicationController' && group === '') {
    const rc = await get('', 'replicationcontrollers', ref.name, ref.uid);
    return rc === undefined ? undefined : { uid: rc.metadata.uid ?? '', scale: replicasOf(rc) };
  }
  if (ref.kind === 'StatefulSet' && group === 'apps') {
    const sts = await get('apps', 'statefulsets', ref.name, ref.uid);
    return sts === undefined ? undefined : { uid: sts.metadata.uid ?? '', scale: replicasOf(sts) };
  }
  return scaleOfAnyController(ctx, ref, namespace, get);
}

/** Upstream's last finder: any other kind through its scale subresource, or an error naming what it lacks. */
async function scaleOfAnyController(
  ctx: ReconcileContext,
  ref: OwnerReference,
  namespace: string,
  get: (group: string, resource: string, name: string, uid?: string) => Promise<KubeObject | undefined>,
): Promise<{ uid: string; scale: number } | undefined> {
  const group = groupOf(ref.apiVersion);
  const slash = (ref.apiVersion ?? '').indexOf('/');
  const version = slash < 0 ? (ref.apiVersion ?? '') : (ref.apiVersion ?? '').slice(slash + 1);
  const registry = ctx.objects.registryFor(ctx.key.cluster);
  const resource = registry.byKind(group, ref.kind, version);
  if (resource === undefined) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion ?? ''}"`);
  if (registry.subresource(resource, 'scale') === undefined) throw new Error(`${group === '' ? resource.resource : `${resource.resource}.${group}`} does not implement the scale subresource`);
  const found = await get(group, resource.resource, ref.name, ref.uid);
  return found === undefined ? undefined : { uid: found.metadata.uid ?? '', scale: (found.spec as { replicas?: number } | undefined)?.replicas ?? 0 };
}

/** Sum of the scales of the selected pods' controllers (getExpectedScale); unmanaged pods are left out and named. */
async function expectedScale(ctx: ReconcileContext, pods: readonly KubeObject[]): Promise<{ expected: number; unmanaged: string[] }> {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (ref === undefined) {
      unmanaged.push(pod.metadata.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = await findController(ctx, ref, pod.metadata.namespace ?? '');
    if (found === undefined) throw new Error(`found no controllers for pod "${pod.metadata.name ?? ''}"`);
    scales.set(found.uid, found.scale);
  }
  let expected = 0;
  for (const scale of scales.values()) expected += scale;
  return { expected, unmanaged };
}

/** getExpectedPodCount: expectedPods and desiredHealthy from the spec. */
async function expectedPodCount(ctx: ReconcileContext, spec: BudgetSpec, pods: readonly KubeObject[]): Promise<{ expected: number; desired: number; unmanaged: string[] }> {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = await expectedScale(ctx, pods);
    return { expected, desired: Math.max(0, expected - scaledValue(spec.maxUnavailable, expected)), unmanaged };
  }
  if (typeof spec.minAvailable === 'number') return { expected: pods.length, desired: spec.minAvailable, unmanaged: [] };
  if (typeof spec.minAvailable === 'string') {
    const { expected, unmanaged } = await expectedScale(ctx, pods);
    return { expected, desired: scaledValue(spec.minAvailable, expected), unmanaged };
  }
  return { expected: 0, desired: 0, unmanaged: [] };
}

/**
 * buildDisruptedPodMap: the entries still pending (pod present, not
 * terminating, entry younger than the timeout) and when the oldest expires.
 */
function pendingDisruptions(budget: KubeObject, pods: readonly KubeObject[], now: Date): { pending: Record<string, string>; recheckAt?: number; expired: KubeObject[] } {
  const listed = (budget.status as BudgetStatus | undefined)?.disruptedPods ?? {};
  const pending: Record<string, string> = {};
  const expired: KubeObject[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const at = listed[pod.metadata.name ?? ''];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now.getTime()) {
      expired.push(pod);
    } else {
      pending[pod.metadata.name ?? ''] = at;
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    }
  }
  return recheckAt === undefined ? { pending, expired } : { pending, recheckAt, expired };
}

/** countHealthyPods: Ready, not terminating, not just disrupted. */
function countHealthy(pods: readonly KubeObject[], pending: Record<string, string>): number {
  return pods.filter((pod) => pod.metadata.deletionTimestamp === undefined && pending[pod.metadata.name ?? ''] === undefined && isReady(pod)).length;
}

/** apimeta.SetStatusCondition for the DisruptionAllowed condition. */
function withCondition(conditions: readonly Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const merged: Condition = { ...next, lastTransitionTime: old !== undefined && old.status === next.status ? old.lastTransitionTime : rfc3339(now) };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

function allowedCondition(allowed: number, observedGeneration: number): Omit<Condition, 'lastTransitionTime'> {
  return allowed > 0
    ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration }
    : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration };
}

async function writeStatus(ctx: ReconcileContext, budget: KubeObject, status: BudgetStatus): Promise<void> {
  await ctx.store.update(
    { cluster: ctx.key.cluster, ...PDBS, namespace: budget.metadata.namespace ?? '', name: budget.metadata.name ?? '' },
    { ...budget, status },
    { subresource: 'status', signal: ctx.signal },
  );
}

/** A LabelSelector as Go's generated String() prints it (upstream formats it into the UnmanagedPods event). */
export function goSelectorText(selector: unknown): string {
  if (selector === undefined || selector === null) return 'nil';
  const { matchLabels = {}, matchExpressions = [] } = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key?: string; operator?: string; values?: string[] }[] };
  const labels = Object.keys(matchLabels)
    .sort()
    .map((k) => `${k}: ${matchLabels[k] ?? ''},`)
    .join('');
  const exprs = matchExpressions.map((e) => `LabelSelectorRequirement{Key:${e.key ?? ''},Operator:${e.operator ?? ''},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** trySync for one budget; returns when to look again (an entry of disruptedPods expiring), if ever. */
async function trySync(ctx: ReconcileContext, budget: KubeObject, now: Date): Promise<number | undefined> {
  const spec = (budget.spec ?? {}) as BudgetSpec;
  const namespace = budget.metadata.namespace ?? '';
  const all = (await ctx.store.list({ cluster: ctx.key.cluster, group: '', resource: 'pods', namespace }, { signal: ctx.signal })).items;
  const pods = all.filter((pod) => selectorMatches(spec.selector, pod.metadata.labels ?? {}));
  if (pods.length === 0) await ctx.events.record(budget, 'Normal', 'NoPods', 'No matching pods found');
  let counts: { expected: number; desired: number; unmanaged: string[] };
  try {
    counts = await expectedPodCount(ctx, spec, pods);
  } catch (err) {
    await ctx.events.record(budget, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  if (counts.unmanaged.length > 0) {
    await ctx.events.record(
      budget,
      'Warning',
      'UnmanagedPods',
      `Pods selected by this PodDisruptionBudget (selector: ${goSelectorText(spec.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
    );
  }
  const { pending, recheckAt, expired } = pendingDisruptions(budget, pods, now);
  for (const pod of expired) {
    await ctx.events.record(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${namespace}/${budget.metadata.name ?? ''} to be deleted but it wasn't`);
  }
  const currentHealthy = countHealthy(pods, pending);
  // expectedPods > 0 keeps a budget that matches nothing yet safe when its first pods appear.
  const allowed = counts.expected <= 0 ? 0 : Math.max(0, currentHealthy - counts.desired);
  const generation = budget.metadata.generation ?? 0;
  const old = (budget.status ?? {}) as BudgetStatus;
  const condition = old.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const upToDate =
    old.currentHealthy === currentHealthy &&
    old.desiredHealthy === counts.desired &&
    old.expectedPods === counts.expected &&
    old.disruptionsAllowed === allowed &&
    JSON.stringify(old.disruptedPods ?? {}) === JSON.stringify(pending) &&
    old.observedGeneration === generation &&
    condition !== undefined &&
    condition.observedGeneration === generation &&
    condition.status === (allowed > 0 ? 'True' : 'False') &&
    condition.reason !== 'SyncFailed';
  if (!upToDate) {
    const status: BudgetStatus = {
      observedGeneration: generation,
      disruptionsAllowed: allowed,
      currentHealthy,
      desiredHealthy: counts.desired,
      expectedPods: counts.expected,
      conditions: withCondition(old.conditions, allowedCondition(allowed, generation), now),
    };
    if (Object.keys(pending).length > 0) status.disruptedPods = pending;
    await writeStatus(ctx, budget, status);
  }
  return recheckAt;
}

/** failSafe: no disruption allowed while the status cannot be computed. */
async function failSafe(ctx: ReconcileContext, budget: KubeObject, err: unknown, now: Date): Promise<void> {
  const old = (budget.status ?? {}) as BudgetStatus;
  const message = err instanceof Error ? err.message : String(err);
  const conditions = withCondition(old.conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message, observedGeneration: old.observedGeneration ?? 0 }, now);
  await writeStatus(ctx, budget, { ...old, disruptionsAllowed: 0, conditions });
}

async function syncBudget(ctx: ReconcileContext, budget: KubeObject): Promise<number | undefined> {
  const now = ctx.now();
  try {
    return await trySync(ctx, budget, now);
  } catch (err) {
    // Someone else wrote the budget since we read it: the next reconcile sees their write.
    if (err instanceof ConflictError || ctx.signal.aborted) throw err;
    ctx.log.warn({ err, pdb: budget.metadata.name }, 'failed to sync PodDisruptionBudget');
    await failSafe(ctx, budget, err, now);
    return undefined;
  }
}

async function reconcileBudgets(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { store, key, signal } = ctx;
  const collection = { cluster: key.cluster, ...PDBS, namespace: key.namespace };
  const budgets = key.name === '' ? (await store.list(collection, { signal })).items : [await store.get({ ...collection, name: key.name }, { signal })].filter((b): b is KubeObject => b !== null);
  let recheckAt: number | undefined;
  for (const budget of budgets) {
    const at = await syncBudget(ctx, budget);
    if (at !== undefined && (recheckAt === undefined || at < recheckAt)) recheckAt = at;
  }
  // A pending entry expiring changes nothing in the log: look again when the oldest does.
  return recheckAt === undefined ? done() : requeueAfter(recheckAt - ctx.now().getTime() + 1000);
}

export default defineController({
  name: 'disruption',
  route: { name: 'disruption', for: { ...PDBS, kind: 'PodDisruptionBudget' }, watches: [{ group: '', resource: 'pods', map: podKeys }] },
  reconcile: reconcileBudgets,
});
