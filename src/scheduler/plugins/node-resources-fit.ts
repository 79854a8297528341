// NodeResourcesFit: the pod's requests must fit what the node has left
// (allocatable minus the requests of the pods already there), and the node
// must have room for one more pod. Scores prefer emptier nodes
// (LeastAllocated, the default) or fuller ones (MostAllocated).

import { isExtendedResourceName } from '../../kube/resources.js';
import { MAX_NODE_SCORE, stateKey, status, type Plugin, type StateData, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { allocatableAndRequested, DEFAULT_RESOURCES, podResourceRequests, type ResourceSpec } from './resource-allocation.js';

export const NAME = 'NodeResourcesFit';
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficientReason = (resource: string): string => `Insufficient ${resource}`;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated';

export interface NodeResourcesFitArgs {
  /** Extended resources the filter ignores. */
  readonly ignoredResources?: readonly string[];
  /** Extended resource groups ("example.com") the filter ignores. */
  readonly ignoredResourceGroups?: readonly string[];
  /** @defaultValue LeastAllocated over cpu and memory, weight 1 each */
  readonly scoringStrategy?: { readonly type: ScoringStrategyType; readonly resources?: readonly ResourceSpec[] };
}

export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  /** Even an empty node of this size could not take the pod: preemption would not help. */
  readonly unresolvable: boolean;
}

function shortOf(out: InsufficientResource[], resourceName: string, requested: number, capacity: number, used: number): void {
  if (requested > 0 && requested > capacity - used) {
    out.push({ resourceName, reason: insufficientReason(resourceName), requested, used, capacity, unresolvable: requested > capacity });
  }
}

/** fitsRequest: every resource the node is short of for this pod. */
export function insufficientResources(pod: PodInfo, node: NodeInfo, ignored: ReadonlySet<string> = new Set(), ignoredGroups: ReadonlySet<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowed = node.allocatable.allowedPodNumber;
  if (node.pods.length + 1 > allowed) {
    out.push({ resourceName: 'pods', reason: REASON_TOO_MANY_PODS, requested: 1, used: node.pods.length, capacity: allowed, unresolvable: false });
  }
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) return out;
  const alloc = node.allocatable;
  const used = node.requested;
  shortOf(out, 'cpu', r.milliCPU, alloc.milliCPU, used.milliCPU);
  shortOf(out, 'memory', r.memory, alloc.memory, used.memory);
  shortOf(out, 'ephemeral-storage', r.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  for (const [name, want] of r.scalar) {
    if (want === 0) continue;
    if (isExtendedResourceName(name)) {
      const group = name.slice(0, name.indexOf('/'));
      if (ignored.has(name) || ignoredGroups.has(group)) continue;
    }
    shortOf(out, name, want, alloc.scalar.get(name) ?? 0, used.scalar.get(name) ?? 0);
  }
  return out;
}

/** The common case without allocating: does everything fit? */
function fitsQuickly(pod: PodInfo, node: NodeInfo): boolean {
  if (node.pods.length + 1 > node.allocatable.allowedPodNumber) return false;
  const r = pod.requests;
  const a = node.allocatable;
  const u = node.requested;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) return false;
  if (r.memory > 0 && r.memory > a.memory - u.memory) return false;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) return false;
  return r.scalar.size === 0;
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

const TOO_MANY_PODS: Status = status('Unschedulable', REASON_TOO_MANY_PODS);

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): Plugin {
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const perResource = args.scoringStrategy?.type === 'MostAllocated' ? mostRequestedScore : leastRequestedScore;
  const allocatable = new Array<number>(resources.length).fill(0);
  const requested = new Array<number>(resources.length).fill(0);
  return {
    name: NAME,
    filter(_state, pod, node) {
      if (fitsQuickly(pod, node)) return null;
      const short = insufficientResources(pod, node, ignored, ignoredGroups);
      if (short.length === 0) return null;
      if (short.length === 1 && short[0]?.reason === REASON_TOO_MANY_PODS) return TOO_MANY_PODS;
      const unresolvable = short.some((s) => s.unresolvable);
      return status(unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...short.map((s) => s.reason));
    },
    preScore(state, pod) {
      state.write(PRE_SCORE, new PreScoreState(podResourceRequests(pod, resources, false)));
      return null;
    },
    score(state, pod, node) {
      const podRequests = state.read(PRE_SCORE)?.podRequests ?? podResourceRequests(pod, resources, false);
      allocatableAndRequested(node, resources, podRequests, false, allocatable, requested);
      let nodeScore = 0;
      let weightSum = 0;
      for (let i = 0; i < resources.length; i++) {
        const a = allocatable[i] as number;
        if (a === 0) continue;
        const weight = (resources[i] as ResourceSpec).weight;
        nodeScore += perResource(requested[i] as number, a) * weight;
        weightSum += weight;
      }
      return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
    },
    events: [
      { resource: 'AssignedPod', actions: ['Delete', 'UpdatePodScaleDown'] },
      { resource: 'Node', actions: ['Add', 'UpdateNodeAllocatable'] },
    ],
  };
}
