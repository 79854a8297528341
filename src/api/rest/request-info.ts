import { badRequest } from '../errors.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a REST path and method address, parsed once (ARCHITECTURE.md trap 6). */
export interface RequestInfo {
  /** '' for the core group (/api). */
  group: string;
  version: string;
  resource: string;
  /** '' when the path names no namespace. */
  namespace: string;
  /** '' for collection requests. */
  name: string;
  /** '' unless the path ends in a subresource (status, scale, log, ...). */
  subresource: string;
  verb: Verb;
}

// DNS-1123 label for namespaces; path segments for the rest are checked by
// the resource's own validation, but none may be '.', '..' or contain '/' or '%'.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkSegment(segment: string, what: string): void {
  if (segment === '.' || segment === '..' || segment.includes('%') || segment === '') {
    throw badRequest(`invalid ${what} in the request path: "${segment}"`);
  }
}

function verbFor(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/**
 * Parses a resource path the way the Kubernetes API server's RequestInfoFactory
 * does: /api/v1/..., /apis/<group>/<version>/..., with optional
 * namespaces/<ns>/ and a trailing name and subresource. Returns undefined for
 * paths that are not resource requests (discovery, health, ...).
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace = '';
  // namespaces/<ns>/<resource>/... addresses a namespaced resource; a bare
  // namespaces/<name>[/status|/finalize] addresses the Namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) {
    namespace = rest[1] ?? '';
    if (!NAMESPACE.test(namespace)) throw badRequest(`invalid namespace in the request path: "${namespace}"`);
    rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  if (extra.length > 0) return undefined;
  for (const [segment, what] of [[resource, 'resource'], [name, 'name'], [subresource, 'subresource']] as const) {
    if (segment !== '') checkSegment(segment, what);
  }
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = verbFor(method, name !== '', watch);
  if (verb === undefined) return undefined;
  return { group, version, resource, namespace, name, subresource, verb };
}
