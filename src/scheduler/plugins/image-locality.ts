// ImageLocality: prefers nodes that already have the pod's images (from
// node.status.images), weighted by image size and scaled down for images
// present on many nodes so pods do not all pile onto one node.

import { MAX_NODE_SCORE, stateKey, type Plugin, type StateData } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const NAME = 'ImageLocality';

const MB = 1024 * 1024;
/** Below this total the node gets 0: tiny images are quick to pull anyway. */
export const MIN_THRESHOLD = 23 * MB;
/** Per container, above this the node gets 100. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** "nginx" -> "nginx:latest", as node.status.images lists tags. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

function podImages(pod: PodInfo): string[] {
  const spec = pod.pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
}

class PreScoreState implements StateData {
  constructor(
    readonly images: readonly string[],
    readonly totalNodes: number,
    readonly spread: ReadonlyMap<string, number>,
  ) {}
  clone(): this {
    return this;
  }
}
const PRE_SCORE = stateKey<PreScoreState>(`PreScore${NAME}`);

export function imageLocalityScore(sum: number, containers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * containers;
  const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

function sumImageScores(s: PreScoreState, node: NodeInfo): number {
  let sum = 0;
  for (const image of s.images) {
    const size = node.images.get(image);
    if (size !== undefined) sum += Math.trunc(size * (s.spread.get(image) ?? 0));
  }
  return sum;
}

export function imageLocality(): Plugin {
  return {
    name: NAME,
    preScore(state, pod, _nodes, cluster) {
      const images = podImages(pod);
      const total = cluster.nodes.length;
      const spread = new Map(images.map((i) => [i, total === 0 ? 0 : cluster.imageNodeCount(i) / total]));
      state.write(PRE_SCORE, new PreScoreState(images, total, spread));
      return null;
    },
    score(state, _pod, node) {
      const s = state.read(PRE_SCORE);
      if (s === undefined || s.images.length === 0) return 0;
      return imageLocalityScore(sumImageScores(s, node), s.images.length);
    },
  };
}
