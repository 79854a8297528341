// Creations a replica controller has issued but may not have observed yet
// (controller.ControllerExpectations). A reconcile counts them as present
// until a list shows them, so a reconcile whose list was taken before its
// own (or a concurrent reconcile's) creations committed does not create
// twice. A confirmed creation that a list started after its confirmation
// does not show was deleted meanwhile, and stops counting at once (so a pod
// deleted before it was ever observed is replaced without waiting for the
// timeout). Checking and raising happen with no await in between; across
// processes the queue runs one job per key.

/** kube-controller-manager's ExpectationsTimeout. */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Pending {
  /** name -> the tick its create was confirmed at, or undefined while in flight. */
  names: Map<string, number | undefined>;
  expires: number;
}

export class CreationExpectations {
  private readonly pending = new Map<string, Pending>();
  private ticks = 0;

  /** Take before listing: the list reflects every creation confirmed before this tick. */
  tick(): number {
    return ++this.ticks;
  }

  /** How many expected creations a list started at `listedAt` does not show yet; forgets the rest. */
  outstanding(owner: string, observed: ReadonlySet<string>, listedAt: number, now = Date.now()): number {
    const p = this.pending.get(owner);
    if (p === undefined) return 0;
    if (p.expires <= now) {
      this.pending.delete(owner);
      return 0;
    }
    for (const [name, confirmed] of p.names) {
      if (observed.has(name) || (confirmed !== undefined && confirmed < listedAt)) p.names.delete(name);
    }
    if (p.names.size === 0) this.pending.delete(owner);
    return p.names.size;
  }

  expect(owner: string, names: readonly string[], now = Date.now()): void {
    const p = this.pending.get(owner) ?? { names: new Map<string, number | undefined>(), expires: 0 };
    for (const name of names) p.names.set(name, undefined);
    p.expires = now + EXPECTATIONS_TIMEOUT_MS;
    this.pending.set(owner, p);
  }

  /** The create of `name` committed. */
  confirmed(owner: string, name: string): void {
    const p = this.pending.get(owner);
    if (p?.names.has(name)) p.names.set(name, this.tick());
  }

  /** A creation that failed will never be observed. */
  lower(owner: string, name: string): void {
    const p = this.pending.get(owner);
    p?.names.delete(name);
    if (p?.names.size === 0) this.pending.delete(owner);
  }
}
