// NodeUnschedulable: cordoned nodes (spec.unschedulable) take no new pods,
// unless the pod tolerates the node.kubernetes.io/unschedulable:NoSchedule taint.

import type { Taint } from '../../kube/types.js';
import { status, type Plugin, type Status } from '../framework.js';
import { tolerationsTolerateTaint } from '../selectors.js';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const REJECTED: Status = status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);

export function nodeUnschedulable(): Plugin {
  return {
    name: NAME,
    filter(_state, pod, node) {
      if (!node.unschedulable) return null;
      return tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT) ? null : REJECTED;
    },
    events: [
      { resource: 'Node', actions: ['Add', 'UpdateNodeSchedulable', 'UpdateNodeTaint'] },
      { resource: 'UnscheduledPod', actions: ['UpdatePodToleration'] },
    ],
  };
}
