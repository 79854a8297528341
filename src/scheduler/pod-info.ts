// PodInfo: everything the plugins read from a pod, computed once per pod
// (when it enters the snapshot or a scheduling cycle) so the per-node work in
// a cycle never re-parses quantities or selectors.

import { podComputeRequests, type ComputeResources } from '../kube/resources.js';
import type { Labels, Pod, PodAffinityTerm, Toleration, WeightedPodAffinityTerm } from '../kube/types.js';
import { compileLabelSelector, matchesNothing, type LabelMatcher } from './selectors.js';

export interface AffinityTerm {
  /** Namespaces named by the term (the pod's own when neither namespaces nor namespaceSelector is set). */
  readonly namespaces: ReadonlySet<string>;
  /** Absent namespaceSelector matches nothing; an empty one every namespace. */
  readonly namespaceSelector: LabelMatcher;
  readonly selector: LabelMatcher;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  /** The pod's UID, or namespace/name when it has none yet. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly priority: number;
  readonly tolerations: readonly Toleration[];
  readonly requests: ComputeResources;
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  /** Host ports of the app containers (what NodePorts and NodeInfo.usedPorts count). */
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** UID of the controlling owner (ReplicaSet, StatefulSet, Job, ...), for default spreading. */
  readonly controllerUid: string | undefined;
  /** Has a deletionTimestamp: spreading and affinity counts skip it. */
  readonly terminating: boolean;
  /** namespace/claimName of every PersistentVolumeClaim volume. */
  readonly claimKeys: readonly string[];
}

const EMPTY_LABELS: Labels = Object.freeze({});
export const BIND_ALL_HOST_IP = '0.0.0.0';

export function podKey(pod: Pod): string {
  return pod.metadata.uid ?? `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

function affinityTerm(namespace: string, term: PodAffinityTerm): AffinityTerm {
  const names = term.namespaces ?? [];
  const namespaces = new Set(names.length === 0 && term.namespaceSelector === undefined ? [namespace] : names);
  return {
    namespaces,
    namespaceSelector: term.namespaceSelector === undefined ? matchesNothing : compileLabelSelector(term.namespaceSelector),
    selector: compileLabelSelector(term.labelSelector),
    topologyKey: term.topologyKey,
  };
}

function weighted(namespace: string, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...affinityTerm(namespace, t.podAffinityTerm), weight: t.weight }));
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort === undefined || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP === undefined || p.hostIP === '' ? BIND_ALL_HOST_IP : p.hostIP, protocol: p.protocol === undefined || p.protocol === '' ? 'TCP' : p.protocol, port: p.hostPort });
    }
  }
  return out;
}

export function newPodInfo(pod: Pod): PodInfo {
  const namespace = pod.metadata.namespace ?? 'default';
  const affinity = pod.spec?.affinity;
  const computed = podComputeRequests(pod);
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller === true);
  return {
    pod,
    key: podKey(pod),
    namespace,
    name: pod.metadata.name ?? '',
    labels: pod.metadata.labels ?? EMPTY_LABELS,
    priority: pod.spec?.priority ?? 0,
    tolerations: pod.spec?.tolerations ?? [],
    requests: computed.requests,
    nonZeroMilliCPU: computed.nonZeroMilliCPU,
    nonZeroMemory: computed.nonZeroMemory,
    hostPorts: hostPorts(pod),
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(namespace, t)),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(namespace, t)),
    preferredAffinityTerms: weighted(namespace, affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weighted(namespace, affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    controllerUid: controller?.uid,
    terminating: pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    claimKeys: (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [`${namespace}/${v.persistentVolumeClaim.claimName}`] : [])),
  };
}

/** AffinityTerm.Matches: `pod` is in one of the term's namespaces and its labels match. */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: Labels | undefined): boolean {
  if (term.namespaces.has(pod.namespace) || term.namespaceSelector(namespaceLabels)) return term.selector(pod.labels);
  return false;
}

export const hasPodAffinityConstraints = (p: PodInfo): boolean =>
  p.requiredAffinityTerms.length > 0 || p.requiredAntiAffinityTerms.length > 0 || p.preferredAffinityTerms.length > 0 || p.preferredAntiAffinityTerms.length > 0;

/** Like upstream podWithAffinity: the pod spec has any pod (anti-)affinity. */
export function podHasAffinity(p: PodInfo): boolean {
  const a = p.pod.spec?.affinity;
  return a?.podAffinity !== undefined || a?.podAntiAffinity !== undefined;
}
