import type http from 'node:http';
import crypto from 'node:crypto';
import type { TokenAuthenticator } from '../auth/tokens.js';
import type { Logger } from '../log.js';
import { authenticate, resolveCluster, splitClusterPrefix } from './authn.js';
import { ApiError, notFound, unauthorized } from './errors.js';
import type { RequestContext } from './http/context.js';
import { sendError } from './http/respond.js';
import { Router } from './http/router.js';

export interface ApiServerOptions {
  authenticator: TokenAuthenticator;
  log: Logger;
}

/**
 * The request pipeline every HTTP request takes: cluster scope, authentication,
 * routing, and the mapping of failures to Status bodies.
 */
export function createApiServer(options: ApiServerOptions): { handler: http.RequestListener; router: Router } {
  const router = new Router();
  const { authenticator, log } = options;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestLog = log.child({ req: crypto.randomUUID().slice(0, 8) });
    const { explicitCluster, path } = splitClusterPrefix(url.pathname);
    const identity = await authenticate(authenticator, req.headers.authorization);

    const method = req.method ?? 'GET';
    const route = router.find(method, path);
    // Without a credential only the public endpoints exist, as in Kubernetes.
    if (identity === null && (route === undefined || !('handler' in route) || !route.anonymous)) throw unauthorized();
    if (route === undefined) throw notFound('the server could not find the requested resource');
    if ('methodNotAllowed' in route) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

    const cluster = resolveCluster(identity, explicitCluster, { method, path, query: url.searchParams });
    const ctx: RequestContext = { req, res, url, path, cluster, identity, log: requestLog };
    await route.handler(ctx);
  }

  const handler: http.RequestListener = (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const apiError = sendError(res, err);
      if (apiError.code >= 500) log.error({ err, url: req.url, method: req.method }, 'request failed');
    });
  };
  return { handler, router };
}
