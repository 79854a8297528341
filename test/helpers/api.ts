import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApi, type RunningApi } from '../../src/api/start.js';
import { writeKubeconfig } from '../../src/auth/kubeconfig.js';
import { ADMIN_GROUPS, issueToken } from '../../src/auth/tokens.js';
import { silentLogger } from '../../src/log.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from './env.js';

export interface TestApi {
  api: RunningApi;
  url: string;
  cluster: string;
  /** Admin token for `cluster`. */
  token: string;
  /** A kubeconfig file for `cluster` with the admin token. */
  kubeconfig: string;
  stop(): Promise<void>;
}

/** An API server on a free loopback port, with a fresh cluster and its admin credential. */
export async function startTestApi(): Promise<TestApi> {
  const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), log: silentLogger() });
  const cluster = uniqueClusterName();
  const token = await issueToken(api.prisma, { cluster, kind: 'admin', username: 'test-admin', groups: ADMIN_GROUPS });
  const url = `http://127.0.0.1:${api.port}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-kubeconfig-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: url, token, cluster, user: 'test-admin' });
  return {
    api,
    url,
    cluster,
    token,
    kubeconfig,
    async stop() {
      await api.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
