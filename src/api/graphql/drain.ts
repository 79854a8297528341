import { evictPod } from '../../objects/eviction.js';
import type { KubeObject } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { objectsOf } from './loaders.js';
import { writeOptions } from './write-options.js';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Pods drain leaves alone, as kubectl drain --ignore-daemonsets does: DaemonSet pods and mirror pods. */
function isSkipped(pod: KubeObject): boolean {
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return true;
  return (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'DaemonSet');
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
  const evicted: KubeObject[] = [];
  const skipped: KubeObject[] = [];
  for (const pod of pods) {
    if (isSkipped(pod)) {
      skipped.push(pod);
      continue;
    }
    // The eviction subresource's own code: budgets are checked and a disruption taken per pod.
    const result = await evictPod(objects, podRef, pod.metadata.namespace ?? '', pod.metadata.name ?? '', {
      ...writeOptions(ctx),
      preconditions: { uid: pod.metadata.uid ?? '' },
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
    evicted.push(result.object);
  }
  return { node, evicted, skipped };
}
