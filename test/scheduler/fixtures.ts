// Builders for scheduler tests: plain Kubernetes objects in, a snapshot and
// plugin verdicts out.

import type { Container, Node, Pod, PodSpec, Taint, Toleration } from '../../src/kube/types.js';
import type { ClusterListers } from '../../src/scheduler/cluster-view.js';
import { CycleState, type Plugin, type Status } from '../../src/scheduler/framework.js';
import { newPodInfo } from '../../src/scheduler/pod-info.js';
import { SchedulerSnapshot } from '../../src/scheduler/snapshot.js';

let uid = 0;

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  allocatable?: Record<string, string>;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  return {
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.unschedulable ? { unschedulable: true } : {}), ...(o.taints ? { taints: o.taints } : {}) },
    status: { allocatable: o.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' }, ...(o.images ? { images: o.images } : {}) },
  };
}

export interface PodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  requests?: Record<string, string>;
  containers?: Container[];
  initContainers?: Container[];
  tolerations?: Toleration[];
  priority?: number;
  owner?: string;
  deleting?: boolean;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  uid++;
  const containers = o.containers ?? [{ name: 'app', image: 'app:1', resources: { requests: o.requests ?? {} } }];
  return {
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}-${uid}`,
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: o.owner, controller: true }] } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.spec ?? {}),
    },
    status: { phase: o.nodeName ? 'Running' : 'Pending' },
  };
}

export function snapshotOf(nodes: Node[], pods: Pod[] = [], listers: ClusterListers = {}): SchedulerSnapshot {
  const s = new SchedulerSnapshot({ listers });
  for (const n of nodes) s.upsertNode(n);
  for (const p of pods) s.upsertPod(p);
  return s;
}

/** What a plugin's PreFilter + Filter says about `pod` on each node (null: fits; 'skip': PreFilter skipped). */
export function filterVerdicts(plugin: Plugin, pod: Pod, cluster: SchedulerSnapshot): Record<string, Status | null | 'skip'> {
  const info = newPodInfo(pod);
  const state = new CycleState();
  const pre = plugin.preFilter?.(state, info, cluster) ?? null;
  const out: Record<string, Status | null | 'skip'> = {};
  for (const node of cluster.nodes) {
    if (pre?.status?.code === 'Skip') out[node.name] = 'skip';
    else if (pre?.status !== undefined) out[node.name] = pre.status;
    else if (pre?.nodeNames !== undefined && !pre.nodeNames.has(node.name)) out[node.name] = { code: 'UnschedulableAndUnresolvable', reasons: ['excluded by PreFilter'] };
    else out[node.name] = plugin.filter?.(state, info, node) ?? null;
  }
  return out;
}

/** The single-node verdict as a short string: 'fits', 'skip' or "<code>: <reasons>". */
export function verdict(plugin: Plugin, pod: Pod, cluster: SchedulerSnapshot, node: string): string {
  const v = filterVerdicts(plugin, pod, cluster)[node];
  if (v === undefined) throw new Error(`no node ${node}`);
  if (v === null) return 'fits';
  if (v === 'skip') return 'skip';
  return `${v.code}: ${v.reasons.join(', ')}`;
}

/** A plugin's normalized scores for `pod` over all nodes ('skip' when PreScore skipped). */
export function scores(plugin: Plugin, pod: Pod, cluster: SchedulerSnapshot, nodes: readonly string[] = cluster.nodes.map((n) => n.name)): Record<string, number> | 'skip' {
  const info = newPodInfo(pod);
  const state = new CycleState();
  const feasible = nodes.map((n) => {
    const ni = cluster.nodeInfo(n);
    if (ni === undefined) throw new Error(`no node ${n}`);
    return ni;
  });
  const pre = plugin.preScore?.(state, info, feasible, cluster) ?? null;
  if (pre?.code === 'Skip') return 'skip';
  const list = feasible.map((n) => ({ name: n.name, score: plugin.score?.(state, info, n) ?? 0 }));
  plugin.normalizeScore?.(state, info, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}
