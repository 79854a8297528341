// The agent side of joining: use the credential kept in the data dir when the
// API still accepts it, else exchange the bootstrap token for a new one
// (POST /kubeql/v1/nodeagents) and keep that (mode 0600), so a restart
// re-attaches without the bootstrap token, which may be gone by then.
import fs from 'node:fs';
import path from 'node:path';
import { ApiClient, ApiStatusError } from '../node/api-client.js';
import type { Logger } from '../log.js';
import type { NodeAgentCredential } from '../api/authz/join.js';
import { NODE_AGENT_JOIN_PATH } from '../api/authz/join.js';

export interface AgentLoginOptions {
  apiUrl: string;
  ca?: string;
  agentId: string;
  /** The bootstrap token; only needed when no stored credential works. */
  bootstrapToken?: string;
  /** Where the credential is kept; without one the agent joins on every start. */
  dataDir?: string;
  log: Logger;
}

interface StoredCredential {
  apiUrl: string;
  agentId: string;
  token: string;
}

/** Thrown when neither a stored credential nor a bootstrap token gets the agent in. */
export class AgentLoginError extends Error {
  override name = 'AgentLoginError';
}

export function agentCredentialPath(dataDir: string, agentId: string): string {
  return path.join(dataDir, 'node-agents', `${agentId}.json`);
}

function readStored(file: string, options: AgentLoginOptions): string | undefined {
  let parsed: Partial<StoredCredential>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredCredential>;
  } catch {
    return undefined;
  }
  // A credential for another API (or another agent id) is not this one's.
  if (parsed.apiUrl !== options.apiUrl || parsed.agentId !== options.agentId || typeof parsed.token !== 'string') return undefined;
  return parsed.token;
}

function writeStored(file: string, credential: StoredCredential): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed: a crash mid-write never leaves half a token.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(credential)}\n`, { mode: 0o600 });
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, file);
}

async function accepted(options: AgentLoginOptions, token: string): Promise<boolean> {
  const client = new ApiClient({ url: options.apiUrl, token, ...(options.ca ? { ca: options.ca } : {}), maxSockets: 1 });
  try {
    // Any authenticated request answers 401 for a revoked or expired credential.
    await client.get('/version');
    return true;
  } catch (err) {
    if (err instanceof ApiStatusError && err.code === 401) return false;
    throw err;
  } finally {
    client.close();
  }
}

/** The agent credential to run with: the stored one if the API accepts it, else a fresh join. */
export async function loginNodeAgent(options: AgentLoginOptions): Promise<string> {
  const file = options.dataDir === undefined ? undefined : agentCredentialPath(options.dataDir, options.agentId);
  const stored = file === undefined ? undefined : readStored(file, options);
  if (stored !== undefined) {
    if (await accepted(options, stored)) {
      options.log.info({ agentId: options.agentId }, 'node agent re-attached with its stored credential');
      return stored;
    }
    options.log.warn({ agentId: options.agentId }, 'stored node agent credential refused; joining again');
  }
  if (options.bootstrapToken === undefined) {
    throw new AgentLoginError(stored === undefined ? 'no stored node agent credential and no bootstrap token to join with' : 'the stored node agent credential was refused and there is no bootstrap token to join again with');
  }
  const client = new ApiClient({ url: options.apiUrl, token: options.bootstrapToken, ...(options.ca ? { ca: options.ca } : {}), maxSockets: 1 });
  let credential: NodeAgentCredential;
  try {
    credential = await client.post<NodeAgentCredential>(NODE_AGENT_JOIN_PATH, { apiVersion: 'kubeql.io/v1', kind: 'NodeAgentJoin', agentId: options.agentId });
  } finally {
    client.close();
  }
  if (file !== undefined) writeStored(file, { apiUrl: options.apiUrl, agentId: options.agentId, token: credential.status.token });
  options.log.info({ agentId: options.agentId, username: credential.status.username }, 'node agent joined');
  return credential.status.token;
}
