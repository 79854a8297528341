// Facts about pods that replica controllers act on: which count as active,
// ready and available, their deterministic names, and the order in which
// surplus pods are deleted (controller.ActivePodsWithRanks).

import crypto from 'node:crypto';
import type { KubeObject } from '../../store/types.js';

interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

interface PodStatusShape {
  phase?: string;
  conditions?: PodCondition[];
  containerStatuses?: { restartCount?: number }[];
}

const statusOf = (pod: KubeObject): PodStatusShape => (pod.status ?? {}) as PodStatusShape;

/** Not terminating and not finished: counts towards spec.replicas. */
export function isActive(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

function readyCondition(pod: KubeObject): PodCondition | undefined {
  return statusOf(pod).conditions?.find((c) => c.type === 'Ready');
}

export function isReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * Milliseconds until a ready pod becomes available (ready for minReadySeconds):
 * 0 when available now, undefined when not ready.
 */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: Date): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0) return 0;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now.getTime());
}

// names.SimpleNameGenerator's alphabet: no vowels, no look-alikes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 58;

/** The generateName prefix of an owner's pods, cut as the API server cuts it. */
export function podNamePrefix(ownerName: string): string {
  const base = `${ownerName}-`;
  return base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
}

/** A name as generateName would make it: the prefix plus five random characters. */
export function generatedPodName(ownerName: string): string {
  const bytes = crypto.randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return `${podNamePrefix(ownerName)}${suffix}`;
}

/** `count` fresh pod names no existing pod in the namespace has. */
export function freshPodNames(ownerName: string, taken: ReadonlySet<string>, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const name = generatedPodName(ownerName);
    if (!taken.has(name)) names.add(name);
  }
  return [...names];
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const time = (value: string | undefined): number => {
  const t = Date.parse(value ?? '');
  return Number.isNaN(t) ? 0 : t;
};

const restarts = (pod: KubeObject): number => (statusOf(pod).containerStatuses ?? []).reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0);

/**
 * Negative when `a` should be deleted before `b`: unscheduled before
 * scheduled, Pending before Unknown before Running, not ready before ready,
 * ready for less time first, more restarts first, newer first.
 */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const nodeA = (a.spec as { nodeName?: string } | undefined)?.nodeName ? 1 : 0;
  const nodeB = (b.spec as { nodeName?: string } | undefined)?.nodeName ? 1 : 0;
  if (nodeA !== nodeB) return nodeA - nodeB;
  const phaseA = PHASE_RANK[statusOf(a).phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_RANK[statusOf(b).phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isReady(a) ? 1 : 0;
  const readyB = isReady(b) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  if (readyA === 1) {
    const sinceA = time(readyCondition(a)?.lastTransitionTime);
    const sinceB = time(readyCondition(b)?.lastTransitionTime);
    if (sinceA !== sinceB) return sinceB - sinceA; // ready more recently goes first
  }
  const restartsA = restarts(a);
  const restartsB = restarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = time(a.metadata.creationTimestamp);
  const createdB = time(b.metadata.creationTimestamp);
  if (createdA !== createdB) return createdB - createdA;
  return (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
}

/** The `count` pods to delete first. */
export function podsToDelete(pods: readonly KubeObject[], count: number): KubeObject[] {
  return [...pods].sort(deletionOrder).slice(0, Math.max(0, count));
}
