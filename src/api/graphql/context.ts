import type { Identity } from '../../auth/tokens.js';
import type { Logger } from '../../log.js';
import type { ObjectService } from '../../objects/service.js';
import type { DirectSink } from './direct-delivery.js';

/** What every resolver receives: who asks, in which cluster, and a deadline. */
export interface GraphqlContext {
  cluster: string;
  identity: Identity;
  log: Logger;
  /** Aborted when the request times out or the client goes away. */
  signal: AbortSignal;
  /** The object registry resolvers read and write through (the same code REST uses). */
  objects?: ObjectService;
  /** Largest page a connection serves (GraphqlLimits.maxPageSize). */
  maxPageSize?: number;
  /** Subscriptions only: operations with equal keys share each change's execution (shared-execution.ts). */
  shareKey?: string;
  /** Subscriptions only: writes this subscription's results to its socket without graphql-ws's per-message path. */
  directSink?: DirectSink;
}
