// POST /kubeql/v1/nodeagents: a node agent exchanges the bootstrap token it
// was started with for a credential of its own (TokenRequest-like), once; it
// keeps that credential in its data dir and never needs the bootstrap token
// again, so bootstrap tokens can expire or be revoked without touching joined agents.
import { forbiddenMessage } from './messages.js';
import type { PrismaClient } from '../../db/prisma.js';
import { BOOTSTRAP_GROUP, isValidAgentId, issueNodeAgentCredential, NODE_AGENT_GROUPS } from '../../auth/node-agents.js';
import { badRequest, forbidden } from '../errors.js';
import { parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';

export const NODE_AGENT_JOIN_PATH = '/kubeql/v1/nodeagents';

export interface NodeAgentJoinRequest {
  apiVersion?: 'kubeql.io/v1';
  kind?: 'NodeAgentJoin';
  /** The agent's id (`kubeql node-agent` uses its --name-prefix). */
  agentId: string;
}

export interface NodeAgentCredential {
  apiVersion: 'kubeql.io/v1';
  kind: 'NodeAgentCredential';
  metadata: { name: string };
  status: { username: string; groups: string[]; token: string };
}

function parseRequest(value: unknown): string {
  const agentId = typeof value === 'object' && value !== null ? (value as Partial<NodeAgentJoinRequest>).agentId : undefined;
  if (typeof agentId !== 'string') throw badRequest('a NodeAgentJoin needs an "agentId"');
  if (!isValidAgentId(agentId)) {
    throw badRequest(`agentId "${agentId}" is invalid: must be at most 63 lowercase alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`);
  }
  return agentId;
}

export function registerNodeAgentJoin(router: Router, prisma: PrismaClient): void {
  router.add('POST', NODE_AGENT_JOIN_PATH, async (ctx: RequestContext) => {
    const identity = ctx.identity;
    // Cluster admins may join an agent too (tests, hand-run agents); nobody else.
    if (identity === null || !(identity.groups.includes(BOOTSTRAP_GROUP) || identity.groups.includes('system:masters'))) {
      throw forbidden(forbiddenMessage(identity?.username ?? 'system:anonymous', { verb: 'create', group: 'kubeql.io', resource: 'nodeagents', namespace: '', name: '' }));
    }
    const agentId = parseRequest(parseJson(await readBody(ctx.req)));
    const { token, username } = await issueNodeAgentCredential(prisma, ctx.cluster, agentId);
    ctx.log.info({ agentId, by: identity.username }, 'node agent joined');
    const body: NodeAgentCredential = { apiVersion: 'kubeql.io/v1', kind: 'NodeAgentCredential', metadata: { name: agentId }, status: { username, groups: [...NODE_AGENT_GROUPS], token } };
    sendJson(ctx.res, 201, body);
  });
}
