// A bootstrap token is good for one thing: joining a node agent. Everything
// else it asks for is refused before routing, as kube-apiserver refuses a
// bootstrap token (group system:bootstrappers) everything but the CSR it may create.
import type { Identity } from '../../auth/tokens.js';
import { forbidden } from '../errors.js';
import { parseRequestInfo } from '../rest/request-info.js';
import { NODE_AGENT_JOIN_PATH } from './join.js';
import { forbiddenMessage, forbiddenPathMessage } from './messages.js';

export interface RequestLine {
  method: string;
  /** The path inside the cluster (no /clusters/{name} prefix). */
  path: string;
  query: URLSearchParams;
}

const NON_RESOURCE_VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

/**
 * Throws Forbidden unless `identity` may make this request at all. Only
 * bootstrap tokens are limited here; a request without a request line (a
 * WebSocket or SPDY upgrade) is refused to them outright.
 */
export function gateBootstrap(identity: Identity | null, request: RequestLine | undefined): void {
  if (identity === null || identity.kind !== 'bootstrap') return;
  if (request !== undefined && request.method === 'POST' && request.path === NODE_AGENT_JOIN_PATH) return;
  if (request === undefined) throw forbidden(forbiddenPathMessage(identity.username, 'get', 'upgrade'));
  let info: ReturnType<typeof parseRequestInfo>;
  try {
    info = parseRequestInfo(request.method, request.path, request.query);
  } catch {
    info = undefined;
  }
  if (info === undefined) throw forbidden(forbiddenPathMessage(identity.username, NON_RESOURCE_VERBS[request.method] ?? request.method.toLowerCase(), request.path));
  throw forbidden(forbiddenMessage(identity.username, info), { ...(info.name ? { name: info.name } : {}), kind: info.resource, ...(info.group ? { group: info.group } : {}) });
}
