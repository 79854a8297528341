import http from 'node:http';
import crypto from 'node:crypto';
import type { TokenAuthenticator, Identity } from '../auth/tokens.js';
import type { Logger } from '../log.js';
import { ApiError, forbidden, notFound, unauthorized } from './errors.js';
import type { RequestContext } from './http/context.js';
import { sendError } from './http/respond.js';
import { Router } from './http/router.js';

// /clusters/{name}/rest-of-path addresses a cluster explicitly.
const CLUSTER_PREFIX = /^\/clusters\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/.*)?$/;

export interface ApiServerOptions {
  authenticator: TokenAuthenticator;
  log: Logger;
}

function bearerToken(req: http.IncomingMessage): string | undefined | null {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** May this identity address that cluster? Tokens belong to one cluster. */
function mayAccess(identity: Identity, cluster: string): boolean {
  return identity.cluster === cluster;
}

/**
 * The request pipeline every HTTP request takes: cluster scope, authentication,
 * routing, and the mapping of failures to Status bodies.
 */
export function createApiServer(options: ApiServerOptions): { server: http.Server; router: Router } {
  const router = new Router();
  const { authenticator, log } = options;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestLog = log.child({ req: crypto.randomUUID().slice(0, 8) });
    const scoped = CLUSTER_PREFIX.exec(url.pathname);
    const explicitCluster = scoped?.[1];
    const path = scoped ? (scoped[3] ?? '/') : url.pathname;

    const token = bearerToken(req);
    let identity: Identity | null = null;
    if (token === null) throw unauthorized();
    if (token !== undefined) {
      identity = await authenticator.authenticate(token);
      if (identity === null) throw unauthorized();
    }

    const method = req.method ?? 'GET';
    const route = router.find(method, path);
    // Without a credential only the public endpoints exist, as in Kubernetes.
    if (identity === null && (route === undefined || !('handler' in route) || !route.anonymous)) throw unauthorized();
    if (route === undefined) throw notFound('the server could not find the requested resource');
    if ('methodNotAllowed' in route) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

    const cluster = explicitCluster ?? identity?.cluster ?? 'default';
    if (identity !== null && !mayAccess(identity, cluster)) {
      throw forbidden(`User "${identity.username}" cannot access cluster "${cluster}"`);
    }
    const ctx: RequestContext = { req, res, url, path, cluster, identity, log: requestLog };
    await route.handler(ctx);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const apiError = sendError(res, err);
      if (apiError.code >= 500) log.error({ err, url: req.url, method: req.method }, 'request failed');
    });
  });
  server.keepAliveTimeout = 65_000;
  return { server, router };
}
