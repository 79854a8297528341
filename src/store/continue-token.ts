// Continue tokens: the snapshot a paginated list reads from and the last key
// it returned. Opaque to clients (base64url JSON), checked when read back.

import { BadRequestError } from './errors.js';

export interface ContinueToken {
  /** The resourceVersion every page of the list shows the state at. */
  rv: number;
  /** The last (namespace, name) returned; the next page starts after it. */
  namespace: string;
  name: string;
}

const VERSION = 'kubeql.store/v1';

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv: token.rv, ns: token.namespace, n: token.name })).toString('base64url');
}

export function decodeContinue(raw: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('continue key is not valid: the token is not base64-encoded JSON');
  }
  const t = parsed as { v?: unknown; rv?: unknown; ns?: unknown; n?: unknown } | null;
  if (t === null || typeof t !== 'object' || t.v !== VERSION) {
    throw new BadRequestError(`continue key is not valid: incorrect encoded start resourceVersion (version ${VERSION})`);
  }
  if (typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || t.rv <= 0 || typeof t.ns !== 'string' || typeof t.n !== 'string') {
    throw new BadRequestError('continue key is not valid: malformed token');
  }
  return { rv: t.rv, namespace: t.ns, name: t.n };
}
