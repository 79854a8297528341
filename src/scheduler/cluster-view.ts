// What plugins may read about the whole cluster during a cycle. The snapshot
// (snapshot.ts) implements it; tests can build one from plain objects.

import type { LabelSelector, Labels, PersistentVolumeClaim } from '../kube/types.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/**
 * Lookups the scheduler worker wires to its caches of other objects. Each is
 * optional: a plugin that needs a missing one behaves as documented on it.
 */
export interface ClusterListers {
  /** Labels of a namespace, for namespaceSelector in pod affinity terms (absent: no labels). */
  namespaceLabels?(namespace: string): Labels | undefined;
  /** A PersistentVolumeClaim, or undefined if it does not exist. Absent lister: ReadWriteOncePod is not checked. */
  persistentVolumeClaim?(namespace: string, name: string): PersistentVolumeClaim | undefined;
  /**
   * The selector of the Services/ReplicaSets/StatefulSets a pod belongs to, for
   * default spreading (kube-scheduler's DefaultSelector). Absent lister, or
   * undefined: pods of the same controller owner are spread instead.
   */
  defaultSpreadSelector?(pod: PodInfo): LabelSelector | undefined;
}

export interface ClusterView {
  /** Every node the scheduler knows, in a stable order. */
  readonly nodes: readonly NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** Nodes running at least one pod with required pod anti-affinity. */
  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[];
  /** Nodes running at least one pod with any pod (anti-)affinity. */
  nodesWithAffinityPods(): readonly NodeInfo[];
  /** How many nodes list this image name in status.images. */
  imageNodeCount(image: string): number;
  /** How many pods in the cluster use this namespace/claim. */
  claimUsers(claimKey: string): number;
  readonly listers: ClusterListers;
}
