import type { Identity, TokenAuthenticator } from '../auth/tokens.js';
import { gateBootstrap, type RequestLine } from './authz/bootstrap-gate.js';
import { forbidden, unauthorized } from './errors.js';

// /clusters/{name}/rest-of-path addresses a cluster explicitly.
const CLUSTER_PREFIX = /^\/clusters\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/.*)?$/;

/** The cluster a path names explicitly, and the path inside that cluster. */
export function splitClusterPrefix(pathname: string): { explicitCluster: string | undefined; path: string } {
  const scoped = CLUSTER_PREFIX.exec(pathname);
  return scoped ? { explicitCluster: scoped[1], path: scoped[3] ?? '/' } : { explicitCluster: undefined, path: pathname };
}

/**
 * The bearer token in an Authorization header: undefined when there is none,
 * null when the header is present but not a bearer token.
 */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Looks the credential up; a present but unknown credential is 401. */
export async function authenticate(authenticator: TokenAuthenticator, authorization: string | undefined): Promise<Identity | null> {
  const token = bearerToken(authorization);
  if (token === null) throw unauthorized();
  if (token === undefined) return null;
  const identity = await authenticator.authenticate(token);
  if (identity === null) throw unauthorized();
  return identity;
}

/**
 * The cluster a request acts on, and whether its identity may act there: the
 * explicit /clusters/{name} prefix, else the credential's own cluster. REST,
 * GraphQL over HTTP and GraphQL subscriptions all decide it here, so this is
 * also where a bootstrap token is confined to joining (`request` is the HTTP
 * request line; upgrades pass none).
 */
export function resolveCluster(identity: Identity | null, explicitCluster: string | undefined, request?: RequestLine): string {
  const cluster = explicitCluster ?? identity?.cluster ?? 'default';
  if (identity !== null && identity.cluster !== cluster) {
    throw forbidden(`User "${identity.username}" cannot access cluster "${cluster}"`);
  }
  gateBootstrap(identity, request);
  return cluster;
}
