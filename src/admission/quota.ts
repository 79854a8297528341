// ResourceQuota admission (plugin/pkg/admission/resourcequota): a create that
// would take a namespace past a quota's hard limit is Forbidden with the
// message kubectl users know ("exceeded quota: ..."). The charge is written
// to the quota's status.used with the quota's resourceVersion as a
// precondition, so concurrent creates serialize on the quota: the loser of a
// race re-reads the higher usage and is refused rather than overshooting.
// Updates are charged where upstream's evaluators handle them, for what they
// grow only: a Service turning NodePort or LoadBalancer, a claim asking for
// more storage, a pod resized through pods/resize.

import { forbidden, type ApiError } from '../api/errors.js';
import type { ApiResource } from '../api/resources/types.js';
import { addQuantities, formatQuantity, zeroQuantity, type Quantity } from '../kube/quantity.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../objects/admission.js';
import { ConflictError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { KubeObject } from '../store/types.js';
import { exceeds, formatUsage, measureUsage, parseUsage, usageIncrease, usageOf, type Usage } from './quota-usage.js';

export interface QuotaAdmissionOptions {
  store: Store;
  now?: () => Date;
  /** Tries against concurrent writers of the same quota before giving up. @defaultValue 20 */
  attempts?: number;
}

// Each container must state these when a quota limits them (pods.go Constraints).
const CONSTRAINED = new Map<string, { from: 'requests' | 'limits'; resource: string }>([
  ['cpu', { from: 'requests', resource: 'cpu' }],
  ['memory', { from: 'requests', resource: 'memory' }],
  ['requests.cpu', { from: 'requests', resource: 'cpu' }],
  ['requests.memory', { from: 'requests', resource: 'memory' }],
  ['limits.cpu', { from: 'limits', resource: 'cpu' }],
  ['limits.memory', { from: 'limits', resource: 'memory' }],
]);

interface Container {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** "must specify limits.cpu for: a,b; requests.memory for: a", or undefined when every container does. */
export function missingPodConstraints(pod: KubeObject, hard: Iterable<string>): string | undefined {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const missing = new Map<string, Set<string>>();
  for (const name of hard) {
    const rule = CONSTRAINED.get(name);
    if (rule === undefined) continue;
    for (const c of containers) {
      if (c.resources?.[rule.from]?.[rule.resource] !== undefined) continue;
      let names = missing.get(name);
      if (names === undefined) missing.set(name, (names = new Set()));
      names.add(c.name ?? '');
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...(missing.get(name) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

const pretty = (usage: Usage, names: string[]): string => names.map((n) => `${n}=${formatQuantity(usage.get(n) as Quantity)}`).join(',');

function refuse(resource: ApiResource, name: string, message: string): ApiError {
  const qualified = resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
  return forbidden(`${qualified} "${name}" is forbidden: ${message}`, { name, kind: resource.resource, ...(resource.group !== '' ? { group: resource.group } : {}) });
}

interface Charge {
  quota: KubeObject;
  used: Usage;
}

/** The quota writes a create needs, or a Forbidden error. */
async function plan(options: QuotaAdmissionOptions, a: AdmissionAttributes, object: KubeObject, delta: Usage, now: Date): Promise<Charge[]> {
  const { store } = options;
  const quotas = await store.list({ cluster: a.cluster, group: '', resource: 'resourcequotas', namespace: a.namespace });
  const charges: Charge[] = [];
  for (const quota of quotas.items) {
    const quotaName = quota.metadata.name ?? '';
    const hard = parseUsage((quota.spec as { hard?: unknown } | undefined)?.hard);
    if (a.resource.group === '' && a.resource.resource === 'pods') {
      const missing = missingPodConstraints(object, hard.keys());
      if (missing !== undefined) throw refuse(a.resource, a.name, `failed quota: ${quotaName}: ${missing}`);
    }
    const matched = [...hard.keys()].filter((n) => delta.has(n)).sort();
    if (matched.length === 0) continue;
    const used = parseUsage((quota.status as { used?: unknown } | undefined)?.used);
    const unknown = matched.filter((n) => !used.has(n));
    // A quota the controller has not measured yet is measured here.
    if (unknown.length > 0) for (const [n, q] of await measureUsage(store, a.cluster, a.namespace, unknown, now)) used.set(n, q);
    const next: Usage = new Map(used);
    for (const n of matched) next.set(n, addQuantities(used.get(n) ?? zeroQuantity(), delta.get(n) as Quantity));
    const failed = matched.filter((n) => exceeds(next.get(n) as Quantity, hard.get(n) as Quantity));
    if (failed.length > 0) {
      const current: Usage = new Map(failed.map((n) => [n, used.get(n) as Quantity]));
      throw refuse(a.resource, a.name, `exceeded quota: ${quotaName}, requested: ${pretty(delta, failed)}, used: ${pretty(current, failed)}, limited: ${pretty(hard, failed)}`);
    }
    charges.push({ quota, used: next });
  }
  return charges;
}

/**
 * Whether quota admission looks at this request (the evaluators' Handles):
 * every create of a main resource; updates of Services (their type can change)
 * and PersistentVolumeClaims (expansion); pod resizes. Other updates cannot
 * change usage (pod resources are immutable outside resize).
 */
export function quotaHandles(a: Pick<AdmissionAttributes, 'operation' | 'subresource' | 'resource'>): boolean {
  if (a.operation === 'CREATE') return a.subresource === '';
  if (a.operation !== 'UPDATE' || a.resource.group !== '') return false;
  if (a.subresource === '') return a.resource.resource === 'services' || a.resource.resource === 'persistentvolumeclaims';
  return a.subresource === 'resize' && a.resource.resource === 'pods';
}

/** What the request charges: the whole usage of a create, the growth of an update. */
function chargeOf(a: AdmissionAttributes, object: KubeObject, now: Date): Usage {
  const counted = { group: a.resource.group, resource: a.resource.resource };
  const usage = usageOf(counted, object, now);
  // An update that is really a create (no stored version) is billed in full, as upstream does.
  if (a.operation !== 'UPDATE' || a.oldObject?.metadata.resourceVersion === undefined) return usage;
  return usageIncrease(usage, usageOf(counted, a.oldObject, now));
}

async function admit(options: QuotaAdmissionOptions, a: AdmissionAttributes): Promise<void> {
  if (!quotaHandles(a) || a.object === undefined || !a.resource.namespaced || a.namespace === '') return;
  const now = (options.now ?? (() => new Date()))();
  const delta = chargeOf(a, a.object, now);
  if (delta.size === 0) return;
  const attempts = options.attempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    const charges = await plan(options, a, a.object, delta, now);
    if (a.dryRun || charges.length === 0) return;
    try {
      for (const { quota, used } of charges) {
        const status = { ...((quota.status as object | undefined) ?? {}), hard: (quota.spec as { hard?: unknown } | undefined)?.hard ?? {}, used: formatUsage(used) };
        await options.store.update(
          { cluster: a.cluster, group: '', resource: 'resourcequotas', namespace: a.namespace, name: quota.metadata.name ?? '' },
          { ...quota, status },
          { subresource: 'status' },
        );
      }
      return;
    } catch (err) {
      // Someone else charged (or the controller re-measured) the quota meanwhile: plan again.
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** The ResourceQuota validating admission plugin. */
export function resourceQuotaAdmission(options: QuotaAdmissionOptions): AdmissionPlugin {
  return { name: 'ResourceQuota', validate: (attributes) => admit(options, attributes) };
}
