// NodeInfo: one node and the aggregates of the pods on it, updated as pods
// come and go so filters and scores read totals instead of walking pods.

import { accumulateComputeResources, cloneComputeResources, emptyComputeResources, nodeAllocatable, type ComputeResources } from '../kube/resources.js';
import type { Labels, Node, Taint } from '../kube/types.js';
import { BIND_ALL_HOST_IP, podHasAffinity, type PodInfo } from './pod-info.js';

const EMPTY_LABELS: Labels = Object.freeze({});
const NO_TAINTS: readonly Taint[] = Object.freeze([]);

/** image name (as listed in node.status.images[].names) -> size in bytes. */
function imageSizes(node: Node): Map<string, number> {
  const out = new Map<string, number>();
  for (const image of node.status?.images ?? []) {
    for (const name of image.names ?? []) out.set(name, image.sizeBytes ?? 0);
  }
  return out;
}

function increment<K>(map: Map<K, number>, key: K, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

export class NodeInfo {
  /** Undefined while pods refer to a node the snapshot has not seen (or that was deleted). */
  node: Node | undefined;
  name: string;
  labels: Labels = EMPTY_LABELS;
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  allocatable: ComputeResources = emptyComputeResources();
  images: Map<string, number> = new Map();

  readonly pods: PodInfo[] = [];
  private readonly index = new Map<string, number>();
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** Sum of the pods' requests. */
  requested: ComputeResources = emptyComputeResources();
  /** Sum with kube-scheduler's 100m/200Mi stand-ins for containers that request nothing (scores only). */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** "protocol/port" -> host IP -> number of pods using it. */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** namespace/claim -> pods on this node using it. */
  readonly claimRefCounts = new Map<string, number>();
  /** controller owner UID -> non-terminating pods of that owner on this node. */
  readonly ownerCounts = new Map<string, number>();
  /** Bumped on every change. */
  generation = 0;

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node !== undefined) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata.name ?? this.name;
    this.labels = node.metadata.labels ?? EMPTY_LABELS;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node);
    this.images = imageSizes(node);
    this.generation++;
  }

  hasPod(key: string): boolean {
    return this.index.has(key);
  }

  getPod(key: string): PodInfo | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.pods[i];
  }

  addPod(pod: PodInfo): void {
    if (this.index.has(pod.key)) this.removePod(pod.key);
    this.index.set(pod.key, this.pods.length);
    this.pods.push(pod);
    if (podHasAffinity(pod)) this.podsWithAffinity.push(pod);
    if (pod.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(pod);
    this.account(pod, 1);
  }

  /** Removes the pod with this key; returns it, or undefined if it was not here. */
  removePod(key: string): PodInfo | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const pod = this.pods[i] as PodInfo;
    const last = this.pods.pop() as PodInfo;
    this.index.delete(key);
    if (last !== pod) {
      this.pods[i] = last;
      this.index.set(last.key, i);
    }
    if (podHasAffinity(pod)) this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.key !== key);
    if (pod.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.key !== key);
    this.account(pod, -1);
    return pod;
  }

  private account(pod: PodInfo, sign: 1 | -1): void {
    accumulateComputeResources(this.requested, pod.requests, sign);
    this.nonZeroMilliCPU += sign * pod.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pod.nonZeroMemory;
    for (const hp of pod.hostPorts) {
      const key = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(key);
      if (ips === undefined) {
        if (sign < 0) continue;
        ips = new Map();
        this.usedPorts.set(key, ips);
      }
      increment(ips, hp.ip, sign);
      if (ips.size === 0) this.usedPorts.delete(key);
    }
    for (const claim of pod.claimKeys) increment(this.claimRefCounts, claim, sign);
    if (pod.controllerUid !== undefined && !pod.terminating) increment(this.ownerCounts, pod.controllerUid, sign);
    this.generation++;
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every address on the same protocol/port. */
  hostPortConflicts(ip: string, protocol: string, port: number): boolean {
    const ips = this.usedPorts.get(`${protocol}/${port}`);
    if (ips === undefined || ips.size === 0) return false;
    if (ip === BIND_ALL_HOST_IP) return true;
    return ips.has(BIND_ALL_HOST_IP) || ips.has(ip);
  }

  /** A copy whose pods can be changed without touching this one (for simulations). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name);
    copy.node = this.node;
    copy.labels = this.labels;
    copy.taints = this.taints;
    copy.unschedulable = this.unschedulable;
    copy.allocatable = this.allocatable;
    copy.images = this.images;
    for (const p of this.pods) {
      copy.index.set(p.key, copy.pods.length);
      copy.pods.push(p);
    }
    copy.podsWithAffinity = [...this.podsWithAffinity];
    copy.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    copy.requested = cloneComputeResources(this.requested);
    copy.nonZeroMilliCPU = this.nonZeroMilliCPU;
    copy.nonZeroMemory = this.nonZeroMemory;
    for (const [k, ips] of this.usedPorts) copy.usedPorts.set(k, new Map(ips));
    for (const [k, v] of this.claimRefCounts) copy.claimRefCounts.set(k, v);
    for (const [k, v] of this.ownerCounts) copy.ownerCounts.set(k, v);
    copy.generation = this.generation;
    return copy;
  }
}
