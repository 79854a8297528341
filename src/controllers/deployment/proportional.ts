// Scaling a Deployment whose replicas changed (or that is paused): the
// deployment controller's scale() and its helpers in deploymentutil. With one
// active ReplicaSet (or none) the active (or newest) one takes the whole
// count; with several (mid-rollout) the change is spread in proportion to
// their sizes, read against the max-replicas annotation each carries from the
// last scale, capped at replicas + maxSurge, with the rounding leftover going
// to the first in order (largest; ties: newest when adding, oldest when
// removing).

import { DESIRED_REPLICAS, fenceposts, MAX_REPLICAS, type DeploymentSpec, type ReplicaSetView } from './plan.js';

export interface ScaleTarget {
  rs: ReplicaSetView;
  replicas: number;
}

function annotation(rs: ReplicaSetView, name: string): number | undefined {
  const raw = rs.object.metadata.annotations?.[name];
  if (raw === undefined || !/^-?\d+$/.test(raw)) return undefined;
  return Number(raw);
}

const active = (rs: ReplicaSetView): boolean => rs.replicas > 0;

/** deploymentutil.MaxSurge: 0 unless RollingUpdate. */
export function maxSurgeOf(spec: DeploymentSpec): number {
  return spec.strategy?.type === 'Recreate' ? 0 : fenceposts(spec).maxSurge;
}

/** isScalingEvent: an active ReplicaSet was last sized for another replica count. */
export function isScalingEvent(spec: DeploymentSpec, all: readonly ReplicaSetView[]): boolean {
  const replicas = spec.replicas ?? 1;
  return all.filter(active).some((rs) => {
    const desired = annotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== replicas;
  });
}

/** ReplicaSetsByCreationTimestamp: older first, then by name. */
function olderFirst(a: ReplicaSetView, b: ReplicaSetView): number {
  return a.created - b.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active, or none when several are. */
function activeOrLatest(next: ReplicaSetView | undefined, old: readonly ReplicaSetView[]): ReplicaSetView | undefined {
  const all = [...old, ...(next ? [next] : [])].filter(active);
  if (all.length === 1) return all[0];
  if (all.length > 1) return undefined;
  return next ?? [...old].sort(olderFirst).at(-1);
}

/** IsSaturated: the new ReplicaSet alone runs every replica, available. */
function saturated(replicas: number, next: ReplicaSetView | undefined): boolean {
  if (next === undefined) return false;
  const available = (next.object.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
  return next.replicas === replicas && annotation(next, DESIRED_REPLICAS) === replicas && available === replicas;
}

/** getReplicaSetFraction: this ReplicaSet's share of the new size, minus its current size. */
function fraction(rs: ReplicaSetView, spec: DeploymentSpec, statusReplicas: number): number {
  const replicas = spec.replicas ?? 1;
  if (replicas === 0) return -rs.replicas;
  const max = replicas + maxSurgeOf(spec);
  // Edited by hand (no annotation): the Deployment's current size stands in.
  const before = annotation(rs, MAX_REPLICAS) || statusReplicas;
  if (before <= 0) return max - rs.replicas;
  return Math.round((rs.replicas * max) / before) - rs.replicas;
}

/** GetReplicaSetProportion: the fraction, never beyond what is left to add or remove. */
function proportion(rs: ReplicaSetView, spec: DeploymentSpec, statusReplicas: number, toAdd: number, added: number): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const share = fraction(rs, spec, statusReplicas);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(share, allowed) : Math.max(share, allowed);
}

/**
 * The sizes to write, in upstream's order. Every ReplicaSet listed is written
 * (even at its current size) so it carries the new desired/max annotations.
 * `statusReplicas` is the Deployment's status.replicas.
 */
export function scaleTargets(spec: DeploymentSpec, statusReplicas: number, next: ReplicaSetView | undefined, old: readonly ReplicaSetView[]): ScaleTarget[] {
  const replicas = spec.replicas ?? 1;
  const only = activeOrLatest(next, old);
  if (only !== undefined) return only.replicas === replicas ? [] : [{ rs: only, replicas }];
  // Adoption beside a saturated new ReplicaSet: the old ones go.
  if (saturated(replicas, next)) return old.filter(active).map((rs) => ({ rs, replicas: 0 }));
  if (spec.strategy?.type === 'Recreate') return [];
  const all = [...old, ...(next ? [next] : [])].filter(active);
  const current = all.reduce((n, rs) => n + rs.replicas, 0);
  const allowed = replicas > 0 ? replicas + maxSurgeOf(spec) : 0;
  const toAdd = allowed - current;
  // Larger first; equal sizes: newer first when adding, older first when removing.
  if (toAdd > 0) all.sort((a, b) => b.replicas - a.replicas || olderFirst(b, a));
  else if (toAdd < 0) all.sort((a, b) => b.replicas - a.replicas || olderFirst(a, b));
  let added = 0;
  const targets = all.map((rs) => {
    const share = proportion(rs, spec, statusReplicas, toAdd, added);
    added += share;
    return { rs, replicas: rs.replicas + share };
  });
  const first = targets[0];
  if (first !== undefined && toAdd !== 0) first.replicas = Math.max(0, first.replicas + toAdd - added);
  return targets;
}
