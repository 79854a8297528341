// InterPodAffinity: required pod affinity and anti-affinity (the pod's own and
// the anti-affinity of pods already running) per topology domain, and the
// preferred terms of both sides as scores.
//
// PreFilter counts, per topology pair (key=value of a node label), the pods
// matching each term, so Filter is a few map lookups per node:
//   existingAntiAffinityCounts: pods whose required anti-affinity matches this pod
//   affinityCounts:             pods matching all of this pod's required affinity terms
//   antiAffinityCounts:         pods matching one of this pod's required anti-affinity terms

import type { Labels } from '../../kube/types.js';
import type { ClusterView } from '../cluster-view.js';
import { MAX_NODE_SCORE, SKIP, stateKey, status, type CycleState, type NodeScore, type Plugin, type StateData, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../pod-info.js';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

export interface InterPodAffinityArgs {
  /**
   * Score weight of an existing pod's required affinity term that the
   * incoming pod matches.
   * @defaultValue 1
   */
  readonly hardPodAffinityWeight?: number;
  /** @defaultValue false */
  readonly ignorePreferredTermsOfExistingPods?: boolean;
}

const AFFINITY_REJECTED: Status = status('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY);
const ANTI_AFFINITY_REJECTED: Status = status('Unschedulable', ERR_REASON_ANTI_AFFINITY);
const EXISTING_ANTI_AFFINITY_REJECTED: Status = status('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY);

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

type Counts = Map<string, number>;

function bump(counts: Counts, node: NodeInfo, topologyKey: string, by: number): void {
  const value = node.labels[topologyKey];
  if (value === undefined) return;
  const k = pairKey(topologyKey, value);
  const next = (counts.get(k) ?? 0) + by;
  if (next === 0) counts.delete(k);
  else counts.set(k, next);
}

type NamespaceLabels = (namespace: string) => Labels | undefined;

function matchesAll(terms: readonly AffinityTerm[], pod: PodInfo, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels(pod.namespace))) return false;
  return true;
}

class PreFilterState implements StateData {
  constructor(
    readonly pod: PodInfo,
    readonly namespaceLabels: NamespaceLabels,
    readonly existingAntiAffinityCounts: Counts,
    readonly affinityCounts: Counts,
    readonly antiAffinityCounts: Counts,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.pod, this.namespaceLabels, new Map(this.existingAntiAffinityCounts), new Map(this.affinityCounts), new Map(this.antiAffinityCounts));
  }

  /** Accounts `other` (running on `node`) in or out of every count. */
  update(other: PodInfo, node: NodeInfo, by: 1 | -1): void {
    const ownNsLabels = this.namespaceLabels(this.pod.namespace);
    for (const t of other.requiredAntiAffinityTerms) if (termMatches(t, this.pod, ownNsLabels)) bump(this.existingAntiAffinityCounts, node, t.topologyKey, by);
    if (matchesAll(this.pod.requiredAffinityTerms, other, this.namespaceLabels)) {
      for (const t of this.pod.requiredAffinityTerms) bump(this.affinityCounts, node, t.topologyKey, by);
    }
    const otherNsLabels = this.namespaceLabels(other.namespace);
    for (const t of this.pod.requiredAntiAffinityTerms) if (termMatches(t, other, otherNsLabels)) bump(this.antiAffinityCounts, node, t.topologyKey, by);
  }
}
const PRE_FILTER = stateKey<PreFilterState>(`PreFilter${NAME}`);

function namespaceLabelsOf(cluster: ClusterView): NamespaceLabels {
  const lookup = cluster.listers.namespaceLabels;
  if (lookup === undefined) return () => undefined;
  const cache = new Map<string, Labels | undefined>();
  return (ns) => {
    if (!cache.has(ns)) cache.set(ns, lookup(ns));
    return cache.get(ns);
  };
}

function preFilterState(pod: PodInfo, cluster: ClusterView): PreFilterState {
  const nsLabels = namespaceLabelsOf(cluster);
  const s = new PreFilterState(pod, nsLabels, new Map(), new Map(), new Map());
  const ownNsLabels = nsLabels(pod.namespace);
  for (const node of cluster.nodesWithRequiredAntiAffinityPods()) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const t of existing.requiredAntiAffinityTerms) if (termMatches(t, pod, ownNsLabels)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, 1);
    }
  }
  if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return s;
  for (const node of cluster.nodes) {
    for (const existing of node.pods) {
      if (matchesAll(pod.requiredAffinityTerms, existing, nsLabels)) {
        for (const t of pod.requiredAffinityTerms) bump(s.affinityCounts, node, t.topologyKey, 1);
      }
      for (const t of pod.requiredAntiAffinityTerms) if (termMatches(t, existing, nsLabels(existing.namespace))) bump(s.antiAffinityCounts, node, t.topologyKey, 1);
    }
  }
  return s;
}

function satisfiesPodAffinity(s: PreFilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.pod.requiredAffinityTerms) {
    const value = node.labels[t.topologyKey];
    // Every topology label of the terms must exist on the node.
    if (value === undefined) return false;
    if ((s.affinityCounts.get(pairKey(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed anywhere the
  // topology labels exist, provided no pod in the cluster matches yet.
  return s.affinityCounts.size === 0 && matchesAll(s.pod.requiredAffinityTerms, s.pod, s.namespaceLabels);
}

function satisfiesPodAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.pod.requiredAntiAffinityTerms) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if ((s.existingAntiAffinityCounts.get(pairKey(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

/** topology key -> value -> accumulated weight. */
type TopologyScore = Map<string, Map<string, number>>;

class PreScoreState implements StateData {
  constructor(readonly topologyScore: TopologyScore) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

function addScore(score: TopologyScore, term: AffinityTerm, weight: number, pod: PodInfo, nsLabels: Labels | undefined, node: NodeInfo, multiplier: 1 | -1): void {
  if (!termMatches(term, pod, nsLabels)) return;
  const value = node.labels[term.topologyKey];
  if (value === undefined) return;
  let byValue = score.get(term.topologyKey);
  if (byValue === undefined) {
    byValue = new Map();
    score.set(term.topologyKey, byValue);
  }
  byValue.set(value, (byValue.get(value) ?? 0) + weight * multiplier);
}

function addWeighted(score: TopologyScore, terms: readonly WeightedAffinityTerm[], pod: PodInfo, nsLabels: Labels | undefined, node: NodeInfo, multiplier: 1 | -1): void {
  for (const t of terms) addScore(score, t, t.weight, pod, nsLabels, node, multiplier);
}

export function interPodAffinity(args: InterPodAffinityArgs = {}): Plugin {
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  const ignoreExisting = args.ignorePreferredTermsOfExistingPods ?? false;

  function processExistingPod(score: TopologyScore, existing: PodInfo, node: NodeInfo, pod: PodInfo, nsLabels: NamespaceLabels): void {
    if (Object.keys(node.labels).length === 0) return;
    const existingNs = nsLabels(existing.namespace);
    const ownNs = nsLabels(pod.namespace);
    addWeighted(score, pod.preferredAffinityTerms, existing, existingNs, node, 1);
    addWeighted(score, pod.preferredAntiAffinityTerms, existing, existingNs, node, -1);
    if (hardWeight > 0) for (const t of existing.requiredAffinityTerms) addScore(score, t, hardWeight, pod, ownNs, node, 1);
    addWeighted(score, existing.preferredAffinityTerms, pod, ownNs, node, 1);
    addWeighted(score, existing.preferredAntiAffinityTerms, pod, ownNs, node, -1);
  }

  return {
    name: NAME,
    preFilter(state: CycleState, pod: PodInfo, cluster: ClusterView) {
      if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0 && cluster.nodesWithRequiredAntiAffinityPods().length === 0) {
        return { status: SKIP };
      }
      state.write(PRE_FILTER, preFilterState(pod, cluster));
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
      if (!satisfiesPodAffinity(s, node)) return AFFINITY_REJECTED;
      if (!satisfiesPodAntiAffinity(s, node)) return ANTI_AFFINITY_REJECTED;
      if (!satisfiesExistingPodsAntiAffinity(s, node)) return EXISTING_ANTI_AFFINITY_REJECTED;
      return null;
    },
    preScore(state, pod, _nodes, cluster) {
      const hasConstraints = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
      if (ignoreExisting && !hasConstraints) return SKIP;
      const nsLabels = namespaceLabelsOf(cluster);
      const score: TopologyScore = new Map();
      for (const node of hasConstraints ? cluster.nodes : cluster.nodesWithAffinityPods()) {
        for (const existing of hasConstraints ? node.pods : node.podsWithAffinity) processExistingPod(score, existing, node, pod, nsLabels);
      }
      if (score.size === 0) return SKIP;
      state.write(PRE_SCORE, new PreScoreState(score));
      return null;
    },
    score(state, _pod, node) {
      const s = state.read(PRE_SCORE);
      if (s === undefined) return 0;
      let total = 0;
      for (const [key, byValue] of s.topologyScore) {
        const value = node.labels[key];
        if (value !== undefined) total += byValue.get(value) ?? 0;
      }
      return total;
    },
    normalizeScore(state, _pod, scores: NodeScore[]) {
      if (state.read(PRE_SCORE) === undefined) return;
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (s.score > max) max = s.score;
        if (s.score < min) min = s.score;
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
    },
    events: [
      { resource: 'AssignedPod', actions: ['Add', 'UpdatePodLabel', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] },
    ],
  };
}
