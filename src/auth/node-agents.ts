// Node agent credentials: what a bootstrap token is exchanged for.
//
// Why one credential per agent process and not one per Node (kubelet's
// system:node:<name>): one agent carries many simulated nodes (1,000 in
// bench:nodes) and renews their Leases and writes their pods' status in
// batches. A credential per node would force one request per node per period.
// So the agent is the principal (`system:node-agent:<id>`, group system:nodes),
// and the Nodes it registers are labelled with its id; the Node authorizer
// (src/api/authz/node-authorizer.ts) lets the credential write only what hangs
// off those Nodes. A stolen agent credential reaches that agent's nodes, as a
// stolen kubelet credential reaches its one node.
import type { PrismaClient } from '../db/prisma.js';
import { issueToken, type Identity } from './tokens.js';

export const NODE_AGENT_USER_PREFIX = 'system:node-agent:';
export const NODE_AGENT_GROUPS = ['system:nodes', 'system:authenticated'] as const;
export const BOOTSTRAP_GROUP = 'system:bootstrappers';
/** Label on every Node an agent registered: the agent id. Set by the API on create, immutable for agents. */
export const NODE_AGENT_LABEL = 'kubeql.io/node-agent';

// An agent id becomes a label value: at most 63 characters, alphanumerics, '-', '_', '.'.
const AGENT_ID = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;

export function isValidAgentId(id: string): boolean {
  return AGENT_ID.test(id);
}

/** The agent id a requester acts as, or undefined when it is not a node agent credential. */
export function agentIdOf(requester: { username: string; groups: readonly string[] }): string | undefined {
  if (!requester.username.startsWith(NODE_AGENT_USER_PREFIX) || !requester.groups.includes('system:nodes')) return undefined;
  return requester.username.slice(NODE_AGENT_USER_PREFIX.length);
}

export function isBootstrap(identity: Identity | null): boolean {
  return identity !== null && identity.kind === 'bootstrap';
}

/**
 * Issues the credential of agent `agentId` in `cluster` and revokes any it
 * had before: a re-join replaces the old credential, so the table does not
 * grow with every `kubeql up`, and a lost data dir does not leave a live token behind.
 */
export async function issueNodeAgentCredential(prisma: PrismaClient, cluster: string, agentId: string): Promise<{ token: string; username: string }> {
  if (!isValidAgentId(agentId)) throw new Error(`invalid agent id "${agentId}"`);
  const username = `${NODE_AGENT_USER_PREFIX}${agentId}`;
  const before = await prisma.token.findMany({ where: { cluster, kind: 'node', username }, select: { id: true } });
  const token = await issueToken(prisma, { cluster, kind: 'node', username, groups: NODE_AGENT_GROUPS });
  if (before.length > 0) await prisma.token.deleteMany({ where: { id: { in: before.map((row) => row.id) } } });
  return { token, username };
}

