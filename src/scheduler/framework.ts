// The scheduling framework's contract, in the spirit of kube-scheduler's
// framework/interface.go. A plugin is one object implementing any of the
// extension points below; the engine (schedule-one.ts) calls them in the
// profile's order and never looks inside.
//
// Guarantees the engine gives plugins:
//   - preFilter runs once per scheduling cycle, before any filter, with the
//     whole cluster; what it computes goes into the CycleState so filter and
//     score stay cheap per node.
//   - filter runs per node only if every plugin's preFilter succeeded (or
//     returned Skip, in which case that plugin's filter is not called).
//   - preScore runs once with the feasible nodes, score once per feasible
//     node, normalizeScore once with all of this plugin's scores; a Skip from
//     preScore drops the plugin from scoring for this pod.
//   - addPod/removePod (PreFilter extensions) keep the plugin's cycle state
//     right when the engine simulates a node without some pods (preemption).
//   - Objects handed to plugins are never to be mutated by them.

import type { ClusterView } from './cluster-view.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** Status codes; they carry policy. */
export type Code =
  /** The pod fits / the step worked. */
  | 'Success'
  /** An internal failure; the pod is retried with backoff. */
  | 'Error'
  /** The node does not fit now; a change in the cluster (or preemption) may help. */
  | 'Unschedulable'
  /** The node does not fit and preempting pods on it would not help. */
  | 'UnschedulableAndUnresolvable'
  /** The plugin has nothing to do for this pod (from preFilter or preScore). */
  | 'Skip';

export interface Status {
  readonly code: Code;
  /** Reason strings; the summary message counts identical ones, so they are constants. */
  readonly reasons: readonly string[];
}

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export function status(code: Code, ...reasons: string[]): Status {
  return Object.freeze({ code, reasons: Object.freeze(reasons) });
}

export const SKIP: Status = status('Skip');

export const isRejected = (s: Status): boolean => s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

/** Data a plugin keeps for one cycle. clone() is called when the engine simulates. */
export interface StateData {
  clone(): StateData;
}

/** A typed slot in the cycle state; one per plugin, created at module load. */
export interface StateKey<T extends StateData> {
  readonly name: string;
  /** Type witness only. */
  readonly __type?: T;
}

export function stateKey<T extends StateData>(name: string): StateKey<T> {
  return Object.freeze({ name });
}

/** Per-pod scratch space shared by the extension points of one scheduling cycle. */
export class CycleState {
  private readonly data = new Map<string, StateData>();

  write<T extends StateData>(key: StateKey<T>, value: T): void {
    this.data.set(key.name, value);
  }

  read<T extends StateData>(key: StateKey<T>): T | undefined {
    return this.data.get(key.name) as T | undefined;
  }

  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    return copy;
  }
}

export interface PreFilterResult {
  /** Not Success: the pod fits no node. */
  readonly status?: Status;
  /** Only these nodes can fit (undefined: any node). */
  readonly nodeNames?: ReadonlySet<string>;
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

/** What changed in the cluster, for requeueing unschedulable pods. */
export type EventResource = 'Node' | 'AssignedPod' | 'UnscheduledPod' | 'PersistentVolumeClaim' | 'Namespace';
export type EventAction = 'Add' | 'Delete' | 'UpdateNodeLabel' | 'UpdateNodeTaint' | 'UpdateNodeAllocatable' | 'UpdateNodeSchedulable' | 'UpdatePodLabel' | 'UpdatePodScaleDown' | 'UpdatePodToleration' | 'Update';

export interface ClusterEvent {
  readonly resource: EventResource;
  readonly action: EventAction;
}

/** A cluster change that may make a pod this plugin rejected schedulable again. */
export interface EventRegistration {
  readonly resource: EventResource;
  readonly actions: readonly EventAction[];
}

export interface Plugin {
  readonly name: string;
  preFilter?(state: CycleState, pod: PodInfo, cluster: ClusterView): PreFilterResult | null;
  /** PreFilter extension: `added` now runs on `node` (simulation). */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  /** PreFilter extension: `removed` no longer runs on `node` (simulation). */
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
  filter?(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], cluster: ClusterView): Status | null;
  score?(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales this plugin's scores to [0, MAX_NODE_SCORE] in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
  /** Which cluster changes may undo a rejection by this plugin. */
  readonly events?: readonly EventRegistration[];
}

/** helper.DefaultNormalizeScore: scale to [0, max]; reversed, fewer is better. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let maxCount = 0;
  for (const s of scores) if (s.score > maxCount) maxCount = s.score;
  if (maxCount === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    let score = Math.trunc((maxPriority * s.score) / maxCount);
    if (reverse) score = maxPriority - score;
    s.score = score;
  }
}
