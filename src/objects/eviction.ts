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

function isDone(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The budgets in the pod's namespace whose selector selects it (a budget without a selector selects nothing). */
function budgetsCovering(pod: KubeObject, budgets: readonly KubeObject[]): KubeObject[] {
  const labels = pod.metadata.labels ?? {};
  return budgets.filter((pdb) => {
    const selector = (pdb.spec as { selector?: unknown } | undefined)?.selector;
    return pdb.metadata.namespace === pod.metadata.namespace && selector !== undefined && selector !== null && selectorMatches(selector, labels);
  });
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
 * further disruption (TooManyRequests, 429). Pods that are
 * done, or already terminating, may always go. More than one budget covering
 * the pod is refused as the API server refuses it.
 */
export async function evictPod(objects: ObjectService, podRef: ResourceRef, namespace: string, name: string, options: DeleteRequestOptions): Promise<DeleteResult> {
  const pod = await objects.get(podRef, namespace, name, options.signal);
  const pdbResource = objects.registryFor(podRef.cluster).lookup('policy', 'v1', 'poddisruptionbudgets');
  if (pdbResource !== undefined && !isDone(pod) && !pod.metadata.deletionTimestamp) {
    const pdbRef: ResourceRef = { cluster: podRef.cluster, resource: pdbResource };
    const budgets = budgetsCovering(pod, (await objects.list(pdbRef, namespace, options.signal ? { signal: options.signal } : {})).items);
    if (budgets.length > 1) throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const budget = budgets[0];
    if (budget !== undefined) await takeDisruption(objects, pdbRef, pod, budget, options);
  }
  return objects.delete(podRef, namespace, name, options);
}
