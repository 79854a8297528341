// NodePorts: a pod's host ports must be free on the node. A port bound on
// 0.0.0.0 conflicts with the same protocol/port on any address.

import { SKIP, status, type Plugin, type Status } from '../framework.js';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

const REJECTED: Status = status('Unschedulable', ERR_REASON);

export function nodePorts(): Plugin {
  return {
    name: NAME,
    preFilter(_state, pod) {
      return pod.hostPorts.length === 0 ? { status: SKIP } : null;
    },
    filter(_state, pod, node) {
      for (const hp of pod.hostPorts) {
        if (node.hostPortConflicts(hp.ip, hp.protocol, hp.port)) return REJECTED;
      }
      return null;
    },
    events: [
      { resource: 'AssignedPod', actions: ['Delete'] },
      { resource: 'Node', actions: ['Add'] },
    ],
  };
}
