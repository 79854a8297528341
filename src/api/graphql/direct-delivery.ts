import type { ExecutionResult } from 'graphql';

/**
 * A subscription source that can hand over what it has without waiting
 * (subscriptions.ts's watch iterator, over Watch.poll): the listener runs
 * synchronously when a change is offered, so a delivery needs no promise.
 */
export interface PollableSource<T> extends AsyncIterator<T> {
  poll(): IteratorResult<T> | undefined;
  onReadable(listener: () => void): void;
}

export function isPollable<T>(source: AsyncIterator<T>): source is PollableSource<T> {
  const candidate = source as Partial<PollableSource<T>>;
  return typeof candidate.poll === 'function' && typeof candidate.onReadable === 'function';
}

/** Where one subscription's `next` messages can be written directly (its socket, under its id). */
export interface DirectSink {
  /**
   * Writes a `next` message with this payload text. False when it cannot
   * now (the socket's buffer is full): the result then goes through
   * graphql-ws, whose send waits for the socket to drain.
   */
  next(payloadJson: string): boolean;
}

/** A value, or the promise of one (what graphql-js's execute returns). */
export type Maybe<T> = T | Promise<T>;

export function isPromise<T>(value: Maybe<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

// Results are shared by every subscriber of a change with the same operation
// (shared-execution.ts), so their text is too: serialised once per change.
const serialised = new WeakMap<ExecutionResult, string>();

function jsonOf(result: ExecutionResult): string {
  let text = serialised.get(result);
  if (text === undefined) {
    text = JSON.stringify(result);
    serialised.set(result, text);
  }
  return text;
}

type Handed = IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>>;

/** Direct writes in one turn of the event loop before a subscription yields (a change is one per subscriber). */
const DIRECT_WRITES_PER_TURN = 256;

/**
 * The iterator graphql-ws drives for one subscription, with a fast lane:
 * while graphql-ws waits in next(), each change is resolved and written to
 * the socket synchronously, from inside the hub's offer, instead of
 * through a chain of promises per subscriber per change (at 1,000
 * subscribers those chains interleaved, so the first frame of a change
 * left only after every subscriber's chain had advanced).
 *
 * Anything else goes to graphql-ws as an ordinary result: results still
 * being computed (relationship fields read the store), results with
 * errors, and results that meet a full socket buffer. While graphql-ws
 * holds one, nothing is written directly and nothing more is taken from
 * the watch, so messages keep their order and a slow client is bounded by
 * the watch's own buffer, as on the ordinary path.
 */
export class DirectDelivery<P> implements AsyncIterableIterator<ExecutionResult> {
  /** graphql-ws's pending next(); set only while it waits and nothing is queued. */
  private parked: ((item: Handed) => void) | undefined;
  private draining = false;
  private closed = false;

  constructor(
    private readonly source: PollableSource<P>,
    private readonly resolve: (payload: P) => Maybe<ExecutionResult>,
    private readonly sink: DirectSink,
  ) {
    source.onReadable(() => this.drain());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise<IteratorResult<ExecutionResult>>((resolve) => {
      this.parked = resolve;
      this.drain();
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.close();
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.close();
    await this.source.return?.();
    throw err;
  }

  private close(): void {
    this.closed = true;
    this.hand({ done: true, value: undefined });
  }

  private hand(item: Handed): void {
    const parked = this.parked;
    this.parked = undefined;
    parked?.(item);
  }

  private drain(): void {
    // Re-entered when a poll ends the watch (its listener fires again).
    if (this.draining) return;
    this.draining = true;
    let written = 0;
    try {
      while (this.parked !== undefined) {
        let item: IteratorResult<P> | undefined;
        let result: Maybe<ExecutionResult>;
        let sent = false;
        try {
          item = this.source.poll();
          if (item === undefined) return;
          if (item.done === true) {
            this.hand({ done: true, value: undefined });
            return;
          }
          result = this.resolve(item.value);
          // Inside the try: this runs from the hub's offer, which would drop a
          // listener that throws and leave the subscription silent.
          if (!isPromise(result) && result.errors === undefined) sent = this.sink.next(jsonOf(result));
        } catch (err) {
          this.fail(err);
          return;
        }
        if (isPromise(result)) {
          this.hand(
            result.then(
              (value) => ({ done: false, value }),
              (err: unknown) => {
                this.release();
                throw err;
              },
            ),
          );
          return;
        }
        if (!sent) {
          this.hand({ done: false, value: result });
          return;
        }
        // A long backlog (a large initial list) is written in slices, so one
        // subscription cannot hold the event loop for all of it.
        if (++written >= DIRECT_WRITES_PER_TURN) {
          setImmediate(() => this.drain());
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private fail(err: unknown): void {
    this.hand(Promise.reject(err instanceof Error ? err : new Error(String(err))));
    this.release();
  }

  // graphql-ws ends an operation whose iterator rejects without returning
  // the iterator: the watch is released here instead of at the socket's close.
  private release(): void {
    this.closed = true;
    this.source.return?.().catch(() => undefined);
  }
}
