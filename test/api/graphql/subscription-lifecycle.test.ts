import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlWsClient } from '../../helpers/graphql.js';
import { ADMIN_GROUPS, TokenAuthenticator, hashToken, issueToken } from '../../../src/auth/tokens.js';
import type { PrismaClient } from '../../../src/db/prisma.js';
import { createApiServer } from '../../../src/api/server.js';
import { DualProtocolServer } from '../../../src/api/http/dual-protocol.js';
import { startGraphql, type RunningGraphql } from '../../../src/api/graphql/server.js';
import { createGraphqlSchema } from '../../../src/api/graphql/schema.js';
import { listen } from '../../../src/infra/ports.js';
import { silentLogger } from '../../../src/log.js';

const RECHECK_MS = 40;

/**
 * A GraphQL endpoint of its own over the test API's database: without an
 * ObjectService (object fields answer ServiceUnavailable), with no token
 * cache and a short recheck, and with the authenticator's reads of one
 * token counted and, while `slow` is set, delayed.
 */
describe('GraphQL subscription lifecycle', () => {
  let t: TestApi;
  let server: DualProtocolServer;
  let graphql: RunningGraphql;
  let url: string;
  const reads = new Map<string, number>();
  let slowMs = 0;

  before(async () => {
    t = await startTestApi();
    const prisma = t.api.prisma;
    const counting = {
      token: {
        findUnique: async (args: Parameters<PrismaClient['token']['findUnique']>[0]) => {
          const hash = args.where.tokenHash ?? '';
          reads.set(hash, (reads.get(hash) ?? 0) + 1);
          if (slowMs > 0) await new Promise((r) => setTimeout(r, slowMs));
          return prisma.token.findUnique(args);
        },
      },
    } as unknown as PrismaClient;
    const authenticator = new TokenAuthenticator(counting, 0);
    const log = silentLogger();
    const { handler, router } = createApiServer({ authenticator, log });
    server = new DualProtocolServer(handler, undefined);
    graphql = await startGraphql({ schema: createGraphqlSchema(), router, onUpgrade: (l) => server.onUpgrade(l), authenticator, log, development: false, tokenRecheckMs: RECHECK_MS });
    const port = await listen(server.listener, '127.0.0.1', 0);
    url = `http://127.0.0.1:${port}/graphql`;
  });
  after(async () => {
    await server.close(100);
    await graphql.stop();
    await t.stop();
  });

  it('answers a typed subscription on an endpoint without objects with ServiceUnavailable, and keeps the socket', async () => {
    let closeCode: number | undefined;
    const client = graphqlWsClient(url, t.token, (code) => (closeCode = code));
    try {
      const outcome = await new Promise<{ nexts: unknown[]; error?: unknown; completed: boolean }>((resolve) => {
        const seen: { nexts: unknown[]; error?: unknown; completed: boolean } = { nexts: [], completed: false };
        client.subscribe(
          { query: 'subscription { pods(namespace: "default") { type } }' },
          {
            next: (value) => void seen.nexts.push(value),
            error: (err) => resolve({ ...seen, error: err }),
            complete: () => resolve({ ...seen, completed: true }),
          },
        );
      });
      assert.equal(outcome.error, undefined, `no socket error: ${JSON.stringify(outcome)} (close ${closeCode})`);
      assert.equal(outcome.completed, true);
      const [first] = outcome.nexts as { errors?: { extensions?: { code?: string } }[] }[];
      assert.equal(first?.errors?.[0]?.extensions?.code, 'ServiceUnavailable', JSON.stringify(outcome));
      assert.equal(closeCode, undefined, 'the socket stays open');
    } finally {
      await client.dispose();
    }
  });

  it('does not recheck the token of a socket that closed while its connection_init was being authenticated', async () => {
    const token = await issueToken(t.api.prisma, { cluster: t.cluster, kind: 'admin', username: 'quick-leaver', groups: ADMIN_GROUPS });
    const hash = hashToken(token);
    slowMs = 500;
    try {
      const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      // Gone while the server is still looking the token up.
      const deadline = Date.now() + 5000;
      while (reads.get(hash) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(reads.get(hash), 1, 'the lookup is under way');
      socket.terminate();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      slowMs = 0;
    }
    // The lookup ends (500 ms), then several recheck periods pass.
    await new Promise((r) => setTimeout(r, 500 + 10 * RECHECK_MS));
    assert.equal(reads.get(hash), 1, 'no recheck for a socket that is gone');
  });
});
