import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { hashToken, issueToken, TokenAuthenticator } from '../../src/auth/tokens.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';
import { countTokenReads } from '../helpers/token-reads.js';
import { isolatedEnv, runKubeql } from '../helpers/cli.js';

describe('bearer tokens', () => {
  let prisma: PrismaClient;
  before(() => {
    prisma = createPrisma(testDatabaseUrl(), { poolSize: 2 });
  });
  after(async () => {
    await prisma.$disconnect();
  });

  it('are stored only as a hash', async () => {
    const cluster = uniqueClusterName();
    const token = await issueToken(prisma, { cluster, kind: 'admin', username: 'a', groups: ['system:masters'] });
    const rows = await prisma.token.findMany({ where: { cluster } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.tokenHash, hashToken(token));
    assert.ok(!JSON.stringify(rows).includes(token), 'raw token stored');
  });

  it('authenticate to their cluster and identity; unknown and expired ones do not', async () => {
    const cluster = uniqueClusterName();
    const token = await issueToken(prisma, { cluster, kind: 'admin', username: 'alice', groups: ['system:masters'] });
    const expired = await issueToken(prisma, { cluster, kind: 'admin', username: 'old', groups: [], expiresAt: new Date(Date.now() - 1000) });
    const auth = new TokenAuthenticator(prisma, 0);
    assert.deepEqual(await auth.authenticate(token), { cluster, username: 'alice', groups: ['system:masters'], kind: 'admin' });
    assert.equal(await auth.authenticate(`${token}x`), null);
    assert.equal(await auth.authenticate(expired), null);
  });

  it('looked up by many callers at once (sockets rechecking together), cost one database read', async () => {
    const cluster = uniqueClusterName();
    const token = await issueToken(prisma, { cluster, kind: 'admin', username: 'many', groups: [] });
    const counted = countTokenReads(prisma);
    // No caching of answers: only the sharing of a read under way is tested.
    const auth = new TokenAuthenticator(counted.prisma, 0);
    const identities = await Promise.all(Array.from({ length: 200 }, () => auth.authenticate(token)));
    assert.equal(counted.reads(), 1);
    for (const identity of identities) assert.equal(identity?.username, 'many');
    // A lookup after the read finished reads again (nothing is cached here).
    await auth.authenticate(token);
    assert.equal(counted.reads(), 2);
  });

  it('kubeql token create prints a bootstrap token for the cluster', async () => {
    const cluster = uniqueClusterName();
    const result = await runKubeql(['token', 'create', '--kind', 'bootstrap', '--cluster', cluster], isolatedEnv({ DATABASE_URL: testDatabaseUrl() }));
    assert.equal(result.code, 0, result.stderr);
    const token = result.stdout.trim();
    const identity = await new TokenAuthenticator(prisma, 0).authenticate(token);
    assert.equal(identity?.cluster, cluster);
    assert.equal(identity?.kind, 'bootstrap');
  });
});
