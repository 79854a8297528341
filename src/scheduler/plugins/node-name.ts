// NodeName: a pod that names its node (spec.nodeName) fits only that node.

import { status, type Plugin, type Status } from '../framework.js';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

const REJECTED: Status = status('UnschedulableAndUnresolvable', ERR_REASON);

export function nodeName(): Plugin {
  return {
    name: NAME,
    filter(_state, pod, node) {
      const wanted = pod.pod.spec?.nodeName;
      if (wanted === undefined || wanted === '' || wanted === node.name) return null;
      return REJECTED;
    },
    events: [{ resource: 'Node', actions: ['Add'] }],
  };
}
