// Per-pod retry timing, as kube-scheduler's scheduling queue: after a failed
// attempt a pod waits 1 s, doubling per attempt up to 10 s, before it may be
// tried again; an unschedulable pod is only retried when a relevant cluster
// change arrives (requeue.ts) or after 5 minutes without one.

/** @defaultValue kube-scheduler's podInitialBackoffSeconds = 1 */
export const POD_INITIAL_BACKOFF_MS = 1_000;
/** @defaultValue kube-scheduler's podMaxBackoffSeconds = 10 */
export const POD_MAX_BACKOFF_MS = 10_000;
/** Unschedulable pods are retried at least this often even without events. */
export const POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 5 * 60_000;

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: POD_INITIAL_BACKOFF_MS, maxMs: POD_MAX_BACKOFF_MS });

/** How long a pod waits after its `attempts`-th failed attempt (1 s, 2 s, 4 s, 8 s, 10 s, 10 s, ...). */
export function backoffDuration(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  let duration = policy.initialMs;
  for (let i = 1; i < attempts; i++) {
    if (duration > policy.maxMs - duration) return policy.maxMs;
    duration += duration;
  }
  return Math.min(duration, policy.maxMs);
}

/** When a pod that failed at `lastAttemptAt` after `attempts` attempts may be tried again (ms). */
export function backoffExpiry(lastAttemptAt: number, attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return lastAttemptAt + backoffDuration(attempts, policy);
}

/** Whether the pod must still wait at `now`. */
export function isBackingOff(now: number, lastAttemptAt: number, attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): boolean {
  return now < backoffExpiry(lastAttemptAt, attempts, policy);
}
