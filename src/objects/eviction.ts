// Evicting a pod (pods/<name>/eviction): a delete that respects
// PodDisruptionBudgets. The one code path the REST subresource and GraphQL's
// drain share, so both refuse the same evictions with the same Status.

import { ApiError } from '../api/errors.js';
import { selectorMatches } from '../admission/validation/label-selector.js';
import { ConflictError } from '../store/errors.js';
import type { DeleteResult, KubeObject } from '../store/types.js';
import type { DeleteRequestOptions, ObjectService, ResourceRef } from './service.js';

interface BudgetStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  desiredHealthy?: number;
  currentHealthy?: number;
  disruptedPods?: Record<string, string>;
}

// A budget's status may be rewritten by others (its controller, another
// eviction) between our read and our write: read again and retry, this often.
const BUDGET_UPDATE_ATTEMPTS = 5;

/** Pods that count for no budget (upstream's canIgnorePDB): finished, or not yet running. */
function ignoresBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function isEmptySelector(selector: unknown): boolean {
  const s = selector as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] } | null | undefined;
  return s === undefined || s === null || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);
}

/**
 * The budgets in the pod's namespace whose selector selects it. An empty or
 * missing selector selects nothing here, as in the API server's eviction
 * (a budget like that must not block every eviction in its namespace).
 */
function budgetsCovering(pod: KubeObject, budgets: readonly KubeObject[]): KubeObject[] {
  const labels = pod.metadata.labels ?? {};
  return budgets.filter((pdb) => {
    const selector = (pdb.spec as { selector?: unknown } | undefined)?.selector;
    return pdb.metadata.namespace === pod.metadata.namespace && !isEmptySelector(selector) && selectorMatches(selector, labels);
  });
}

/**
 * An unready pod does not count as healthy, so evicting it costs the budget
 * nothing when the budget is met anyway (IfHealthyBudget, the default) or
 * its policy is AlwaysAllow.
 */
function unhealthyPodMayGo(pod: KubeObject, pdb: KubeObject): boolean {
  if (isReady(pod)) return false;
  const policy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
  if (policy === 'AlwaysAllow') return true;
  const status = (pdb.status ?? {}) as BudgetStatus;
  return (status.desiredHealthy ?? 0) > 0 && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0);
}

// Without a Retry-After (kube-apiserver sends none): client-go would otherwise
// wait and retry by itself, and kubectl drain would never report the refusal.
function tooManyRequests(pod: KubeObject, cause: string): ApiError {
  return new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    name: pod.metadata.name ?? '',
    kind: 'pods',
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
}

/**
 * Takes one disruption from a budget (status.disruptionsAllowed - 1, and the
 * pod in status.disruptedPods until its controller sees it gone), so two
 * evictions racing for the last allowed disruption cannot both pass.
 * Refuses with TooManyRequests when none is left.
 */
async function takeDisruption(objects: ObjectService, pdbRef: ResourceRef, pod: KubeObject, first: KubeObject, options: DeleteRequestOptions): Promise<void> {
  let pdb = first;
  for (let attempt = 1; ; attempt++) {
    const status = (pdb.status ?? {}) as BudgetStatus;
    // A status computed for an older spec says nothing about this one.
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooManyRequests(pod, `The disruption budget ${pdb.metadata.name ?? ''} is still being processed by the server.`);
    if ((status.disruptionsAllowed ?? 0) <= 0) {
      throw tooManyRequests(pod, `The disruption budget ${pdb.metadata.name ?? ''} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
    }
    if (options.dryRun) return;
    const taken: KubeObject = {
      ...pdb,
      status: { ...status, disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1, disruptedPods: { ...status.disruptedPods, [pod.metadata.name ?? '']: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } },
    };
    try {
      await objects.update(pdbRef, pdb.metadata.namespace ?? '', pdb.metadata.name ?? '', taken, { ...options, subresource: 'status' });
      return;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= BUDGET_UPDATE_ATTEMPTS) throw err;
      pdb = await objects.get(pdbRef, pdb.metadata.namespace ?? '', pdb.metadata.name ?? '', options.signal);
    }
  }
}

/**
 * Evicts a pod: deletes it unless a PodDisruptionBudget covering it allows no
 * further disruption (TooManyRequests, 429). Pods that are done, pending
 * or already terminating may always go; an unready pod may go without
 * taking a disruption while its budget is met. More than one budget covering
 * the pod is refused as the API server refuses it.
 */
export async function evictPod(objects: ObjectService, podRef: ResourceRef, namespace: string, name: string, options: DeleteRequestOptions): Promise<DeleteResult> {
  const pod = await objects.get(podRef, namespace, name, options.signal);
  const pdbResource = objects.registryFor(podRef.cluster).lookup('policy', 'v1', 'poddisruptionbudgets');
  if (pdbResource !== undefined && !ignoresBudgets(pod)) {
    const pdbRef: ResourceRef = { cluster: podRef.cluster, resource: pdbResource };
    const budgets = budgetsCovering(pod, (await objects.list(pdbRef, namespace, options.signal ? { signal: options.signal } : {})).items);
    if (budgets.length > 1) throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const budget = budgets[0];
    if (budget !== undefined) {
      if (unhealthyPodMayGo(pod, budget)) {
        // Only the pod as judged may go: if it became ready meanwhile, the delete is a Conflict.
        return objects.delete(podRef, namespace, name, { ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion ?? '' } });
      }
      await takeDisruption(objects, pdbRef, pod, budget, options);
    }
  }
  return objects.delete(podRef, namespace, name, options);
}
