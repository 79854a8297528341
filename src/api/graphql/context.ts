import type { Identity } from '../../auth/tokens.js';
import type { Logger } from '../../log.js';

/** What every resolver receives: who asks, in which cluster, and a deadline. */
export interface GraphqlContext {
  cluster: string;
  identity: Identity;
  log: Logger;
  /** Aborted when the request times out or the client goes away. */
  signal: AbortSignal;
}
