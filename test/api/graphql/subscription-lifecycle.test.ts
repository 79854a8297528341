import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlWsClient } from '../../helpers/graphql.js';
import { ADMIN_GROUPS, TokenAuthenticator, hashToken, issueToken } from '../../../src/auth/tokens.js';
import { countTokenReads, type CountedTokenReads } from '../../helpers/token-reads.js';
import { startGraphqlEndpoint, type GraphqlEndpoint } from './fixtures.js';

const RECHECK_MS = 40;

/**
 * A GraphQL endpoint of its own over the test API's database: without an
 * ObjectService (object fields answer ServiceUnavailable), with no token
 * cache and a short recheck, and with the authenticator's reads of one
 * token counted and, while `delayMs` is set, delayed.
 */
describe('GraphQL subscription lifecycle', () => {
  let t: TestApi;
  let endpoint: GraphqlEndpoint;
  let url: string;
  let counted: CountedTokenReads;

  before(async () => {
    t = await startTestApi();
    counted = countTokenReads(t.api.prisma);
    endpoint = await startGraphqlEndpoint({ authenticator: new TokenAuthenticator(counted.prisma, 0), tokenRecheckMs: RECHECK_MS });
    url = endpoint.url;
  });
  after(async () => {
    await endpoint.stop();
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
    counted.delayMs = 500;
    try {
      const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      // Gone while the server is still looking the token up.
      const deadline = Date.now() + 5000;
      while (counted.reads(hash) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(counted.reads(hash), 1, 'the lookup is under way');
      socket.terminate();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      counted.delayMs = 0;
    }
    // The lookup ends (500 ms), then several recheck periods pass.
    await new Promise((r) => setTimeout(r, 500 + 10 * RECHECK_MS));
    assert.equal(counted.reads(hash), 1, 'no recheck for a socket that is gone');
  });
});
