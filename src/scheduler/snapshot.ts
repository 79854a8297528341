// The scheduler's in-memory picture of the cluster: nodes and the pods bound
// (or being bound) to them, fed from the change log by the worker, so that
// scheduling a pod costs no database read.
//
// Assume-then-confirm: after choosing a node the worker calls assumePod(), so
// the next cycle already sees the pod's resources on that node while the bind
// request is in flight. The bound pod arriving from the change log confirms
// the assumption (upsertPod); a failed bind calls forgetPod(). An assumed pod
// whose binding finished but that never shows up expires after assumeTtlMs.

import type { Node, Pod } from '../kube/types.js';
import type { ClusterListers, ClusterView } from './cluster-view.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo, podKey, type PodInfo } from './pod-info.js';

export interface SnapshotOptions {
  readonly listers?: ClusterListers;
  /**
   * How long an assumed pod whose bind request returned stays assumed without
   * its change-log event, in ms (0: forever, kube-scheduler's default).
   * @defaultValue 0
   */
  readonly assumeTtlMs?: number;
}

interface Assumed {
  /** Set once the bind call returned: the pod expires at this time (ms). */
  expiresAt: number | undefined;
}

/** Pods the kubelet is done with no longer hold resources; kube-scheduler's informer ignores them. */
const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class SchedulerSnapshot implements ClusterView {
  readonly listers: ClusterListers;
  private readonly assumeTtlMs: number;
  private readonly infos = new Map<string, NodeInfo>();
  private readonly nodeList: NodeInfo[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly podNode = new Map<string, string>();
  private readonly assumed = new Map<string, Assumed>();
  private readonly imageCounts = new Map<string, number>();
  private readonly claimCounts = new Map<string, number>();
  private affinityListsVersion = -1;
  private version = 0;
  private withAffinity: NodeInfo[] = [];
  private withAntiAffinity: NodeInfo[] = [];

  constructor(options: SnapshotOptions = {}) {
    this.listers = options.listers ?? {};
    this.assumeTtlMs = options.assumeTtlMs ?? 0;
  }

  get nodes(): readonly NodeInfo[] {
    return this.nodeList;
  }

  get podCount(): number {
    return this.podNode.size;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const info = this.infos.get(name);
    return info?.node === undefined ? undefined : info;
  }

  /** Node added or changed. */
  upsertNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let info = this.infos.get(name);
    if (info === undefined) {
      info = new NodeInfo(name);
      this.infos.set(name, info);
    }
    if (info.node !== undefined) this.countImages(info, -1);
    info.setNode(node);
    this.countImages(info, 1);
    if (!this.nodeIndex.has(name)) {
      this.nodeIndex.set(name, this.nodeList.length);
      this.nodeList.push(info);
    }
    this.version++;
  }

  /** Node deleted. Its pods stay accounted (on a node-less NodeInfo) until they are deleted too. */
  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (info === undefined) return;
    if (info.node !== undefined) this.countImages(info, -1);
    info.node = undefined;
    const i = this.nodeIndex.get(name);
    if (i !== undefined) {
      const last = this.nodeList.pop() as NodeInfo;
      this.nodeIndex.delete(name);
      if (last !== info) {
        this.nodeList[i] = last;
        this.nodeIndex.set(last.name, i);
      }
    }
    if (info.pods.length === 0) this.infos.delete(name);
    this.version++;
  }

  private countImages(info: NodeInfo, sign: 1 | -1): void {
    for (const image of info.images.keys()) {
      const next = (this.imageCounts.get(image) ?? 0) + sign;
      if (next <= 0) this.imageCounts.delete(image);
      else this.imageCounts.set(image, next);
    }
  }

  /**
   * A pod from the change log. Bound, non-terminal pods are accounted on their
   * node (confirming an assumption); anything else is removed.
   */
  upsertPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    const key = podKey(pod);
    if (nodeName === undefined || nodeName === '' || isTerminal(pod)) {
      // An assumed pod is not yet bound in the log: keep the assumption.
      if (!this.assumed.has(key)) this.removePod(key);
      return;
    }
    this.assumed.delete(key);
    this.place(newPodInfo(pod), nodeName);
  }

  /** A pod deleted from the change log (or found terminal). */
  removePod(key: string): void {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return;
    const info = this.infos.get(nodeName);
    const removed = info?.removePod(key);
    this.podNode.delete(key);
    this.assumed.delete(key);
    if (removed !== undefined) this.countClaims(removed, -1);
    if (info !== undefined && info.node === undefined && info.pods.length === 0) this.infos.delete(nodeName);
    this.version++;
  }

  private place(pod: PodInfo, nodeName: string): void {
    const previous = this.podNode.get(pod.key);
    if (previous !== undefined) {
      const removed = this.infos.get(previous)?.removePod(pod.key);
      if (removed !== undefined) this.countClaims(removed, -1);
    }
    let info = this.infos.get(nodeName);
    if (info === undefined) {
      info = new NodeInfo(nodeName);
      this.infos.set(nodeName, info);
    }
    info.addPod(pod);
    this.countClaims(pod, 1);
    this.podNode.set(pod.key, nodeName);
    this.version++;
  }

  private countClaims(pod: PodInfo, sign: 1 | -1): void {
    for (const claim of pod.claimKeys) {
      const next = (this.claimCounts.get(claim) ?? 0) + sign;
      if (next <= 0) this.claimCounts.delete(claim);
      else this.claimCounts.set(claim, next);
    }
  }

  /** The worker chose `nodeName` for `pod` and is about to bind it. */
  assumePod(pod: Pod, nodeName: string, podInfo: PodInfo = newPodInfo(pod)): void {
    const assumedPod: Pod = { ...pod, spec: { ...(pod.spec ?? {}), nodeName } };
    this.place({ ...podInfo, pod: assumedPod }, nodeName);
    this.assumed.set(podInfo.key, { expiresAt: undefined });
  }

  /** The bind request returned; start the expiry clock. */
  finishBinding(key: string, now: number = Date.now()): void {
    const a = this.assumed.get(key);
    if (a !== undefined && this.assumeTtlMs > 0) a.expiresAt = now + this.assumeTtlMs;
  }

  /** The bind failed: undo the assumption. */
  forgetPod(key: string): void {
    if (!this.assumed.has(key)) return;
    this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** Drops assumed pods whose binding finished long ago without a confirming event. */
  cleanupExpiredAssumedPods(now: number = Date.now()): string[] {
    const expired: string[] = [];
    for (const [key, a] of this.assumed) {
      if (a.expiresAt !== undefined && a.expiresAt <= now) expired.push(key);
    }
    for (const key of expired) this.removePod(key);
    return expired;
  }

  nodeOfPod(key: string): string | undefined {
    return this.podNode.get(key);
  }

  imageNodeCount(image: string): number {
    return this.imageCounts.get(image) ?? 0;
  }

  claimUsers(claimKey: string): number {
    return this.claimCounts.get(claimKey) ?? 0;
  }

  private refreshAffinityLists(): void {
    if (this.affinityListsVersion === this.version) return;
    this.withAffinity = this.nodeList.filter((n) => n.podsWithAffinity.length > 0);
    this.withAntiAffinity = this.nodeList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    this.affinityListsVersion = this.version;
  }

  nodesWithAffinityPods(): readonly NodeInfo[] {
    this.refreshAffinityLists();
    return this.withAffinity;
  }

  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    this.refreshAffinityLists();
    return this.withAntiAffinity;
  }
}
