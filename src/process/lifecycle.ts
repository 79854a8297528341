import type { Logger } from '../log.js';

type Stopper = () => Promise<void>;

/**
 * Owns what a process started and stops it in reverse order on SIGINT/SIGTERM
 * (or when asked), within a grace time. A second signal exits at once.
 */
export class Lifecycle {
  private readonly stoppers: { name: string; stop: Stopper }[] = [];
  private stopping: Promise<boolean> | undefined;
  private readonly stopped: Promise<boolean>;
  private resolveStopped!: (ok: boolean) => void;

  constructor(
    private readonly log: Logger,
    private readonly graceMs = 20_000,
  ) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Registers something to stop; later registrations stop first. */
  add(name: string, stop: Stopper): void {
    this.stoppers.push({ name, stop });
  }

  handleSignals(onFirstSignal?: (signal: NodeJS.Signals) => void): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.stopping) {
        this.log.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(130);
      }
      onFirstSignal?.(signal);
      void this.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  /** Stops everything; resolves true when every part stopped cleanly. */
  stop(): Promise<boolean> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Resolves once stop() has finished. */
  done(): Promise<boolean> {
    return this.stopped;
  }

  private async stopAll(): Promise<boolean> {
    let ok = true;
    const deadline = Date.now() + this.graceMs;
    for (const { name, stop } of [...this.stoppers].reverse()) {
      const remaining = Math.max(deadline - Date.now(), 1000);
      try {
        await Promise.race([
          stop(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not stop within ${remaining} ms`)), remaining).unref()),
        ]);
        this.log.info({ part: name }, 'stopped');
      } catch (err) {
        ok = false;
        this.log.error({ part: name, err: (err as Error).message }, 'failed to stop cleanly');
      }
    }
    this.resolveStopped(ok);
    return ok;
  }
}
