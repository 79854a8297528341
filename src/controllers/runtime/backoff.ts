// Per-key exponential backoff for failed reconciles (client-go's
// ItemExponentialFailureRateLimiter): 5 ms doubling per consecutive failure,
// capped, forgotten after a success. BullMQ's own backoff has no ceiling and
// its attempts run out (ARCHITECTURE.md trap 3), so retries are scheduled here.

export interface BackoffOptions {
  /** @defaultValue 5 */
  baseMs?: number;
  /** @defaultValue 1_000_000 (1000 s, as Kubernetes) */
  maxMs?: number;
}

export class KeyBackoff {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 5;
    this.maxMs = options.maxMs ?? 1_000_000;
  }

  /** Records a failure of `id` and returns how long to wait before the next try. */
  next(id: string): number {
    const n = this.failures.get(id) ?? 0;
    this.failures.set(id, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 40));
  }

  forget(id: string): void {
    this.failures.delete(id);
  }

  failuresOf(id: string): number {
    return this.failures.get(id) ?? 0;
  }
}
