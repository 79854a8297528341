// NodeResourcesBalancedAllocation: prefers nodes where the pod leaves the
// requested fractions of cpu and memory (and any other configured resource)
// close to each other: score = (1 - standard deviation of the fractions) * 100.

import { MAX_NODE_SCORE, SKIP, stateKey, type Plugin, type StateData } from '../framework.js';
import { allocatableAndRequested, DEFAULT_RESOURCES, podResourceRequests, type ResourceSpec } from './resource-allocation.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs {
  /** @defaultValue cpu and memory, weight 1 (weights are not used by this score) */
  readonly resources?: readonly ResourceSpec[];
}

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    const a = allocatable[i] as number;
    if (a === 0) continue;
    const f = Math.min((requested[i] as number) / a, 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function nodeResourcesBalancedAllocation(args: BalancedAllocationArgs = {}): Plugin {
  const resources = args.resources ?? DEFAULT_RESOURCES;
  const allocatable = new Array<number>(resources.length).fill(0);
  const requested = new Array<number>(resources.length).fill(0);
  return {
    name: NAME,
    preScore(state, pod) {
      const podRequests = podResourceRequests(pod, resources, true);
      // A best-effort pod would pile onto whichever node is most balanced (kubernetes#129138).
      if (podRequests.every((r) => r === 0)) return SKIP;
      state.write(PRE_SCORE, new PreScoreState(podRequests));
      return null;
    },
    score(state, pod, node) {
      const podRequests = state.read(PRE_SCORE)?.podRequests ?? podResourceRequests(pod, resources, true);
      allocatableAndRequested(node, resources, podRequests, true, allocatable, requested);
      return balancedResourceScore(requested, allocatable);
    },
  };
}
