// What an object counts against a ResourceQuota (pkg/quota/v1/evaluator/core),
// shared by the quota admission plugin and the resourcequota controller.
// Usage is a map from quota resource names (`pods`, `requests.cpu`,
// `count/deployments.apps`, ...) to quantities.

import { addQuantities, compareQuantities, formatQuantity, isZeroQuantity, parseQuantityJson, QuantityParseError, quantityFromUnits, subtractQuantities, type Quantity } from '../kube/quantity.js';
import { podLimits, podRequests } from '../kube/resources.js';
import type { Pod } from '../kube/types.js';
import type { Store } from '../store/store.js';
import type { KubeObject } from '../store/types.js';

export type Usage = Map<string, Quantity>;

/** A resource a quota can count, as stored. */
export interface CountedResource {
  group: string;
  resource: string;
}

const one = (): Quantity => quantityFromUnits(1);

// Compute resources a pod charges, and the request names they also count as.
const POD_COMPUTE = ['cpu', 'memory', 'ephemeral-storage'] as const;

/** `count/<resource>[.<group>]`: the generic object-count name. */
export const countName = (r: CountedResource): string => `count/${r.resource}${r.group === '' ? '' : `.${r.group}`}`;

// The short names quotas accept for core objects (pkg/quota/v1 evaluators' legacy names).
const LEGACY_COUNT: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

/** Terminal pods and pods past their grace period no longer count (QuotaV1Pod). */
function podCounts(pod: KubeObject, now: Date): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata.deletionTimestamp;
  if (deletion !== undefined) {
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
    if (Date.parse(deletion) + grace * 1000 < now.getTime()) return false;
  }
  return true;
}

function podUsage(pod: KubeObject, usage: Usage): void {
  const requests = podRequests(pod as unknown as Pod);
  const limits = podLimits(pod as unknown as Pod);
  for (const name of POD_COMPUTE) {
    const request = requests.get(name);
    if (request !== undefined) {
      usage.set(`requests.${name}`, request);
      usage.set(name, request);
    }
    const limit = limits.get(name);
    if (limit !== undefined) usage.set(`limits.${name}`, limit);
  }
}

function serviceUsage(service: KubeObject, usage: Usage): void {
  const spec = (service.spec ?? {}) as { type?: string; ports?: unknown[]; allocateLoadBalancerNodePorts?: boolean };
  const ports = Array.isArray(spec.ports) ? spec.ports.length : 0;
  if (spec.type === 'NodePort') usage.set('services.nodeports', quantityFromUnits(ports));
  if (spec.type === 'LoadBalancer') {
    usage.set('services.loadbalancers', one());
    usage.set('services.nodeports', quantityFromUnits(spec.allocateLoadBalancerNodePorts === false ? 0 : ports));
  }
}

function claimUsage(claim: KubeObject, usage: Usage): void {
  const storage = (claim.spec as { resources?: { requests?: { storage?: unknown } } } | undefined)?.resources?.requests?.storage;
  if (storage === undefined) return;
  try {
    usage.set('requests.storage', parseQuantityJson(storage));
  } catch (err) {
    if (!(err instanceof QuantityParseError)) throw err;
  }
}

/** Everything one object counts for. */
export function usageOf(r: CountedResource, object: KubeObject, now: Date = new Date()): Usage {
  const usage: Usage = new Map();
  const isCore = r.group === '';
  if (isCore && r.resource === 'pods' && !podCounts(object, now)) return usage;
  usage.set(countName(r), one());
  const legacy = isCore ? LEGACY_COUNT[r.resource] : undefined;
  if (legacy !== undefined) usage.set(legacy, one());
  if (isCore && r.resource === 'pods') podUsage(object, usage);
  if (isCore && r.resource === 'services') serviceUsage(object, usage);
  if (isCore && r.resource === 'persistentvolumeclaims') claimUsage(object, usage);
  return usage;
}

/** The resource whose objects a quota resource name counts, or undefined when kubeql does not track it. */
export function countedResourceOf(name: string): CountedResource | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  if (name in LEGACY_COUNT) return { group: '', resource: name };
  if (name === 'services.nodeports' || name === 'services.loadbalancers') return { group: '', resource: 'services' };
  if (name === 'requests.storage') return { group: '', resource: 'persistentvolumeclaims' };
  if ((POD_COMPUTE as readonly string[]).includes(name) || /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.test(name)) return { group: '', resource: 'pods' };
  return undefined;
}

export function addUsage(total: Usage, more: Usage): void {
  for (const [name, q] of more) {
    const have = total.get(name);
    total.set(name, have === undefined ? q : addQuantities(have, q));
  }
}

/**
 * What an update adds: each amount's increase over the old object's, with
 * decreases and unchanged amounts left out (quota.SubtractWithNonNegativeResult,
 * then RemoveZeros), so an update is only ever refused for what it grows.
 */
export function usageIncrease(next: Usage, previous: Usage): Usage {
  const out: Usage = new Map();
  for (const [name, q] of next) {
    const before = previous.get(name);
    const grown = before === undefined ? q : subtractQuantities(q, before);
    if (compareQuantities(grown, quantityFromUnits(0)) > 0 && !isZeroQuantity(grown)) out.set(name, grown);
  }
  return out;
}

/** A ResourceList (`{ pods: "2" }`) as quantities; unparsable entries are left out. */
export function parseUsage(list: unknown): Usage {
  const usage: Usage = new Map();
  if (list === null || typeof list !== 'object') return usage;
  for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
    try {
      usage.set(name, parseQuantityJson(value));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
    }
  }
  return usage;
}

/** Usage as a ResourceList, keys sorted. */
export function formatUsage(usage: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...usage.keys()].sort()) out[name] = formatQuantity(usage.get(name) as Quantity);
  return out;
}

export const exceeds = (value: Quantity, limit: Quantity): boolean => compareQuantities(value, limit) > 0;

/**
 * The namespace's current usage for the given quota resource names, counted
 * from the stored objects (what the resourcequota controller writes to status.used).
 */
export async function measureUsage(store: Store, cluster: string, namespace: string, names: Iterable<string>, now: Date = new Date(), signal?: AbortSignal): Promise<Usage> {
  const wanted = new Set(names);
  const byResource = new Map<string, CountedResource>();
  for (const name of wanted) {
    const counted = countedResourceOf(name);
    if (counted !== undefined) byResource.set(`${counted.group}/${counted.resource}`, counted);
  }
  const total: Usage = new Map();
  for (const name of wanted) if (countedResourceOf(name) !== undefined) total.set(name, quantityFromUnits(0));
  for (const counted of byResource.values()) {
    const list = await store.list({ cluster, group: counted.group, resource: counted.resource, namespace }, signal ? { signal } : {});
    for (const object of list.items) {
      const usage = usageOf(counted, object, now);
      for (const [name, q] of usage) if (wanted.has(name)) total.set(name, addQuantities(total.get(name) ?? quantityFromUnits(0), q));
    }
  }
  return total;
}
