// The last line of defence against overcommit when several scheduler
// replicas bind at once: the pods/binding handler re-checks, against the pods
// bound to the node right now, what each replica checked against its own
// snapshot. Same rules and reason strings as NodeResourcesFit and NodePorts.

import type { Node, Pod } from '../kube/types.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo } from './pod-info.js';
import { insufficientResources } from './plugins/node-resources-fit.js';
import { ERR_REASON as PORTS_REASON } from './plugins/node-ports.js';

/**
 * Why `pod` cannot join the non-terminal `boundPods` on `node`, or an empty
 * list if it fits.
 */
export function bindConflicts(pod: Pod, node: Node, boundPods: readonly Pod[]): string[] {
  const info = new NodeInfo(node.metadata.name ?? '', node);
  for (const p of boundPods) {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    info.addPod(newPodInfo(p));
  }
  const incoming = newPodInfo(pod);
  const reasons = insufficientResources(incoming, info).map((r) => r.reason);
  if (incoming.hostPorts.some((hp) => info.hostPortConflicts(hp.ip, hp.protocol, hp.port))) reasons.push(PORTS_REASON);
  return reasons;
}
