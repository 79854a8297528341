import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApi, type RunningApi } from '../../src/api/start.js';
import { writeKubeconfig } from '../../src/auth/kubeconfig.js';
import { ADMIN_GROUPS, issueToken } from '../../src/auth/tokens.js';
import { silentLogger } from '../../src/log.js';
import { generateServingCertificate, type ServingCertificate } from '../../src/infra/pki.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from './env.js';

export interface TestApi {
  api: RunningApi;
  url: string;
  cluster: string;
  /** Admin token for `cluster`. */
  token: string;
  /** A kubeconfig file for `cluster` with the admin token (https, with the test CA). */
  kubeconfig: string;
  stop(): Promise<void>;
}

/** An API server on a free loopback port, with a fresh cluster and its admin credential. */
// One certificate for every test API in this process: generating one takes a while.
let certificate: Promise<ServingCertificate> | undefined;

export async function startTestApi(): Promise<TestApi> {
  certificate ??= generateServingCertificate();
  const tls = await certificate;
  const api = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), log: silentLogger(), tls });
  const cluster = uniqueClusterName();
  const token = await issueToken(api.prisma, { cluster, kind: 'admin', username: 'test-admin', groups: ADMIN_GROUPS });
  const url = `http://127.0.0.1:${api.port}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-kubeconfig-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  // kubectl sends its token only over TLS; the same port also answers plain HTTP (url).
  await writeKubeconfig(kubeconfig, { server: url.replace(/^http:/, 'https:'), token, cluster, user: 'test-admin', caPem: tls.cert });
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
