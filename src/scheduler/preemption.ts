// The PostFilter step (kube-scheduler's DefaultPreemption), as a dry run:
// could evicting lower-priority pods make room for this pod somewhere?
//
// kubeql does not evict yet. The dry run still matters: it gives the tail of
// the FailedScheduling message exactly as kube-scheduler words it
// ("preemption: 0/3 nodes are available: 3 No preemption victims found for
// incoming pod.") and names the nodes where preemption would help, for when
// eviction is added.

import { isRejected, status, type CycleState, type Plugin, type Status } from './framework.js';
import { Diagnosis, summarize, type NodeStatus } from './fit-error.js';
import type { ClusterView } from './cluster-view.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

export const NOT_ELIGIBLE_PREEMPTION_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';

const NOT_HELPFUL: Status = status('UnschedulableAndUnresolvable', REASON_NOT_HELPFUL);
const NO_VICTIMS: Status = status('UnschedulableAndUnresolvable', REASON_NO_VICTIMS);

export interface PreemptionCandidate {
  readonly nodeName: string;
  /** Every lower-priority pod on the node (kube-scheduler would then spare as many as still fit). */
  readonly victims: readonly PodInfo[];
}

export interface PreemptionOutcome {
  /** What kube-scheduler appends to the summary ('' when preemption would succeed). */
  readonly message: string;
  readonly candidates: readonly PreemptionCandidate[];
}

/** DefaultPreemption's minCandidateNodesPercentage and minCandidateNodesAbsolute. */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

/** How many candidate nodes are enough to stop the dry run. */
export function candidatesToFind(potentialNodes: number): number {
  const n = Math.max(Math.trunc((potentialNodes * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE);
  return Math.min(n, potentialNodes);
}

export type RunFilters = (state: CycleState, pod: PodInfo, node: NodeInfo) => NodeStatus | null;

export interface DryRunInput {
  readonly pod: PodInfo;
  readonly state: CycleState;
  readonly cluster: ClusterView;
  readonly diagnosis: Diagnosis;
  /** Plugins (in profile order) whose PreFilter extensions follow removed pods. */
  readonly plugins: readonly Plugin[];
  readonly runFilters: RunFilters;
}

/** The status a node ended the filtering phase with. */
function statusOf(diagnosis: Diagnosis, node: string): Status | undefined {
  return diagnosis.nodeStatuses.get(node)?.status ?? diagnosis.absentNodesStatus;
}

export function dryRunPreemption(input: DryRunInput): PreemptionOutcome {
  const { pod, cluster, diagnosis } = input;
  if (pod.pod.spec?.preemptionPolicy === 'Never') {
    return { message: `preemption: ${NOT_ELIGIBLE_PREEMPTION_POLICY_NEVER}`, candidates: [] };
  }
  const result = new Diagnosis();
  result.absentNodesStatus = NOT_HELPFUL;
  const candidates: PreemptionCandidate[] = [];
  // Only nodes that failed for a reason removing pods can fix.
  const potential = cluster.nodes.filter((n) => statusOf(diagnosis, n.name)?.code === 'Unschedulable');
  const enough = candidatesToFind(potential.length);
  for (const node of potential) {
    if (candidates.length >= enough) break;
    const victims = node.pods.filter((p) => p.priority < pod.priority);
    if (victims.length === 0) {
      result.nodeStatuses.set(node.name, { status: NO_VICTIMS, plugin: '' });
      continue;
    }
    const state = input.state.clone();
    const without = node.clone();
    for (const v of victims) {
      without.removePod(v.key);
      for (const p of input.plugins) p.removePod?.(state, pod, v, without);
    }
    const failure = input.runFilters(state, pod, without);
    if (failure !== null && isRejected(failure.status)) result.nodeStatuses.set(node.name, failure);
    else if (failure === null) candidates.push({ nodeName: node.name, victims });
  }
  if (candidates.length > 0) return { message: '', candidates };
  return { message: `preemption: ${summarize(cluster.nodes.length, result)}`, candidates };
}
