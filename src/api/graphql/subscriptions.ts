import { apiVersionOf } from '../resources/registry.js';
import { toApiError } from '../errors.js';
import type { ResourceRef } from '../../objects/service.js';
import type { KubeObject, Watch, WatchEvent, WatchOptions } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { graphqlError } from './errors.js';
import type { GraphqlModule } from './modules.js';
import { objectsOf, resetLoaders } from './loaders.js';
import type { PollableSource } from './direct-delivery.js';
import type { ShareablePayload } from './shared-execution.js';

const filterArgs = 'labelSelector: String, fieldSelector: String, "Deliver changes after this version; unset: current objects as ADDED first." resourceVersion: String, allowBookmarks: Boolean = false';

export const subscriptionTypeDefs = /* GraphQL */ `
  enum WatchEventType { ADDED MODIFIED DELETED BOOKMARK }

  "A change to an object. For BOOKMARK only object.metadata.resourceVersion is meaningful."
  type WatchEvent { type: WatchEventType!, object: KubeObject!, resourceVersion: String! }
  type PodWatchEvent { type: WatchEventType!, object: Pod!, resourceVersion: String! }
  type DeploymentWatchEvent { type: WatchEventType!, object: Deployment!, resourceVersion: String! }
  type NodeWatchEvent { type: WatchEventType!, object: Node!, resourceVersion: String! }
  type EventWatchEvent { type: WatchEventType!, object: Event!, resourceVersion: String! }

  """
  Watches, with REST watch's guarantees: in resourceVersion order, resumable
  from a version without gaps or duplicates, an Expired error (410) when the
  version is too old, filtered in the server.
  """
  type Subscription {
    watch(apiVersion: String!, kind: String!, namespace: String, ${filterArgs}): WatchEvent!
    pods(namespace: String, ${filterArgs}): PodWatchEvent!
    deployments(namespace: String, ${filterArgs}): DeploymentWatchEvent!
    nodes(${filterArgs}): NodeWatchEvent!
    events(namespace: String, ${filterArgs}): EventWatchEvent!
  }
`;

interface WatchArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
  allowBookmarks?: boolean | null;
}

// shareBy lets subscribers with identical operations share one execution per change (shared-execution.ts).
type Payload = ({ event: WatchEvent } & ShareablePayload) | { error: unknown };

/**
 * A store watch as the async iterator graphql-js subscribes to. Unlike an
 * async generator, return() closes the watch at once even while a next() is
 * waiting for a change (a generator would run its cleanup only after the
 * next event). A failure (Expired) becomes one final error payload.
 * It can also be polled (PollableSource): a direct delivery
 * (direct-delivery.ts) takes each change synchronously as it is offered.
 */
class WatchIterator implements AsyncIterableIterator<Payload>, PollableSource<Payload> {
  private watch: Watch | undefined;
  private inner: AsyncIterator<WatchEvent> | undefined;
  private starting: Promise<Watch> | undefined;
  /** A failure to start, held for poll() to hand over. */
  private startFailure: { error: unknown } | undefined;
  private listener: (() => void) | undefined;
  private finished = false;
  private readonly onAbort = (): void => this.finish();

  constructor(
    private readonly start: () => Promise<Watch>,
    private readonly namespace: string,
    private readonly signal: AbortSignal,
  ) {
    // The signal lives as long as the socket, which may run many subscriptions.
    // One aborted already (revoked between subscribe and here) fires no more.
    if (signal.aborted) this.finished = true;
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private started(): Promise<Watch> {
    // start() may throw before it returns a promise (an endpoint without an
    // ObjectService): that is a failure to start like any other, not the
    // caller's exception (the direct delivery starts it from its constructor).
    this.starting ??= new Promise<Watch>((resolve) => resolve(this.start())).then((watch) => {
      this.watch = watch;
      if (this.finished) watch.close();
      else if (this.listener !== undefined) watch.onReadable(this.listener);
      return watch;
    });
    return this.starting;
  }

  // The store scopes the watch to the cluster and namespace; the namespace
  // check is a second line against a leak across namespaces (trap 6).
  private payloadOf(event: WatchEvent): Payload | undefined {
    if (this.namespace !== '' && event.type !== 'BOOKMARK' && event.object.metadata.namespace !== this.namespace) return undefined;
    return { event, shareBy: { object: event.object, tag: event.type } };
  }

  async next(): Promise<IteratorResult<Payload>> {
    try {
      if (!this.finished) {
        const watch = await this.started();
        this.inner ??= watch[Symbol.asyncIterator]();
        while (!this.finished) {
          const result = await this.inner.next();
          if (result.done) break;
          const payload = this.payloadOf(result.value);
          if (payload !== undefined) return { done: false, value: payload };
        }
      }
    } catch (err) {
      if (!this.finished) {
        this.finish();
        return { done: false, value: { error: err } };
      }
    }
    this.finish();
    return { done: true, value: undefined };
  }

  onReadable(listener: () => void): void {
    this.listener = listener;
    this.started().then(
      () => listener(),
      (err: unknown) => {
        if (!this.finished) this.startFailure = { error: err };
        listener();
      },
    );
  }

  poll(): IteratorResult<Payload> | undefined {
    if (this.startFailure !== undefined) {
      const failure = this.startFailure;
      this.startFailure = undefined;
      this.finish();
      return { done: false, value: failure };
    }
    if (this.finished) return { done: true, value: undefined };
    if (this.watch === undefined) return undefined;
    try {
      for (;;) {
        const result = this.watch.poll();
        if (result === undefined) return undefined;
        if (result.done === true) break;
        const payload = this.payloadOf(result.value);
        if (payload !== undefined) return { done: false, value: payload };
      }
    } catch (err) {
      this.finish();
      return { done: false, value: { error: err } };
    }
    this.finish();
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<Payload>> {
    this.finish();
    return { done: true, value: undefined };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.watch?.close();
    // Before the watch has started nothing else would tell a polling consumer.
    if (this.watch === undefined) this.listener?.();
  }
}

function subscribeTo(ctx: GraphqlContext, ref: () => ResourceRef, args: WatchArgs): AsyncIterableIterator<Payload> {
  const namespace = args.namespace ?? '';
  const options: WatchOptions = {
    ...(args.labelSelector ? { labelSelector: args.labelSelector } : {}),
    ...(args.fieldSelector ? { fieldSelector: args.fieldSelector } : {}),
    ...(args.resourceVersion ? { resourceVersion: args.resourceVersion } : {}),
    ...(args.allowBookmarks ? { allowBookmarks: true } : {}),
  };
  return new WatchIterator(() => objectsOf(ctx).watch(ref(), namespace, options), namespace, ctx.signal);
}

// The resource is looked up only for a delivered event: a failure payload may
// be that lookup's own failure (no ObjectService), and must keep its reason.
function eventOf(payload: Payload, refOf: () => ResourceRef, ctx: GraphqlContext): unknown {
  if ('error' in payload) {
    const apiError = toApiError(payload.error);
    if (apiError.code >= 500) ctx.log.error({ err: payload.error }, 'watch failed');
    throw graphqlError(apiError);
  }
  // Each event resolves its relationship fields against fresh reads.
  resetLoaders(ctx);
  const { type, object } = payload.event;
  const ref = refOf();
  const served: KubeObject = { ...object, apiVersion: apiVersionOf(ref.resource.group, ref.resource.version), kind: ref.resource.kind };
  return { type, object: served, resourceVersion: object.metadata.resourceVersion ?? '' };
}

function typedWatch(apiVersion: string, kind: string): { subscribe: unknown; resolve: unknown } {
  const refOf = (ctx: GraphqlContext): ResourceRef => objectsOf(ctx).resourceForKind(ctx.cluster, apiVersion, kind);
  return {
    subscribe: (_: unknown, args: WatchArgs, ctx: GraphqlContext) => subscribeTo(ctx, () => refOf(ctx), args),
    resolve: (payload: Payload, _: unknown, ctx: GraphqlContext) => eventOf(payload, () => refOf(ctx), ctx),
  };
}

export const subscriptions: GraphqlModule = {
  typeDefs: subscriptionTypeDefs,
  resolvers: {
    Subscription: {
      watch: {
        subscribe: (_: unknown, args: WatchArgs & { apiVersion: string; kind: string }, ctx: GraphqlContext) => {
          // Resolve the kind now so an unknown one fails the subscription at once (NotFound).
          let ref: ResourceRef;
          try {
            ref = objectsOf(ctx).resourceForKind(ctx.cluster, args.apiVersion, args.kind);
          } catch (err) {
            throw graphqlError(toApiError(err));
          }
          return subscribeTo(ctx, () => ref, args);
        },
        resolve: (payload: Payload, args: { apiVersion: string; kind: string }, ctx: GraphqlContext) => eventOf(payload, () => objectsOf(ctx).resourceForKind(ctx.cluster, args.apiVersion, args.kind), ctx),
      },
      pods: typedWatch('v1', 'Pod'),
      deployments: typedWatch('apps/v1', 'Deployment'),
      nodes: typedWatch('v1', 'Node'),
      events: typedWatch('v1', 'Event'),
    },
  },
};
