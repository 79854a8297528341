// Every plugin kubeql's scheduler knows, by its upstream name, and the default
// profile: the same plugins, order and score weights as kube-scheduler's
// default profile (minus volume binding/limits/zone, which need PV objects).
// Registration is this one explicit map; nothing is discovered at run time.

import type { Plugin } from './framework.js';
import { imageLocality } from './plugins/image-locality.js';
import { interPodAffinity, type InterPodAffinityArgs } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesBalancedAllocation, type BalancedAllocationArgs } from './plugins/node-resources-balanced-allocation.js';
import { nodeResourcesFit, type NodeResourcesFitArgs } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread, type PodTopologySpreadArgs } from './plugins/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { volumeRestrictions } from './plugins/volume-restrictions.js';

/** Arguments each configurable plugin accepts. */
export interface PluginArgs {
  NodeResourcesFit?: NodeResourcesFitArgs;
  NodeResourcesBalancedAllocation?: BalancedAllocationArgs;
  InterPodAffinity?: InterPodAffinityArgs;
  PodTopologySpread?: PodTopologySpreadArgs;
}

export const REGISTRY = {
  NodeUnschedulable: () => nodeUnschedulable(),
  NodeName: () => nodeName(),
  TaintToleration: () => taintToleration(),
  NodeAffinity: () => nodeAffinity(),
  NodePorts: () => nodePorts(),
  NodeResourcesFit: (args: PluginArgs) => nodeResourcesFit(args.NodeResourcesFit),
  VolumeRestrictions: () => volumeRestrictions(),
  PodTopologySpread: (args: PluginArgs) => podTopologySpread(args.PodTopologySpread),
  InterPodAffinity: (args: PluginArgs) => interPodAffinity(args.InterPodAffinity),
  NodeResourcesBalancedAllocation: (args: PluginArgs) => nodeResourcesBalancedAllocation(args.NodeResourcesBalancedAllocation),
  ImageLocality: () => imageLocality(),
} as const satisfies Record<string, (args: PluginArgs) => Plugin>;

export type PluginName = keyof typeof REGISTRY;

export interface PluginEntry {
  readonly name: PluginName;
  /** Score weight; only meaningful for plugins that score. */
  readonly weight?: number;
}

/** kube-scheduler's default profile, in its order (filters run in this order). */
export const DEFAULT_PLUGINS: readonly PluginEntry[] = Object.freeze([
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
]);

export interface ProfileOptions {
  /** Replace the score weight of some plugins (positive integers). */
  readonly weights?: Partial<Record<PluginName, number>>;
  /** Leave these plugins out. */
  readonly disabled?: readonly PluginName[];
  readonly args?: PluginArgs;
  /**
   * Share of nodes to find feasible before scoring (1-100); 0 adapts to the
   * cluster size like kube-scheduler (50% minus 1% per 125 nodes, at least 5%,
   * at least 100 nodes).
   * @defaultValue 0
   */
  readonly percentageOfNodesToScore?: number;
  /** Plugins to use instead of DEFAULT_PLUGINS (e.g. extra ones, another order). */
  readonly plugins?: readonly PluginEntry[];
}

export interface Profile {
  readonly plugins: readonly Plugin[];
  readonly weights: ReadonlyMap<string, number>;
  readonly percentageOfNodesToScore: number;
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

export function buildProfile(options: ProfileOptions = {}): Profile {
  const disabled = new Set(options.disabled ?? []);
  const entries = (options.plugins ?? DEFAULT_PLUGINS).filter((e) => !disabled.has(e.name));
  const args = options.args ?? {};
  const plugins: Plugin[] = [];
  const weights = new Map<string, number>();
  for (const entry of entries) {
    const factory = REGISTRY[entry.name] as ((a: PluginArgs) => Plugin) | undefined;
    if (factory === undefined) throw new ProfileError(`unknown scheduler plugin "${entry.name}"`);
    const plugin = factory(args);
    plugins.push(plugin);
    const weight = options.weights?.[entry.name] ?? entry.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 100) throw new ProfileError(`score weight of plugin "${entry.name}" must be an integer from 1 to 100, got ${weight}`);
    if (plugin.score !== undefined) weights.set(plugin.name, weight);
  }
  const percentage = options.percentageOfNodesToScore ?? 0;
  if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) throw new ProfileError(`percentageOfNodesToScore must be an integer from 0 to 100, got ${percentage}`);
  return { plugins, weights, percentageOfNodesToScore: percentage };
}
