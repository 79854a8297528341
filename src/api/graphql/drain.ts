import { ApiError } from '../errors.js';
import { labelsMatch, parseLabelSelector } from '../../store/label-selector.js';
import type { KubeObject } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { objectsOf } from './loaders.js';
import { writeOptions } from './write-options.js';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

// A metav1.LabelSelector in the selector syntax the store parses.
function selectorString(selector: LabelSelectorJson): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function isDone(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Pods drain leaves alone, as kubectl drain --ignore-daemonsets does: DaemonSet pods and mirror pods. */
function isSkipped(pod: KubeObject): boolean {
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return true;
  return (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'DaemonSet');
}

/**
 * The eviction check of pods/<name>/eviction: a running pod covered by a
 * PodDisruptionBudget that allows no disruption may not go (429).
 * (Mirrors the REST eviction handler; both should move into the
 * ObjectService as one `evict`.)
 */
function checkBudgets(pod: KubeObject, budgets: readonly KubeObject[]): void {
  if (isDone(pod) || pod.metadata.deletionTimestamp) return;
  for (const pdb of budgets) {
    if (pdb.metadata.namespace !== pod.metadata.namespace) continue;
    const selector = (pdb.spec as { selector?: LabelSelectorJson } | undefined)?.selector;
    if (selector === undefined || !labelsMatch(parseLabelSelector(selectorString(selector)), pod.metadata.labels)) continue;
    const status = (pdb.status ?? {}) as { disruptionsAllowed?: number; desiredHealthy?: number; currentHealthy?: number };
    if ((status.disruptionsAllowed ?? 0) <= 0) {
      throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
        name: pod.metadata.name ?? '',
        kind: 'pods',
        causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name ?? ''} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }],
        retryAfterSeconds: 10,
      });
    }
  }
}

/**
 * kubectl drain: cordon the node, then evict every pod on it except
 * DaemonSet and mirror pods. A pod a disruption budget protects stops the
 * drain with TooManyRequests (the node stays cordoned; drain again later).
 */
export async function drainNode(ctx: GraphqlContext, nodeName: string, gracePeriodSeconds: number | undefined): Promise<{ node: KubeObject; evicted: KubeObject[]; skipped: KubeObject[] }> {
  const objects = objectsOf(ctx);
  const nodeRef = objects.resourceForKind(ctx.cluster, 'v1', 'Node');
  const node = await objects.patch(nodeRef, '', nodeName, 'merge', { spec: { unschedulable: true } }, writeOptions(ctx));
  const podRef = objects.resourceForKind(ctx.cluster, 'v1', 'Pod');
  const pods = (await objects.list(podRef, '', { fieldSelector: `spec.nodeName=${nodeName}`, signal: ctx.signal })).items;
  const pdbRef = objects.registryFor(ctx.cluster).lookup('policy', 'v1', 'poddisruptionbudgets');
  const budgets = pdbRef ? (await objects.list({ cluster: ctx.cluster, resource: pdbRef }, '', { signal: ctx.signal })).items : [];
  const evicted: KubeObject[] = [];
  const skipped: KubeObject[] = [];
  for (const pod of pods) {
    if (isSkipped(pod)) {
      skipped.push(pod);
      continue;
    }
    checkBudgets(pod, budgets);
    const result = await objects.delete(podRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', {
      ...writeOptions(ctx),
      preconditions: { uid: pod.metadata.uid ?? '' },
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
    evicted.push(result.object);
  }
  return { node, evicted, skipped };
}
