import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { ADMIN_GROUPS, TokenAuthenticator, issueToken } from '../../../src/auth/tokens.js';
import { countTokenReads, type CountedTokenReads } from '../../helpers/token-reads.js';
import { createObject, namespace, startGraphqlEndpoint, type GraphqlEndpoint } from './fixtures.js';

// Short cache and recheck so revocation shows within a second; production
// uses the authenticator's 10 s cache and a 5 s recheck.
const CACHE_MS = 100;
const RECHECK_MS = 200;

interface Outcome {
  nexts: unknown[];
  error?: { message: string; extensions?: Record<string, unknown> }[];
  completed: boolean;
  closeCode?: number;
}

/** A subscription recording everything the server sends, and how the socket closed. */
function watchWith(url: string, token: string, ns: string): { client: Client; outcome: Outcome; ended: Promise<void> } {
  const outcome: Outcome = { nexts: [], completed: false };
  let markEnded = (): void => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  // Not lazy: the client keeps the socket after its subscription ends, so the close seen is the server's.
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // The server's close is what these tests expect; graphql-ws would print it.
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        outcome.closeCode = (event as { code: number }).code;
        markEnded();
      },
    },
  });
  client.subscribe(
    { query: `subscription { watch(apiVersion: "v1", kind: "ConfigMap", namespace: "${ns}") { type object { metadata { name } } } }` },
    {
      next: (value) => void outcome.nexts.push(value),
      error: (err) => {
        outcome.error = Array.isArray(err) ? (err as Outcome['error']) : [{ message: String(err) }];
        markEnded();
      },
      complete: () => {
        outcome.completed = true;
      },
    },
  );
  return { client, outcome, ended };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GraphQL subscriptions recheck their token', () => {
  let t: TestApi;
  let endpoint: GraphqlEndpoint;
  let url: string;
  let counted: CountedTokenReads;

  before(async () => {
    t = await startTestApi();
    await createObject(t.api.objects, t.cluster, namespace('watched'));
    // A second GraphQL endpoint over the same store, with a short token cache,
    // and a count of the authenticator's database reads.
    counted = countTokenReads(t.api.prisma);
    endpoint = await startGraphqlEndpoint({ authenticator: new TokenAuthenticator(counted.prisma, CACHE_MS), tokenRecheckMs: RECHECK_MS, objects: t.api.objects });
    url = endpoint.url;
  });
  after(async () => {
    await endpoint.stop();
    await t.stop();
  });

  const issue = (username: string, expiresAt?: Date): Promise<string> => issueToken(t.api.prisma, { cluster: t.cluster, kind: 'admin', username, groups: ADMIN_GROUPS, ...(expiresAt ? { expiresAt } : {}) });
  const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'watched' }, data: { v: '1' } });

  it('ends a subscription whose token is deleted with Unauthorized and closes the socket (4401); others go on', async () => {
    const doomed = watchWith(url, await issue('doomed'), 'watched');
    const kept = watchWith(url, t.token, 'watched');
    await createObject(t.api.objects, t.cluster, configMap('before'));
    await until(() => doomed.outcome.nexts.length >= 1 && kept.outcome.nexts.length >= 1, 5000, 'first event');

    const deleted = await t.api.prisma.token.deleteMany({ where: { username: 'doomed', cluster: t.cluster } });
    assert.equal(deleted.count, 1);
    await within(doomed.ended, 5000, 'revoked subscription ended');
    await until(() => doomed.outcome.closeCode !== undefined, 3000, 'socket closed');
    assert.equal(doomed.outcome.error?.[0]?.extensions?.code, 'Unauthorized', JSON.stringify(doomed.outcome));
    assert.equal(doomed.outcome.error?.[0]?.extensions?.status, 401);
    assert.equal(doomed.outcome.closeCode, 4401);

    // The subscription with a live token still receives changes.
    await createObject(t.api.objects, t.cluster, configMap('after'));
    await until(() => kept.outcome.nexts.length >= 2, 5000, 'event after the revocation');
    assert.equal(doomed.outcome.nexts.length, 1, 'nothing is delivered after the revocation');
    await doomed.client.dispose();
    await kept.client.dispose();
  });

  it('ends a subscription when its token expires', async () => {
    const expiring = watchWith(url, await issue('expiring', new Date(Date.now() + 1500)), 'watched');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(expiring.outcome.closeCode, undefined, 'open while the token is valid');
    await within(expiring.ended, 6000, 'expired subscription ended');
    await until(() => expiring.outcome.closeCode !== undefined, 3000, 'socket closed');
    assert.equal(expiring.outcome.error?.[0]?.extensions?.code, 'Unauthorized', JSON.stringify(expiring.outcome));
    assert.equal(expiring.outcome.closeCode, 4401);
    await expiring.client.dispose();
  });

  it('does not look the token up in the database per delivered event', async () => {
    const sub = watchWith(url, t.token, 'watched');
    await until(() => sub.outcome.nexts.length >= 2, 5000, 'initial objects');
    const seen = sub.outcome.nexts.length;
    const readsBefore = counted.reads();
    const started = Date.now();
    const events = 40;
    for (let i = 0; i < events; i++) await createObject(t.api.objects, t.cluster, configMap(`burst-${i}`));
    await until(() => sub.outcome.nexts.length >= seen + events, 10_000, 'burst delivered');
    const elapsed = Date.now() - started;
    const reads = counted.reads() - readsBefore;
    // One read per recheck period at most (plus one in flight), however many events arrive.
    assert.ok(reads <= Math.ceil(elapsed / RECHECK_MS) + 1, `${reads} token reads in ${elapsed} ms for ${events} events`);
    await sub.client.dispose();
  });
});
