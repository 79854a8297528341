// FitError: why a pod fits no node, and the one-line summary kube-scheduler
// puts in the PodScheduled condition and the FailedScheduling event:
//
//   0/3 nodes are available: 1 node(s) had untolerated taint {node-role: master}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.
//
// Identical reason strings are counted, "<count> <reason>" entries sorted as
// strings (so "10 ..." sorts before "2 ..."), as upstream does.

import type { Status } from './framework.js';

export const NO_NODES_AVAILABLE_MESSAGE = 'no nodes available to schedule pods';

export interface NodeStatus {
  readonly status: Status;
  /** The plugin that rejected the node ('' for statuses the engine made up). */
  readonly plugin: string;
}

/** What the filtering phase found out; kube-scheduler's framework.Diagnosis. */
export class Diagnosis {
  /** Nodes rejected by a filter (or by preemption's dry run), by name. */
  readonly nodeStatuses = new Map<string, NodeStatus>();
  /** Status of every node not in nodeStatuses (set when PreFilter rejected or narrowed the nodes). */
  absentNodesStatus: Status | undefined;
  /** Plugins that rejected the pod somewhere: what may make it schedulable is a change relevant to them. */
  readonly unschedulablePlugins = new Set<string>();
  preFilterMessage = '';
  postFilterMessage = '';
}

/** "0/N nodes are available: <histogram>." for these statuses. */
export function summarize(numAllNodes: number, diagnosis: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage !== '') {
    message += ` ${diagnosis.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const { status } of diagnosis.nodeStatuses.values()) {
      for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    const absent = numAllNodes - diagnosis.nodeStatuses.size;
    if (absent > 0 && diagnosis.absentNodesStatus !== undefined) {
      for (const reason of diagnosis.absentNodesStatus.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
    }
    const entries = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
    if (entries.length > 0) message += ` ${entries.join(', ')}.`;
  }
  if (diagnosis.postFilterMessage !== '') message += ` ${diagnosis.postFilterMessage}`;
  return message;
}

export class FitError extends Error {
  override readonly name = 'FitError';
  constructor(
    readonly podKey: string,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super(summarize(numAllNodes, diagnosis));
  }
}
