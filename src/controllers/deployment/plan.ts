// The pure arithmetic of the deployment controller (pkg/controller/deployment/util):
// maxSurge/maxUnavailable from numbers or percentages, the pod-template hash,
// how far a rolling update may scale up the new ReplicaSet and scale down
// the old ones, revisions and conditions.

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../store/types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** Deployment annotations that are the controller's, not copied to ReplicaSets. */
const NOT_COPIED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: unknown;
  [k: string]: unknown;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetView {
  object: KubeObject;
  name: string;
  replicas: number;
  statusReplicas: number;
  available: number;
  ready: number;
  revision: number;
  created: number;
}

export const specOf = (d: KubeObject): DeploymentSpec => (d.spec ?? {}) as DeploymentSpec;

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean, fallback: number | string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m === null) {
    const n = Number(v);
    return Number.isInteger(n) ? n : 0;
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** ResolveFenceposts: surge rounds up, unavailable down; both zero means one unavailable. */
export function fenceposts(spec: DeploymentSpec): { maxSurge: number; maxUnavailable: number } {
  const replicas = spec.replicas ?? 1;
  const ru = spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaledValue(ru?.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

/** deploymentutil.MaxUnavailable: 0 for Recreate or no replicas. */
export function maxUnavailableOf(spec: DeploymentSpec): number {
  if (spec.strategy?.type === 'Recreate' || (spec.replicas ?? 1) === 0) return 0;
  return fenceposts(spec).maxUnavailable;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// rand.SafeEncodeString's alphabet.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** ComputeHash: FNV-32a of the template (and collisionCount), safe-encoded as the upstream label is. */
export function podTemplateHash(template: PodTemplate | undefined, collisionCount: number | undefined): string {
  let hash = 0x811c9dc5;
  const input = stable(normalized(template ?? {})) + (collisionCount !== undefined ? String(collisionCount) : '');
  for (const byte of Buffer.from(input, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash >>> 0)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/**
 * Drops nulls and empty objects and lists, as decoding into Go structs does
 * (`creationTimestamp: null`, `resources: {}` from kubectl rollout undo are
 * the zero values) and as apiequality.Semantic treats nil and empty alike.
 */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalized(v);
      if (n === null || n === undefined) continue;
      if (Array.isArray(n) && n.length === 0) continue;
      if (typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0) continue;
      out[k] = n;
    }
    return out;
  }
  return value;
}

/** A template without the pod-template-hash label (EqualIgnoreHash), normalized. */
export function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const t = normalized(structuredClone(template ?? {})) as PodTemplate;
  if (t.metadata?.labels) {
    delete t.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  return t;
}

export function sameTemplate(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return isDeepStrictEqual(withoutHash(a), withoutHash(b));
}

export function revisionOf(object: KubeObject): number {
  const n = Number(object.metadata.annotations?.[REVISION]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The annotations a ReplicaSet gets from its Deployment. */
export function copiedAnnotations(d: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

/** NewRSNewReplicas for RollingUpdate: how many replicas the new ReplicaSet may have now. */
export function newReplicaSetReplicas(spec: DeploymentSpec, all: readonly ReplicaSetView[], current: ReplicaSetView): number {
  const replicas = spec.replicas ?? 1;
  if (current.replicas >= replicas) return replicas;
  const { maxSurge } = fenceposts(spec);
  const total = all.reduce((n, rs) => n + rs.replicas, 0);
  const maxTotal = replicas + maxSurge;
  if (total >= maxTotal) return current.replicas;
  return current.replicas + Math.min(maxTotal - total, replicas - current.replicas);
}

/**
 * reconcileOldReplicaSets: the new spec.replicas of each old ReplicaSet so
 * that available pods never fall below replicas - maxUnavailable. Unhealthy
 * old replicas go first, then old ReplicaSets oldest first.
 */
export function scaleDownOld(spec: DeploymentSpec, all: readonly ReplicaSetView[], next: ReplicaSetView, old: readonly ReplicaSetView[]): Map<string, number> {
  const result = new Map<string, number>();
  const oldTotal = old.reduce((n, rs) => n + rs.replicas, 0);
  if (oldTotal === 0) return result;
  const allPods = all.reduce((n, rs) => n + rs.replicas, 0);
  const minAvailable = (spec.replicas ?? 1) - maxUnavailableOf(spec);
  const newUnavailable = Math.max(0, next.replicas - next.available);
  let budget = allPods - minAvailable - newUnavailable;
  if (budget <= 0) return result;
  const byAge = [...old].sort((a, b) => a.created - b.created || a.name.localeCompare(b.name));
  const target = new Map(byAge.map((rs) => [rs.name, rs.replicas]));
  // Unhealthy replicas cost no availability.
  for (const rs of byAge) {
    if (budget <= 0) break;
    const unhealthy = Math.max(0, rs.replicas - rs.available);
    const cut = Math.min(budget, unhealthy);
    if (cut > 0) {
      target.set(rs.name, rs.replicas - cut);
      budget -= cut;
    }
  }
  const available = all.reduce((n, rs) => n + rs.available, 0);
  let scaleDown = available - minAvailable;
  for (const rs of byAge) {
    if (scaleDown <= 0) break;
    const now = target.get(rs.name) ?? 0;
    const cut = Math.min(now, scaleDown);
    if (cut > 0) {
      target.set(rs.name, now - cut);
      scaleDown -= cut;
    }
  }
  for (const rs of byAge) if (target.get(rs.name) !== rs.replicas) result.set(rs.name, target.get(rs.name) ?? 0);
  return result;
}
