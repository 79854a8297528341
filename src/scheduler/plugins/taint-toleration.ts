// TaintToleration: a pod must tolerate every NoSchedule and NoExecute taint of
// the node; among feasible nodes, fewer untolerated PreferNoSchedule taints
// score higher.

import type { Taint, Toleration } from '../../kube/types.js';
import { defaultNormalizeScore, MAX_NODE_SCORE, stateKey, status, type Plugin, type StateData } from '../framework.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from '../selectors.js';

export const NAME = 'TaintToleration';
export const untoleratedTaintReason = (taint: Taint): string => `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: readonly Toleration[]) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

/** Tolerations that can tolerate a PreferNoSchedule taint (effect unset means every effect). */
const preferNoScheduleTolerations = (tolerations: readonly Toleration[]): Toleration[] =>
  tolerations.filter((t) => t.effect === undefined || t.effect === '' || t.effect === 'PreferNoSchedule');

export function taintToleration(): Plugin {
  return {
    name: NAME,
    filter(_state, pod, node) {
      const taint = findUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint);
      return taint === undefined ? null : status('UnschedulableAndUnresolvable', untoleratedTaintReason(taint));
    },
    preScore(state, pod) {
      state.write(PRE_SCORE, new PreScoreState(preferNoScheduleTolerations(pod.tolerations)));
      return null;
    },
    score(state, pod, node) {
      const tolerations = state.read(PRE_SCORE)?.tolerationsPreferNoSchedule ?? preferNoScheduleTolerations(pod.tolerations);
      let intolerable = 0;
      for (const taint of node.taints) {
        if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) intolerable++;
      }
      return intolerable;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    },
    events: [
      { resource: 'Node', actions: ['Add', 'UpdateNodeTaint'] },
      { resource: 'UnscheduledPod', actions: ['UpdatePodToleration'] },
    ],
  };
}
