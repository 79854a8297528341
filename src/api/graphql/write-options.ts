import type { UpdateRequestOptions } from '../../objects/service.js';
import type { GraphqlContext } from './context.js';

/** What every write from GraphQL carries: who asks, the request's deadline, the field manager. */
export function writeOptions(ctx: GraphqlContext, extra: { dryRun?: boolean | null; fieldManager?: string } = {}): UpdateRequestOptions {
  return {
    requester: { username: ctx.identity.username, groups: ctx.identity.groups },
    signal: ctx.signal,
    fieldManager: extra.fieldManager ?? 'kubeql-graphql',
    ...(extra.dryRun ? { dryRun: true } : {}),
  };
}
