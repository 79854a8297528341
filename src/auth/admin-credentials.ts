import path from 'node:path';
import type { PrismaClient } from '../db/prisma.js';
import { ADMIN_GROUPS, TokenAuthenticator, issueToken } from './tokens.js';
import { readKubeconfigToken, writeKubeconfig } from './kubeconfig.js';

export function kubeconfigPath(dataDir: string): string {
  return path.join(dataDir, 'kubeconfig');
}

/**
 * Makes sure dataDir/kubeconfig holds a working admin token for `cluster`.
 * Tokens are stored hashed, so an existing kubeconfig is reused while its token
 * still authenticates; otherwise a new admin token is issued and written.
 */
export async function ensureAdminKubeconfig(prisma: PrismaClient, dataDir: string, cluster: string, server: string, caPem?: string): Promise<string> {
  const file = kubeconfigPath(dataDir);
  const existing = await readKubeconfigToken(file);
  let token: string | undefined;
  if (existing) {
    const identity = await new TokenAuthenticator(prisma, 0).authenticate(existing.token);
    if (identity?.kind === 'admin' && identity.cluster === cluster) token = existing.token;
  }
  token ??= await issueToken(prisma, { cluster, kind: 'admin', username: 'kubernetes-admin', groups: ADMIN_GROUPS });
  await writeKubeconfig(file, { server, token, cluster, user: 'kubernetes-admin', ...(caPem ? { caPem } : {}) });
  return file;
}
