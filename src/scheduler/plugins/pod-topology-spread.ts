// PodTopologySpread: keeps matching pods spread over topology domains (node
// label values). DoNotSchedule constraints filter: placing the pod in a
// domain must not make (pods there) - (pods in the emptiest domain) exceed
// maxSkew. ScheduleAnyway constraints score: fewer matching pods in the
// node's domains score higher.
//
// A pod without constraints gets kube-scheduler's system defaults (maxSkew 3
// per node, 5 per zone, ScheduleAnyway) over the pods of its Services and
// controllers: the default spreading of one owner's pods across nodes. Where
// the worker cannot name those selectors, pods of the same controller owner
// (ownerReferences[].controller) are spread instead.

import type { TopologySpreadConstraint } from '../../kube/types.js';
import type { ClusterView } from '../cluster-view.js';
import { MAX_NODE_SCORE, SKIP, stateKey, status, type NodeScore, type Plugin, type StateData, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { compileLabelSelector, compileRequiredNodeAffinity, findUntoleratedTaint, isDoNotScheduleTaint, withMatchLabels, type NodeMatcher } from '../selectors.js';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export type DefaultingType = 'System' | 'List';

export interface PodTopologySpreadArgs {
  /** System: kube-scheduler's defaults; List: `defaultConstraints`. @defaultValue System */
  readonly defaultingType?: DefaultingType;
  /** Used when defaultingType is List; their labelSelector must be empty (it comes from the pod's owners). */
  readonly defaultConstraints?: readonly Omit<TopologySpreadConstraint, 'labelSelector'>[];
}

export const SYSTEM_DEFAULT_CONSTRAINTS: readonly Omit<TopologySpreadConstraint, 'labelSelector'>[] = Object.freeze([
  { maxSkew: 3, topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway' },
]);

const NODE_LABEL_REJECTED: Status = status('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
const SKEW_REJECTED: Status = status('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);

/** Which pods a constraint counts, and how to count them on a node cheaply. */
interface PodSelector {
  /** The pod is one of those spread (whether or not it is terminating). */
  selects(pod: PodInfo): boolean;
  /** Non-terminating selected pods on the node. */
  countOn(node: NodeInfo): number;
}

interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorNodeTaints: boolean;
  readonly selector: PodSelector;
  /** The pod being scheduled would count itself. */
  readonly selfMatch: boolean;
}

function labelSelectorPods(namespace: string, spec: TopologySpreadConstraint, pod: PodInfo): PodSelector {
  const extra: Record<string, string> = {};
  for (const key of spec.matchLabelKeys ?? []) {
    const v = pod.labels[key];
    if (v !== undefined) extra[key] = v;
  }
  const matchLabels = compileLabelSelector(withMatchLabels(spec.labelSelector, extra));
  const selects = (p: PodInfo): boolean => p.namespace === namespace && matchLabels(p.labels);
  return {
    selects,
    countOn(node) {
      let n = 0;
      for (const p of node.pods) if (!p.terminating && selects(p)) n++;
      return n;
    },
  };
}

function sameOwnerPods(namespace: string, uid: string): PodSelector {
  return {
    selects: (p) => p.controllerUid === uid && p.namespace === namespace,
    countOn: (node) => node.ownerCounts.get(uid) ?? 0,
  };
}

function constraint(spec: Omit<TopologySpreadConstraint, 'labelSelector'>, selector: PodSelector, pod: PodInfo): Constraint {
  return {
    maxSkew: spec.maxSkew,
    topologyKey: spec.topologyKey,
    minDomains: spec.minDomains ?? 1,
    honorNodeAffinity: (spec.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: (spec.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    selector,
    selfMatch: selector.selects(pod),
  };
}

/** Whether a node's pods count toward the constraint's domains (node inclusion policies). */
function includesNode(c: Constraint, pod: PodInfo, node: NodeInfo, required: NodeMatcher): boolean {
  if (c.honorNodeAffinity && (node.node === undefined || !required(node.node))) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint) !== undefined) return false;
  return true;
}

function hasAllKeys(node: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

class FilterState implements StateData {
  private mins: (number | undefined)[];
  constructor(
    readonly pod: PodInfo,
    readonly constraints: readonly Constraint[],
    readonly required: NodeMatcher,
    /** Per constraint: domain value -> matching pods. */
    readonly counts: Map<string, number>[],
  ) {
    this.mins = constraints.map(() => undefined);
  }

  clone(): FilterState {
    return new FilterState(
      this.pod,
      this.constraints,
      this.required,
      this.counts.map((m) => new Map(m)),
    );
  }

  /** The global minimum for constraint i (0 while fewer than minDomains domains exist). */
  minMatch(i: number): number {
    const c = this.constraints[i] as Constraint;
    const counts = this.counts[i] as Map<string, number>;
    if (counts.size < c.minDomains) return 0;
    let min = this.mins[i];
    if (min === undefined) {
      min = Infinity;
      for (const v of counts.values()) if (v < min) min = v;
      this.mins[i] = min;
    }
    return min;
  }

  update(other: PodInfo, node: NodeInfo, by: 1 | -1): void {
    if (other.namespace !== this.pod.namespace || !hasAllKeys(node, this.constraints)) return;
    for (let i = 0; i < this.constraints.length; i++) {
      const c = this.constraints[i] as Constraint;
      if (!c.selector.selects(other) || !includesNode(c, this.pod, node, this.required)) continue;
      const value = node.labels[c.topologyKey] as string;
      const counts = this.counts[i] as Map<string, number>;
      counts.set(value, (counts.get(value) ?? 0) + by);
      this.mins[i] = undefined;
    }
  }
}
const PRE_FILTER = stateKey<FilterState>(`PreFilter${NAME}`);

class ScoreState implements StateData {
  constructor(
    readonly constraints: readonly Constraint[],
    readonly ignoredNodes: ReadonlySet<string>,
    readonly valueCounts: Map<string, number>[],
    readonly weights: readonly number[],
  ) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<ScoreState>(`PreScore${NAME}`);

export function podTopologySpread(args: PodTopologySpreadArgs = {}): Plugin {
  const defaulting = args.defaultingType ?? 'System';
  const defaults = defaulting === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);

  /** The pod's constraints with this whenUnsatisfiable, or the defaults when it has none. */
  function constraintsOf(pod: PodInfo, cluster: ClusterView, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
    const own = pod.pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) {
      return own.filter((s) => s.whenUnsatisfiable === when).map((s) => constraint(s, labelSelectorPods(pod.namespace, s, pod), pod));
    }
    const wanted = defaults.filter((s) => s.whenUnsatisfiable === when);
    if (wanted.length === 0) return [];
    const selector = cluster.listers.defaultSpreadSelector?.(pod);
    const hasSelector = selector !== undefined && ((selector.matchExpressions?.length ?? 0) > 0 || Object.keys(selector.matchLabels ?? {}).length > 0);
    let pods: PodSelector;
    if (hasSelector) pods = labelSelectorPods(pod.namespace, { maxSkew: 1, topologyKey: '', whenUnsatisfiable: when, labelSelector: selector }, pod);
    else if (pod.controllerUid !== undefined) pods = sameOwnerPods(pod.namespace, pod.controllerUid);
    else return [];
    return wanted.map((s) => constraint(s, pods, pod));
  }

  return {
    name: NAME,
    preFilter(state, pod, cluster) {
      const constraints = constraintsOf(pod, cluster, 'DoNotSchedule');
      if (constraints.length === 0) return { status: SKIP };
      const required = compileRequiredNodeAffinity(pod.pod);
      const counts = constraints.map(() => new Map<string, number>());
      for (const node of cluster.nodes) {
        if (!hasAllKeys(node, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i] as Constraint;
          if (!includesNode(c, pod, node, required)) continue;
          const value = node.labels[c.topologyKey] as string;
          const m = counts[i] as Map<string, number>;
          m.set(value, (m.get(value) ?? 0) + c.selector.countOn(node));
        }
      }
      state.write(PRE_FILTER, new FilterState(pod, constraints, required, counts));
      return null;
    },
    addPod(state, _pod, added, node) {
      state.read(PRE_FILTER)?.update(added, node, 1);
    },
    removePod(state, _pod, removed, node) {
      state.read(PRE_FILTER)?.update(removed, node, -1);
    },
    filter(state, _pod, node) {
      const s = state.read(PRE_FILTER);
      if (s === undefined) return null;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i] as Constraint;
        const value = node.labels[c.topologyKey];
        if (value === undefined) return NODE_LABEL_REJECTED;
        const matchNum = (s.counts[i] as Map<string, number>).get(value) ?? 0;
        const skew = matchNum + (c.selfMatch ? 1 : 0) - s.minMatch(i);
        if (skew > c.maxSkew) return SKEW_REJECTED;
      }
      return null;
    },
    preScore(state, pod, nodes, cluster) {
      const constraints = constraintsOf(pod, cluster, 'ScheduleAnyway');
      if (constraints.length === 0) return SKIP;
      // System defaults do not exclude nodes lacking a topology label.
      const requireAllTopologies = (pod.pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || defaulting !== 'System';
      const ignored = new Set<string>();
      const valueCounts = constraints.map(() => new Map<string, number>());
      const sizes = constraints.map(() => 0);
      for (const node of nodes) {
        if (requireAllTopologies && !hasAllKeys(node, constraints)) {
          ignored.add(node.name);
          continue;
        }
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i] as Constraint;
          if (c.topologyKey === LABEL_HOSTNAME) continue;
          const value = node.labels[c.topologyKey];
          const m = valueCounts[i] as Map<string, number>;
          if (value === undefined || m.has(value)) continue;
          m.set(value, 0);
          sizes[i] = (sizes[i] as number) + 1;
        }
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? nodes.length - ignored.size : (sizes[i] as number)) + 2));
      const needsCounts = constraints.some((c) => c.topologyKey !== LABEL_HOSTNAME);
      if (needsCounts) {
        const required = compileRequiredNodeAffinity(pod.pod);
        for (const node of cluster.nodes) {
          if (requireAllTopologies && !hasAllKeys(node, constraints)) continue;
          for (let i = 0; i < constraints.length; i++) {
            const c = constraints[i] as Constraint;
            if (c.topologyKey === LABEL_HOSTNAME) continue;
            const value = node.labels[c.topologyKey];
            const m = valueCounts[i] as Map<string, number>;
            if (value === undefined) continue;
            const have = m.get(value);
            if (have === undefined || !includesNode(c, pod, node, required)) continue;
            m.set(value, have + c.selector.countOn(node));
          }
        }
      }
      state.write(PRE_SCORE, new ScoreState(constraints, ignored, valueCounts, weights));
      return null;
    },
    score(state, _pod, node) {
      const s = state.read(PRE_SCORE);
      if (s === undefined || s.ignoredNodes.has(node.name)) return 0;
      let score = 0;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i] as Constraint;
        const value = node.labels[c.topologyKey];
        if (value === undefined) continue;
        const count = c.topologyKey === LABEL_HOSTNAME ? c.selector.countOn(node) : ((s.valueCounts[i] as Map<string, number>).get(value) ?? 0);
        score += count * (s.weights[i] as number) + (c.maxSkew - 1);
      }
      return Math.round(score);
    },
    normalizeScore(state, _pod, scores: NodeScore[]) {
      const s = state.read(PRE_SCORE);
      if (s === undefined) return;
      let min = Infinity;
      let max = 0;
      for (const n of scores) {
        if (s.ignoredNodes.has(n.name)) continue;
        if (n.score < min) min = n.score;
        if (n.score > max) max = n.score;
      }
      for (const n of scores) {
        if (s.ignoredNodes.has(n.name)) n.score = 0;
        else if (max === 0) n.score = MAX_NODE_SCORE;
        else n.score = Math.trunc((MAX_NODE_SCORE * (max + min - n.score)) / max);
      }
    },
    events: [
      { resource: 'AssignedPod', actions: ['Add', 'UpdatePodLabel', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'Delete', 'UpdateNodeLabel', 'UpdateNodeTaint'] },
    ],
  };
}
