import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlRequest } from '../../helpers/graphql.js';
import { createObject, deployment, event, namespace, node, pod, replicaSet } from './fixtures.js';

const DEPLOYMENTS = 50;
const NODES = 5;

// The dashboard query: every deployment with its replica sets, pods, the
// pods' nodes (with allocation) and owners, and events on each level.
const DASHBOARD = `{
  deployments(namespace: "dash") {
    totalCount
    nodes {
      metadata { name }
      status { readyReplicas }
      events { reason }
      replicaSets { metadata { name } revision pods { metadata { name } } }
      pods {
        metadata { name }
        containers { name ready }
        events { reason message }
        owner { metadata { name } }
        node { metadata { name } ready allocated { resource quantity } pods { metadata { name } } }
      }
    }
  }
}`;

interface Dashboard {
  deployments: { totalCount: number; nodes: { replicaSets: { pods: unknown[] }[]; pods: { node: { metadata: { name: string } }; owner: { metadata: { name: string } }; events: unknown[] }[]; events: unknown[] }[] };
}

describe('GraphQL batched reads', () => {
  let t: TestApi;

  before(async () => {
    t = await startTestApi();
    const { objects } = t.api;
    const c = t.cluster;
    await createObject(objects, c, namespace('dash'));
    await Promise.all(Array.from({ length: NODES }, (_, i) => createObject(objects, c, node(`node-${i}`))));
    await Promise.all(
      Array.from({ length: DEPLOYMENTS }, async (_, i) => {
        const d = await createObject(objects, c, deployment('dash', `app-${i}`));
        const rs = await createObject(objects, c, replicaSet(d));
        const pods = await Promise.all([0, 1].map((p) => createObject(objects, c, pod(rs, p, `node-${(i + p) % NODES}`))));
        await createObject(objects, c, event(d, 'ScalingReplicaSet', 'Scaled up'));
        await createObject(objects, c, event(pods[0]!, 'Scheduled', 'Successfully assigned'));
      }),
    );
  });
  after(async () => {
    await t.stop();
  });

  it(`reads a dashboard of ${DEPLOYMENTS} deployments in a fixed number of store round trips (no N+1)`, async (ctx) => {
    const { store } = t.api;
    let reads = 0;
    const list = store.list.bind(store);
    const get = store.get.bind(store);
    store.list = (...args: Parameters<typeof store.list>) => ((reads += 1), list(...args));
    store.get = (...args: Parameters<typeof store.get>) => ((reads += 1), get(...args));
    try {
      const res = await graphqlRequest<Dashboard>(`${t.url}/graphql`, t.token, DASHBOARD);
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
      const d = res.body.data?.deployments;
      assert.equal(d?.totalCount, DEPLOYMENTS);
      for (const dep of d?.nodes ?? []) {
        assert.equal(dep.pods.length, 2);
        assert.equal(dep.replicaSets[0]?.pods.length, 2);
        assert.equal(dep.events.length, 1);
        for (const p of dep.pods) assert.match(p.node.metadata.name, /^node-\d$/);
      }
      // deployments, replica sets, pods (namespace and all-namespace for node.pods), nodes, events: a handful, not hundreds.
      ctx.diagnostic(`${reads} store reads for ${DEPLOYMENTS} deployments`);
      assert.ok(reads <= 8, `the dashboard query made ${reads} store reads; expected at most 8 whatever the number of deployments`);
    } finally {
      store.list = list;
      store.get = get;
    }
  });
});
