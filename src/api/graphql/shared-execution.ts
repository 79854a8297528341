import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Identity } from '../../auth/tokens.js';
import { DirectDelivery, isPollable, isPromise, type DirectSink, type Maybe } from './direct-delivery.js';

/**
 * What a subscription payload may carry so that subscribers with the same
 * operation can share its execution: the object the change delivered (the
 * store hands every watcher of a change the same object) and a tag that,
 * with it, says what the payload means (the event type).
 */
export interface ShareablePayload {
  shareBy?: { object: object; tag: string };
}

/**
 * The key under which subscriptions may share results: same cluster, same
 * identity (user and groups), same document, operation and variables. Two
 * subscriptions with one key and the same delivered change resolve to the
 * same result, so it is computed once.
 */
export function shareKeyOf(cluster: string, identity: Identity, query: string, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string {
  return JSON.stringify([cluster, identity.cluster, identity.username, identity.groups, identity.kind, query, operationName ?? null, variables ?? null]);
}

// Results stay shareable for a generation or two (1-2 s): long enough for one
// change's burst of deliveries to every subscriber, short enough that memory
// does not follow the change log. A subscriber further behind computes its own.
const GENERATION_MS = 1000;

// Keyed object -> tag -> share key, so a delivery builds no key string: the
// share key is one string per subscription, hashed once, and tags are constants.
type ByObject = Map<object, Map<string, Map<string, Entry>>>;

/** One shared execution: its result once known (most resolve synchronously), else the promise of it. */
interface Entry {
  value?: ExecutionResult;
  promise?: Promise<ExecutionResult>;
}

class ResultCache {
  private current: ByObject = new Map();
  private previous: ByObject = new Map();
  private rotatedAt = Date.now();

  private rotate(): void {
    const now = Date.now();
    if (now - this.rotatedAt < GENERATION_MS) return;
    // After a quiet spell both generations are stale.
    this.previous = now - this.rotatedAt < 2 * GENERATION_MS ? this.current : new Map();
    this.current = new Map();
    this.rotatedAt = now;
  }

  get(object: object, tag: string, key: string): Entry | undefined {
    this.rotate();
    return this.current.get(object)?.get(tag)?.get(key) ?? this.previous.get(object)?.get(tag)?.get(key);
  }

  set(object: object, tag: string, key: string, result: Entry): void {
    let byTag = this.current.get(object);
    if (byTag === undefined) this.current.set(object, (byTag = new Map()));
    let byKey = byTag.get(tag);
    if (byKey === undefined) byTag.set(tag, (byKey = new Map()));
    byKey.set(key, result);
  }
}

const cache = new ResultCache();

// Synchronous when the result is known: a burst of 1,000 deliveries of one
// change then costs one execution and no extra promise per subscriber.
function sharedExecution(payload: ShareablePayload, shareKey: string, run: () => Maybe<ExecutionResult>): Maybe<ExecutionResult> {
  const by = payload.shareBy;
  if (by === undefined) return run();
  // A result with errors may be the first subscriber's own (its socket went
  // away mid-read): everyone else computes theirs.
  const earlier = cache.get(by.object, by.tag, shareKey);
  if (earlier?.value !== undefined) return earlier.value.errors === undefined ? earlier.value : run();
  if (earlier?.promise !== undefined) return earlier.promise.then((result) => (result.errors === undefined ? result : run()));
  const result = run();
  if (!isPromise(result)) {
    cache.set(by.object, by.tag, shareKey, { value: result });
    return result;
  }
  const entry: Entry = { promise: result };
  result.then(
    (value) => (entry.value = value),
    () => undefined, // the subscriber that ran it gets the failure
  );
  cache.set(by.object, by.tag, shareKey, entry);
  return result;
}

/** Maps a source iterator, closing it when the mapped one is closed. */
function mapIterator<T, U>(source: AsyncIterator<T>, map: (value: T) => Maybe<U>): AsyncIterableIterator<U> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<U>> {
      const item = await source.next();
      if (item.done) return { done: true, value: undefined };
      const mapped = map(item.value);
      return { done: false, value: isPromise(mapped) ? await mapped : mapped };
    },
    async return(): Promise<IteratorResult<U>> {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(err: unknown): Promise<IteratorResult<U>> {
      await source.return?.();
      throw err;
    },
  };
}

/**
 * graphql-js `subscribe`, except that a change delivered to many
 * subscriptions with the same share key (see shareKeyOf, passed per
 * subscription) is executed once and the one result is sent to each. Each
 * subscription keeps its own source (its own watch: resume point, buffer,
 * ordering); only the resolution of identical payloads is shared. With a
 * sink, results are written straight to the socket where they can be
 * (direct-delivery.ts).
 */
export async function subscribeShared(args: ExecutionArgs, shareKey: string | undefined, sink?: DirectSink): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const run = (payload: unknown): Maybe<ExecutionResult> => execute({ ...args, rootValue: payload });
  const resolve = shareKey === undefined ? run : (payload: unknown) => sharedExecution(payload as ShareablePayload, shareKey, () => run(payload));
  const iterator = source[Symbol.asyncIterator]();
  if (sink !== undefined && isPollable(iterator)) return new DirectDelivery(iterator, resolve, sink);
  return mapIterator(iterator, resolve);
}
