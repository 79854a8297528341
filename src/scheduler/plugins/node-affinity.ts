// NodeAffinity: spec.nodeSelector and required node affinity must match the
// node's labels (and metadata.name for matchFields); preferred node affinity
// adds the weights of the matching terms to the node's score.

import { defaultNormalizeScore, MAX_NODE_SCORE, SKIP, stateKey, status, type Plugin, type StateData, type Status } from '../framework.js';
import type { PodInfo } from '../pod-info.js';
import { compileNodeSelectorTerm, compileRequiredNodeAffinity, type NodeMatcher } from '../selectors.js';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const REJECTED: Status = status('UnschedulableAndUnresolvable', ERR_REASON_POD);

class PreFilterState implements StateData {
  constructor(readonly required: NodeMatcher) {}
  clone(): this {
    return this;
  }
}
const PRE_FILTER = stateKey<PreFilterState>(`PreFilter${NAME}`);

interface PreferredTerm {
  readonly weight: number;
  readonly matches: NodeMatcher;
}
class PreScoreState implements StateData {
  constructor(readonly preferred: readonly PreferredTerm[]) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

/** Node names the required terms pin the pod to through matchFields metadata.name In; undefined: no such pinning. */
function pinnedNodeNames(pod: PodInfo): Set<string> | undefined {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  let union: Set<string> | undefined;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const f of t.matchFields ?? []) {
      if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
      const values = new Set(f.values ?? []);
      names = names === undefined ? values : new Set([...names].filter((n) => values.has(n)));
    }
    // A term without a name requirement admits every node: the terms are ORed.
    if (names === undefined) return undefined;
    union = new Set([...(union ?? []), ...names]);
  }
  return union;
}

function preferredTerms(pod: PodInfo): PreferredTerm[] | undefined {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (terms === undefined) return undefined;
  return terms
    .filter((t) => t.weight !== 0 && ((t.preference?.matchExpressions?.length ?? 0) > 0 || (t.preference?.matchFields?.length ?? 0) > 0))
    .map((t) => ({ weight: t.weight, matches: compileNodeSelectorTerm(t.preference) }));
}

export function nodeAffinity(): Plugin {
  return {
    name: NAME,
    preFilter(state, pod) {
      const spec = pod.pod.spec;
      const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (required === undefined && spec?.nodeSelector === undefined) return { status: SKIP };
      state.write(PRE_FILTER, new PreFilterState(compileRequiredNodeAffinity(pod.pod)));
      const names = pinnedNodeNames(pod);
      if (names === undefined) return null;
      if (names.size === 0) return { status: status('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
      return { nodeNames: names };
    },
    filter(state, pod, node) {
      const required = state.read(PRE_FILTER)?.required ?? compileRequiredNodeAffinity(pod.pod);
      return node.node !== undefined && required(node.node) ? null : REJECTED;
    },
    preScore(state, pod) {
      const terms = preferredTerms(pod);
      if (terms === undefined) return SKIP;
      state.write(PRE_SCORE, new PreScoreState(terms));
      return null;
    },
    score(state, pod, node) {
      const terms = state.read(PRE_SCORE)?.preferred ?? preferredTerms(pod) ?? [];
      let count = 0;
      if (node.node === undefined) return 0;
      for (const t of terms) if (t.matches(node.node)) count += t.weight;
      return count;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
    events: [{ resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] }],
  };
}
