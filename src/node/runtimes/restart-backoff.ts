// Kubelet's container restart back-off (flowcontrol.Backoff keyed by
// container): the first restart after an exit is immediate, then each exit
// within the back-off window waits base, 2x base, ... up to max. A container
// that stays up long enough (2x max, kubelet's 10 minutes) starts over.

export interface RestartBackoffOptions {
  /** @defaultValue 10000 (kubelet's initial container back-off) */
  baseMs: number;
  /** @defaultValue 300000 (kubelet's MaxContainerBackOff, 5 minutes) */
  maxMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = { baseMs: 10_000, maxMs: 300_000 };

interface Entry {
  /** The back-off the next exit inside the window waits. */
  delayMs: number;
  lastUpdateMs: number;
}

export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {}

  /**
   * How long to wait before restarting a container that exited at `finishedAtMs`
   * (0: restart now), and moves the back-off on, as kubelet's doBackOff does.
   */
  delayAfterExit(key: string, finishedAtMs: number): number {
    const entry = this.entries.get(key);
    // flowcontrol: an entry not touched for 2x max has expired.
    if (entry === undefined || finishedAtMs - entry.lastUpdateMs > 2 * this.options.maxMs) {
      this.entries.set(key, { delayMs: this.options.baseMs, lastUpdateMs: finishedAtMs });
      return 0;
    }
    const delay = entry.delayMs;
    entry.delayMs = Math.min(entry.delayMs * 2, this.options.maxMs);
    entry.lastUpdateMs = finishedAtMs;
    return delay;
  }

  /** Drops a pod's containers (the pod is gone). */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** kubelet's format.Pod: name_namespace(uid). */
export function formatPod(name: string, namespace: string, uid: string): string {
  return `${name}_${namespace}(${uid})`;
}

/** "200ms", "10s", "1m20s", "5m0s": the Go time.Duration form kubelet prints. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms - minutes * 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
