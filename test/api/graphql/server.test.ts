import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlRequest, graphqlWsClient, wsExecute } from '../../helpers/graphql.js';

describe('GraphQL endpoint', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  it('answers a query on /graphql with the bearer token', async () => {
    const res = await graphqlRequest<{ version: { major: string }; viewer: { cluster: string } }>(`${t.url}/graphql`, t.token, '{ version { major } viewer { cluster username } }');
    assert.equal(res.status, 200);
    assert.equal(res.body.data?.version.major, '1');
    assert.equal(res.body.data?.viewer.cluster, t.cluster);
  });

  it('answers on /clusters/{cluster}/graphql for the credential\'s own cluster', async () => {
    const res = await graphqlRequest<{ viewer: { cluster: string } }>(`${t.url}/clusters/${t.cluster}/graphql`, t.token, '{ viewer { cluster } }');
    assert.equal(res.body.data?.viewer.cluster, t.cluster);
  });

  it("refuses another tenant's cluster with Forbidden", async () => {
    const res = await fetch(`${t.url}/clusters/not-mine/graphql`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body: '{"query":"{ version { major } }"}' });
    assert.equal(res.status, 403);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await graphqlRequest(`${t.url}/graphql`, undefined, '{ version { major } }');
    assert.equal(res.status, 401);
  });

  it('refuses batched operations', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ version { major } }' }, { query: '{ version { minor } }' }]),
    });
    assert.equal(res.status, 400);
  });

  it('refuses queries with too many aliases, naming the limit', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: version { major }`).join(' ');
    const res = await graphqlRequest(`${t.url}/graphql`, t.token, `{ ${aliases} }`);
    assert.equal(res.status, 400);
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(res.body.errors?.[0]?.message ?? '', /40 aliases, more than the limit of 30/);
  });

  it('refuses documents over the token limit', async () => {
    const fields = Array.from({ length: 12_000 }, () => 'major').join(' ');
    const res = await graphqlRequest(`${t.url}/graphql`, t.token, `{ version { ${fields} } }`);
    assert.equal(res.status, 400);
    assert.match(res.body.errors?.[0]?.message ?? '', /more that 10000 tokens/, JSON.stringify(res.body).slice(0, 300));
  });

  it('runs operations over graphql-ws with the same credential', async () => {
    const client = graphqlWsClient(`${t.url}/graphql`, t.token);
    try {
      const results = await wsExecute<{ data: { viewer: { cluster: string } } }>(client, '{ viewer { cluster } }');
      assert.equal(results[0]?.data.viewer.cluster, t.cluster);
    } finally {
      await client.dispose();
    }
  });

  it('closes a graphql-ws connection whose credential is wrong', async () => {
    let closedWith = 0;
    const client = graphqlWsClient(`${t.url}/graphql`, 'kql_wrong', (code) => (closedWith = code));
    await assert.rejects(wsExecute(client, '{ viewer { cluster } }'));
    await client.dispose();
    assert.equal(closedWith, 4403);
  });
});
