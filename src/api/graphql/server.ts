import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { execute, GraphQLError, parse, specifiedRules, validate, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, type Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Identity, TokenAuthenticator } from '../../auth/tokens.js';
import type { Logger } from '../../log.js';
import type { ObjectService } from '../../objects/service.js';
import { authenticate, resolveCluster, splitClusterPrefix } from '../authn.js';
import { ApiError, toApiError, unauthorized } from '../errors.js';
import { parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { nativeUpgradeSocket } from '../http/dual-protocol.js';
import type { Router } from '../http/router.js';
import type { GraphqlContext } from './context.js';
import { formatGraphqlError, graphqlError } from './errors.js';
import type { DirectSink } from './direct-delivery.js';
import { shareKeyOf, subscribeShared } from './shared-execution.js';
import { DEFAULT_LIMITS, operationLimitsRule, type GraphqlLimits } from './limits.js';

export interface GraphqlServerOptions {
  schema: GraphQLSchema;
  router: Router;
  /** Registers a listener for HTTP upgrades on the API's port; returns its removal. */
  onUpgrade: (listener: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void) => () => void;
  authenticator: TokenAuthenticator;
  log: Logger;
  /** Introspection and the Apollo Sandbox landing page. */
  development: boolean;
  limits?: Partial<GraphqlLimits>;
  /** What resolvers read and write objects through; without it object fields answer ServiceUnavailable. */
  objects?: ObjectService;
  /** Longest time between checks of a subscription socket's token (each socket waits a random half to all of it); a revoked or expired one ends the socket. @defaultValue 5000 */
  tokenRecheckMs?: number;
}

export interface RunningGraphql {
  stop(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

function headerMap(req: http.IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** How often a WebSocket's bearer token is looked up again (the authenticator's cache answers most). */
const DEFAULT_TOKEN_RECHECK_MS = 5000;

/**
 * A subscription stream that, when its socket's credential was revoked
 * (the context's signal aborted with an ApiError), ends with that error
 * instead of completing: graphql-ws sends it as the operation's `error`.
 */
function endsOnRevocation(stream: Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>, signal: AbortSignal): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  return stream.then((source) => {
    if (!(Symbol.asyncIterator in source)) return source;
    const ending: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => ending,
      async next() {
        const item = await source.next();
        if (item.done && signal.aborted && signal.reason instanceof ApiError) throw graphqlError(signal.reason);
        return item;
      },
      return: async () => (await source.return?.()) ?? { done: true, value: undefined },
      throw: async (err: unknown) => (await source.throw?.(err)) ?? { done: true, value: undefined },
    };
    return ending;
  });
}

/** Above this many bytes waiting in a socket's buffer, results take graphql-ws's path, which waits for the socket. */
const DIRECT_BUFFER_LIMIT = 256 * 1024;

/**
 * A subscription's `next` messages written as graphql-ws would write them
 * (same shape, same socket), from a payload serialised once per change.
 */
function directSink(socket: WebSocket, id: string): DirectSink {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return {
    next(payloadJson) {
      // A closing socket drops messages as graphql-ws's own send does; its close ends the subscription.
      if (socket.readyState !== socket.OPEN) return true;
      if (socket.bufferedAmount > DIRECT_BUFFER_LIMIT) return false;
      socket.send(`${head}${payloadJson}}`);
      return true;
    },
  };
}

/**
 * GraphQL on the API's own server and port: queries and mutations through
 * Apollo Server at /graphql (and /clusters/{c}/graphql), subscriptions over
 * graphql-ws on the same paths. Authentication and cluster scoping are the
 * REST pipeline's (src/api/authn.ts), for HTTP and for every WebSocket.
 */
export async function startGraphql(options: GraphqlServerOptions): Promise<RunningGraphql> {
  const limits: GraphqlLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log.child({ component: 'graphql' });
  const limitsRule = operationLimitsRule(limits);
  const apollo = new ApolloServer<GraphqlContext>({
    schema: options.schema,
    introspection: options.development,
    allowBatchedHttpRequests: false,
    // The process's Lifecycle drains everything on signals; Apollo must not re-raise them.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [limitsRule],
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatGraphqlError(formatted, error, (err) => log.error({ err }, 'resolver failed')),
    // Cache-control hints are unused here, and the default plugin wraps every field resolver (a large share of a 1,000-pod query).
    plugins: [options.development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  async function handle(ctx: RequestContext): Promise<void> {
    if (ctx.identity === null) throw unauthorized();
    const identity = ctx.identity;
    let body: unknown;
    if (ctx.req.method === 'POST') {
      const raw = await readBody(ctx.req);
      body = raw.length === 0 ? {} : parseJson(raw);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ApiError(504, 'Timeout', `the GraphQL request did not finish within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    ctx.res.on('close', () => controller.abort());
    try {
      const response = await Promise.race([
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: ctx.req.method ?? 'GET', headers: headerMap(ctx.req), search: ctx.url.search, body },
          context: async () => ({ cluster: ctx.cluster, identity, log: ctx.log, signal: controller.signal, ...(options.objects ? { objects: options.objects } : {}), maxPageSize: limits.maxPageSize }),
        }),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
      ]);
      for (const [name, value] of response.headers) ctx.res.setHeader(name, value);
      ctx.res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        ctx.res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) ctx.res.write(chunk);
        ctx.res.end();
      }
    } catch (err) {
      const apiError = toApiError(err);
      ctx.res.writeHead(apiError.code, { 'content-type': 'application/json' });
      ctx.res.end(JSON.stringify({ errors: [graphqlError(apiError).toJSON()] }));
    } finally {
      clearTimeout(timer);
    }
  }
  options.router.add('POST', GRAPHQL_PATH, handle);
  options.router.add('GET', GRAPHQL_PATH, handle);

  // Subscriptions: graphql-ws runs them outside Apollo's plugins, so the same
  // authentication, cluster scoping and limits are applied here explicitly.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const recheckMs = options.tokenRecheckMs ?? DEFAULT_TOKEN_RECHECK_MS;
  interface SocketExtra extends Record<PropertyKey, unknown> {
    request: http.IncomingMessage;
    socket: WebSocket;
    cluster?: string;
    identity?: Identity;
    controller?: AbortController;
    recheck?: NodeJS.Timeout;
    revoked?: boolean;
  }

  /**
   * The socket's credential no longer authenticates: every subscription ends
   * with an Unauthorized error, then the socket closes (4401, which
   * graphql-ws clients do not retry).
   */
  function revoke(ctx: Context<Record<string, unknown>, SocketExtra>): void {
    const extra = ctx.extra;
    if (extra.revoked) return;
    extra.revoked = true;
    clearTimeout(extra.recheck);
    extra.controller?.abort(unauthorized());
    const deadline = Date.now() + 2000;
    const closeWhenEnded = (): void => {
      if (Object.keys(ctx.subscriptions).length > 0 && Date.now() < deadline) setTimeout(closeWhenEnded, 20).unref();
      else extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
    };
    closeWhenEnded();
  }

  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema: options.schema,
      execute,
      subscribe: (args) => {
        const context = args.contextValue as GraphqlContext;
        return endsOnRevocation(subscribeShared(args, context.shareKey, context.directSink), context.signal);
      },
      onConnect: async (ctx) => {
        const extra = ctx.extra;
        const { explicitCluster } = splitClusterPrefix(new URL(extra.request.url ?? '/', 'http://localhost').pathname);
        const fromParams = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof fromParams === 'string' ? fromParams : extra.request.headers.authorization;
        try {
          const identity = await authenticate(options.authenticator, authorization);
          if (identity === null) return false;
          // Closed while the token was looked up: onClose may have run already
          // and would never stop the recheck set up below.
          if (extra.socket.readyState !== extra.socket.OPEN) return false;
          extra.cluster = resolveCluster(identity, explicitCluster);
          extra.identity = identity;
          extra.controller = new AbortController();
          // The token is looked up again now and then (the authenticator caches
          // answers, so this is not a database read per socket or per event).
          // Each socket keeps its own phase, between half and all of the
          // interval: sockets opened together (a dashboard's reconnect, a
          // thousand subscribers) would otherwise recheck in one burst.
          const recheck = (): void => {
            authenticate(options.authenticator, authorization).then(
              (still) => {
                if (still === null || still.cluster !== identity.cluster || still.username !== identity.username) revoke(ctx);
                else if (!extra.revoked && extra.recheck !== undefined) schedule();
              },
              (err: unknown) => {
                // Only a refused credential ends the socket; a database hiccup does not.
                if (err instanceof ApiError && err.code === 401) revoke(ctx);
                else {
                  log.warn({ err }, 'token recheck failed');
                  if (!extra.revoked && extra.recheck !== undefined) schedule();
                }
              },
            );
          };
          const schedule = (): void => {
            extra.recheck = setTimeout(recheck, recheckMs * (0.5 + Math.random() / 2)).unref();
          };
          schedule();
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.recheck);
        ctx.extra.recheck = undefined;
        ctx.extra.controller?.abort();
      },
      onSubscribe: (ctx, id, payload) => {
        const extra = ctx.extra;
        if (extra.revoked) return [graphqlError(unauthorized())];
        // Same parse limits and validation rules as HTTP operations.
        let document;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
        }
        const errors = validate(options.schema, document, [...specifiedRules, limitsRule]);
        if (errors.length > 0) return errors;
        const contextValue: GraphqlContext = {
          cluster: extra.cluster ?? '',
          identity: extra.identity as Identity,
          log,
          signal: (extra.controller ?? new AbortController()).signal,
          ...(options.objects ? { objects: options.objects } : {}),
          maxPageSize: limits.maxPageSize,
          shareKey: shareKeyOf(extra.cluster ?? '', extra.identity as Identity, payload.query, payload.operationName, payload.variables),
          directSink: directSink(extra.socket, id),
        };
        return { schema: options.schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, contextValue };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatGraphqlError(e.toJSON(), e, (err) => log.error({ err }, 'subscription failed'))) as never,
    },
    wss,
  );

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { path } = splitClusterPrefix(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path !== GRAPHQL_PATH) return;
    const native = nativeUpgradeSocket(socket, head);
    wss.handleUpgrade(req, native.socket, native.head, (ws) => {
      wss.emit('connection', ws, req);
      native.resume();
    });
  };
  const removeUpgrade = options.onUpgrade(onUpgrade);

  return {
    async stop() {
      removeUpgrade();
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await apollo.stop();
    },
  };
}
