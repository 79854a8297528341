// One scheduling cycle for one pod, as kube-scheduler's schedulePod:
//   PreFilter (once) -> Filter (per node, first failing plugin wins, stop after
//   enough feasible nodes) -> PreScore -> Score -> NormalizeScore -> weights
//   -> the highest total wins, ties broken uniformly at random.
// When no node fits, the result carries the FitError whose message is
// kube-scheduler's summary, with the preemption dry run's tail.
//
// Pure: reads the ClusterView, never changes it. The worker assumes the pod
// on the chosen node (snapshot.assumePod) and binds it.

import type { Pod } from '../kube/types.js';
import type { ClusterView } from './cluster-view.js';
import { CycleState, isRejected, MAX_NODE_SCORE, MIN_NODE_SCORE, status, statusMessage, type NodeScore, type Plugin } from './framework.js';
import { Diagnosis, FitError, NO_NODES_AVAILABLE_MESSAGE, type NodeStatus } from './fit-error.js';
import type { NodeInfo } from './node-info.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { dryRunPreemption, type PreemptionCandidate } from './preemption.js';
import type { Profile } from './registry.js';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export type ScheduleResult =
  | {
      readonly kind: 'Scheduled';
      readonly nodeName: string;
      readonly podInfo: PodInfo;
      /** Nodes the filters ran on. */
      readonly evaluatedNodes: number;
      readonly feasibleNodes: number;
    }
  | {
      readonly kind: 'Unschedulable';
      readonly podInfo: PodInfo;
      /** For the PodScheduled condition (reason Unschedulable) and the FailedScheduling event. */
      readonly message: string;
      /** Undefined when the cluster has no nodes at all. */
      readonly fitError: FitError | undefined;
      /** Plugins whose rejections a cluster change must address (empty: any change may help). */
      readonly unschedulablePlugins: ReadonlySet<string>;
      /** Nodes where evicting lower-priority pods would make room (eviction is not implemented). */
      readonly preemptionCandidates: readonly PreemptionCandidate[];
    }
  | {
      /** A plugin failed; retry with backoff (condition reason SchedulerError). */
      readonly kind: 'Error';
      readonly podInfo: PodInfo;
      readonly message: string;
    };

export interface SchedulerOptions {
  /** Uniform [0, 1) source for tie-breaking. @defaultValue Math.random */
  readonly random?: () => number;
}

/** numFeasibleNodesToFind: how many feasible nodes are enough to score. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) percentage = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  return Math.max(Math.trunc((numAllNodes * percentage) / 100), MIN_FEASIBLE_NODES_TO_FIND);
}

class PluginError extends Error {
  constructor(plugin: string, point: string, cause: unknown) {
    super(`running ${point} plugin "${plugin}": ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class Scheduler {
  private readonly random: () => number;
  private readonly preFilterPlugins: readonly Plugin[];
  private readonly filterPlugins: readonly Plugin[];
  private readonly preScorePlugins: readonly Plugin[];
  private readonly scorePlugins: readonly Plugin[];
  private nextStartNodeIndex = 0;

  constructor(
    readonly profile: Profile,
    readonly cluster: ClusterView,
    options: SchedulerOptions = {},
  ) {
    this.random = options.random ?? Math.random;
    this.preFilterPlugins = profile.plugins.filter((p) => p.preFilter !== undefined);
    this.filterPlugins = profile.plugins.filter((p) => p.filter !== undefined);
    this.preScorePlugins = profile.plugins.filter((p) => p.preScore !== undefined);
    this.scorePlugins = profile.plugins.filter((p) => p.score !== undefined);
  }

  schedule(pod: Pod | PodInfo): ScheduleResult {
    const podInfo = 'key' in pod && 'requests' in pod ? pod : newPodInfo(pod as Pod);
    try {
      return this.cycle(podInfo);
    } catch (err) {
      if (err instanceof PluginError) return { kind: 'Error', podInfo, message: err.message };
      throw err;
    }
  }

  private cycle(pod: PodInfo): ScheduleResult {
    const allNodes = this.cluster.nodes;
    if (allNodes.length === 0) {
      return { kind: 'Unschedulable', podInfo: pod, message: NO_NODES_AVAILABLE_MESSAGE, fitError: undefined, unschedulablePlugins: new Set(), preemptionCandidates: [] };
    }
    const state = new CycleState();
    const diagnosis = new Diagnosis();
    const skipFilter = new Set<string>();
    let allowed: Set<string> | undefined;
    const narrowedBy: string[] = [];

    for (const plugin of this.preFilterPlugins) {
      const result = call(plugin, 'PreFilter', () => plugin.preFilter?.(state, pod, this.cluster) ?? null);
      const s = result?.status;
      if (s !== undefined && s.code === 'Skip') {
        skipFilter.add(plugin.name);
        continue;
      }
      if (s !== undefined && s.code !== 'Success') {
        if (!isRejected(s)) throw new PluginError(plugin.name, 'PreFilter', statusMessage(s));
        diagnosis.absentNodesStatus = s;
        diagnosis.preFilterMessage = statusMessage(s);
        diagnosis.unschedulablePlugins.add(plugin.name);
        return this.unschedulable(pod, state, diagnosis, skipFilter);
      }
      if (result?.nodeNames !== undefined) {
        allowed = allowed === undefined ? new Set(result.nodeNames) : new Set([...allowed].filter((n) => result.nodeNames?.has(n)));
        narrowedBy.push(plugin.name);
      }
    }

    let nodes: readonly NodeInfo[] = allNodes;
    if (allowed !== undefined) {
      nodes = [...allowed].flatMap((name) => this.cluster.nodeInfo(name) ?? []);
      diagnosis.absentNodesStatus = status('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${[...new Set(narrowedBy)].sort().join(' ')}]`);
    }

    const filters = this.filterPlugins.filter((p) => !skipFilter.has(p.name));
    const feasible: NodeInfo[] = [];
    const wanted = numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, nodes.length);
    const start = nodes.length === 0 ? 0 : this.nextStartNodeIndex % nodes.length;
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < wanted; i++) {
      const node = nodes[(start + i) % nodes.length] as NodeInfo;
      processed++;
      const failure = runFilters(filters, state, pod, node);
      if (failure === null) {
        feasible.push(node);
      } else {
        diagnosis.nodeStatuses.set(node.name, failure);
        diagnosis.unschedulablePlugins.add(failure.plugin);
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % allNodes.length;

    if (feasible.length === 0) return this.unschedulable(pod, state, diagnosis, skipFilter);
    const chosen = feasible.length === 1 ? (feasible[0] as NodeInfo) : this.pickHighest(state, pod, feasible);
    return { kind: 'Scheduled', nodeName: chosen.name, podInfo: pod, evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  private unschedulable(pod: PodInfo, state: CycleState, diagnosis: Diagnosis, skipFilter: ReadonlySet<string>): ScheduleResult {
    const filters = this.filterPlugins.filter((p) => !skipFilter.has(p.name));
    const preemption = dryRunPreemption({
      pod,
      state,
      cluster: this.cluster,
      diagnosis,
      plugins: this.preFilterPlugins.filter((p) => !skipFilter.has(p.name)),
      runFilters: (s, p, n) => runFilters(filters, s, p, n),
    });
    diagnosis.postFilterMessage = preemption.message;
    const fitError = new FitError(pod.key, this.cluster.nodes.length, diagnosis);
    return {
      kind: 'Unschedulable',
      podInfo: pod,
      message: fitError.message,
      fitError,
      unschedulablePlugins: diagnosis.unschedulablePlugins,
      preemptionCandidates: preemption.candidates,
    };
  }

  /** PreScore, Score, NormalizeScore and weights; the maximum total, ties broken at random. */
  private pickHighest(state: CycleState, pod: PodInfo, feasible: readonly NodeInfo[]): NodeInfo {
    const skipScore = new Set<string>();
    for (const plugin of this.preScorePlugins) {
      const s = call(plugin, 'PreScore', () => plugin.preScore?.(state, pod, feasible, this.cluster) ?? null);
      if (s === null || s.code === 'Success') continue;
      if (s.code === 'Skip') skipScore.add(plugin.name);
      else throw new PluginError(plugin.name, 'PreScore', statusMessage(s));
    }
    const totals = new Array<number>(feasible.length).fill(0);
    for (const plugin of this.scorePlugins) {
      if (skipScore.has(plugin.name)) continue;
      const weight = this.profile.weights.get(plugin.name) ?? 1;
      const scores: NodeScore[] = call(plugin, 'Score', () => feasible.map((n) => ({ name: n.name, score: plugin.score?.(state, pod, n) ?? 0 })));
      if (plugin.normalizeScore !== undefined) call(plugin, 'NormalizeScore', () => plugin.normalizeScore?.(state, pod, scores));
      scores.forEach((s, i) => {
        if (s.score < MIN_NODE_SCORE || s.score > MAX_NODE_SCORE || !Number.isFinite(s.score)) {
          throw new PluginError(plugin.name, 'Score', `invalid score ${s.score}, it should be in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`);
        }
        totals[i] = (totals[i] as number) + s.score * weight;
      });
    }
    let best = 0;
    let ties = 1;
    for (let i = 1; i < feasible.length; i++) {
      const t = totals[i] as number;
      const b = totals[best] as number;
      if (t > b) {
        best = i;
        ties = 1;
      } else if (t === b) {
        // Reservoir sampling: each of the k tied nodes ends up chosen with probability 1/k.
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return feasible[best] as NodeInfo;
  }
}

function call<T>(plugin: Plugin, point: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(plugin.name, point, err);
  }
}

/** RunFilterPlugins: the first plugin that rejects the node decides its status. */
export function runFilters(filters: readonly Plugin[], state: CycleState, pod: PodInfo, node: NodeInfo): NodeStatus | null {
  // A plain loop with one try: this runs for every node of every cycle.
  let plugin: Plugin | undefined;
  try {
    for (plugin of filters) {
      const s = plugin.filter?.(state, pod, node) ?? null;
      if (s === null || s.code === 'Success') continue;
      if (!isRejected(s)) throw new PluginError(plugin.name, 'Filter', statusMessage(s));
      return { status: s, plugin: plugin.name };
    }
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(plugin?.name ?? '', 'Filter', err);
  }
  return null;
}
