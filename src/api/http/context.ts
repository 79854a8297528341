import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../auth/tokens.js';
import type { Logger } from '../../log.js';

/** One API request after routing has split off the cluster prefix. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path inside the cluster: `/api/v1/pods` for `/clusters/x/api/v1/pods` too. */
  path: string;
  /** The cluster the request addresses (explicit prefix, else the credential's). */
  cluster: string;
  /** Null only on the anonymous health and version endpoints. */
  identity: Identity | null;
  log: Logger;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;
