// Pod resource requests and limits summed the way Kubernetes does
// (component-helpers/resource PodRequests/PodLimits), and node allocatable.
//
// A pod needs, per resource:
//   max( sum(app containers) + sum(sidecars),
//        max over init containers i of (init container i + sidecars started before i) )
//   + pod overhead
// where sidecars are init containers with restartPolicy "Always": they keep
// running next to the app containers, so they add up instead of taking turns.
//
// Pod-level resources (spec.resources, alpha in Kubernetes 1.33) and in-place
// resize status are not considered: requests come from the spec alone.

import { addQuantities, compareQuantities, parseQuantityJson, QuantityParseError, quantityFromMilli, quantityFromUnits, toMilli, toUnits, type Quantity } from './quantity.js';
import type { Container, Node, Pod, ResourceList } from './types.js';

export type ResourceQuantities = Map<string, Quantity>;

export const RESOURCE_CPU = 'cpu';
export const RESOURCE_MEMORY = 'memory';
export const RESOURCE_EPHEMERAL_STORAGE = 'ephemeral-storage';
export const RESOURCE_PODS = 'pods';

/** kube-scheduler's stand-ins for a container that requests no cpu/memory (scoring only). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const NATIVE_PREFIX = 'kubernetes.io/';
const QUOTA_REQUESTS_PREFIX = 'requests.';
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Native resources have no domain or the kubernetes.io/ domain ("cpu", "kubernetes.io/foo"). */
export function isNativeResourceName(name: string): boolean {
  return !name.includes('/') || name.includes(NATIVE_PREFIX);
}

/** Extended resources are domain-qualified and not native ("nvidia.com/gpu"). */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResourceName(name) || name.startsWith(QUOTA_REQUESTS_PREFIX)) return false;
  const forQuota = `${QUOTA_REQUESTS_PREFIX}${name}`;
  const slash = forQuota.indexOf('/');
  const prefix = forQuota.slice(0, slash);
  const rest = forQuota.slice(slash + 1);
  return prefix.length <= 253 && rest.length <= 63 && QUALIFIED_NAME.test(forQuota);
}

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isAttachableVolumeResourceName(name: string): boolean {
  return name.startsWith('attachable-volumes-');
}

/** Resources the scheduler accounts by count besides cpu, memory, ephemeral-storage and pods. */
export function isScalarResourceName(name: string): boolean {
  return isExtendedResourceName(name) || isHugePageResourceName(name) || name.includes(NATIVE_PREFIX) || isAttachableVolumeResourceName(name);
}

/**
 * Parses a ResourceList. Entries that are not valid quantities are left out:
 * admission rejects them, and accounting code must not throw on stored objects.
 */
export function parseResourceList(list: ResourceList | undefined): ResourceQuantities {
  const out: ResourceQuantities = new Map();
  if (list === undefined) return out;
  for (const [name, value] of Object.entries(list)) {
    try {
      out.set(name, parseQuantityJson(value));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
    }
  }
  return out;
}

/** Like parseResourceList, but an invalid quantity throws QuantityParseError. */
export function parseResourceListStrict(list: ResourceList | undefined): ResourceQuantities {
  const out: ResourceQuantities = new Map();
  for (const [name, value] of Object.entries(list ?? {})) out.set(name, parseQuantityJson(value));
  return out;
}

function addInto(total: ResourceQuantities, more: ResourceQuantities): void {
  for (const [name, q] of more) {
    const have = total.get(name);
    total.set(name, have === undefined ? q : addQuantities(have, q));
  }
}

function maxInto(total: ResourceQuantities, other: ResourceQuantities): void {
  for (const [name, q] of other) {
    const have = total.get(name);
    if (have === undefined || compareQuantities(q, have) > 0) total.set(name, q);
  }
}

export interface PodResourcesOptions {
  /** Leave spec.overhead out. */
  readonly excludeOverhead?: boolean;
  /**
   * Values used for a container that does not set a resource at all (an
   * explicit "0" is kept): the scheduler's non-zero defaults for scoring.
   */
  readonly nonMissingContainerRequests?: ResourceQuantities;
}

function withNonMissing(requests: ResourceQuantities, nonMissing: ResourceQuantities | undefined): ResourceQuantities {
  if (nonMissing === undefined || nonMissing.size === 0) return requests;
  const out = new Map(requests);
  for (const [name, q] of nonMissing) if (!requests.has(name)) out.set(name, q);
  return out;
}

const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

function aggregate(pod: Pod, pick: (c: Container) => ResourceQuantities): ResourceQuantities {
  const total: ResourceQuantities = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(total, pick(c));
  const sidecars: ResourceQuantities = new Map();
  const initPeak: ResourceQuantities = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = pick(c);
    let whileRunning: ResourceQuantities;
    if (isSidecar(c)) {
      addInto(total, own);
      addInto(sidecars, own);
      whileRunning = new Map(sidecars);
    } else {
      whileRunning = new Map(own);
      addInto(whileRunning, sidecars);
    }
    maxInto(initPeak, whileRunning);
  }
  maxInto(total, initPeak);
  return total;
}

/** The pod's effective requests (PodRequests). */
export function podRequests(pod: Pod, options: PodResourcesOptions = {}): ResourceQuantities {
  const total = aggregate(pod, (c) => withNonMissing(parseResourceList(c.resources?.requests), options.nonMissingContainerRequests));
  if (!options.excludeOverhead && pod.spec?.overhead !== undefined) addInto(total, parseResourceList(pod.spec.overhead));
  return total;
}

/** The pod's effective limits (PodLimits); overhead is added only to resources that have a limit. */
export function podLimits(pod: Pod, options: Pick<PodResourcesOptions, 'excludeOverhead'> = {}): ResourceQuantities {
  const total = aggregate(pod, (c) => parseResourceList(c.resources?.limits));
  if (!options.excludeOverhead && pod.spec?.overhead !== undefined) {
    for (const [name, q] of parseResourceList(pod.spec.overhead)) {
      const have = total.get(name);
      if (have !== undefined) total.set(name, addQuantities(have, q));
    }
  }
  return total;
}

/**
 * The scheduler's integer view of resources: cpu in millicores, everything
 * else in whole units (bytes, counts), rounded up like apimachinery.
 */
export interface ComputeResources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for node allocatable: how many pods fit. */
  allowedPodNumber: number;
  /** Extended, hugepages, kubernetes.io/-prefixed and attachable-volumes resources. */
  scalar: Map<string, number>;
}

export function emptyComputeResources(): ComputeResources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

export function cloneComputeResources(r: ComputeResources): ComputeResources {
  return { ...r, scalar: new Map(r.scalar) };
}

/** Resource.Add: folds a parsed ResourceList into r (sign -1 subtracts). */
export function addToComputeResources(r: ComputeResources, list: ResourceQuantities, sign = 1): void {
  for (const [name, q] of list) {
    switch (name) {
      case RESOURCE_CPU:
        r.milliCPU += sign * toMilli(q);
        break;
      case RESOURCE_MEMORY:
        r.memory += sign * toUnits(q);
        break;
      case RESOURCE_EPHEMERAL_STORAGE:
        r.ephemeralStorage += sign * toUnits(q);
        break;
      case RESOURCE_PODS:
        r.allowedPodNumber += sign * toUnits(q);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + sign * toUnits(q));
    }
  }
}

/** Adds b into a in place (sign -1 subtracts). */
export function accumulateComputeResources(a: ComputeResources, b: ComputeResources, sign = 1): void {
  a.milliCPU += sign * b.milliCPU;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
  a.allowedPodNumber += sign * b.allowedPodNumber;
  for (const [name, v] of b.scalar) {
    const next = (a.scalar.get(name) ?? 0) + sign * v;
    if (next === 0) a.scalar.delete(name);
    else a.scalar.set(name, next);
  }
}

export function toComputeResources(list: ResourceQuantities): ComputeResources {
  const r = emptyComputeResources();
  addToComputeResources(r, list);
  return r;
}

/** What a node offers pods: status.allocatable (nothing if the kubelet has not reported it). */
export function nodeAllocatable(node: Node): ComputeResources {
  return toComputeResources(parseResourceList(node.status?.allocatable));
}

const NON_ZERO_DEFAULTS: ResourceQuantities = new Map([
  [RESOURCE_CPU, quantityFromMilli(DEFAULT_MILLI_CPU_REQUEST)],
  [RESOURCE_MEMORY, quantityFromUnits(DEFAULT_MEMORY_REQUEST)],
]);

/** What the scheduler accounts for one pod, computed once per pod. */
export interface PodComputeRequests {
  /** Effective requests, for fitting. */
  readonly requests: ComputeResources;
  /** cpu and memory with kube-scheduler's defaults for containers that set none (spreading scores). */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
}

export function podComputeRequests(pod: Pod): PodComputeRequests {
  const requests = toComputeResources(podRequests(pod));
  requests.allowedPodNumber = 0;
  const nonZero = podRequests(pod, { nonMissingContainerRequests: NON_ZERO_DEFAULTS });
  const cpu = nonZero.get(RESOURCE_CPU);
  const memory = nonZero.get(RESOURCE_MEMORY);
  return {
    requests,
    nonZeroMilliCPU: cpu === undefined ? 0 : toMilli(cpu),
    nonZeroMemory: memory === undefined ? 0 : toUnits(memory),
  };
}
