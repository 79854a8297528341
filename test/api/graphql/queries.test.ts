import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlRequest } from '../../helpers/graphql.js';
import type { KubeObject } from '../../../src/store/types.js';
import { createObject, deployment, event, namespace, node, pod, replicaSet } from './fixtures.js';

const admin = { requester: { username: 'test-admin', groups: ['system:masters'] } };

describe('GraphQL typed queries and relationships', () => {
  let t: TestApi;
  let web: KubeObject;
  let firstPod: KubeObject;
  const q = <T>(query: string, variables?: Record<string, unknown>) => graphqlRequest<T>(`${t.url}/graphql`, t.token, query, variables);

  before(async () => {
    t = await startTestApi();
    const { objects } = t.api;
    const c = t.cluster;
    await createObject(objects, c, namespace('shop'));
    await createObject(objects, c, node('n1', '4', '8Gi'));
    await createObject(objects, c, node('n2', '2', '4Gi'));
    web = await createObject(objects, c, deployment('shop', 'web'));
    const rs = await createObject(objects, c, replicaSet(web));
    firstPod = await createObject(objects, c, pod(rs, 0, 'n1'));
    await createObject(objects, c, pod(rs, 1, 'n2'));
    await createObject(objects, c, pod(rs, 2, 'n1'));
    const podRef = objects.resourceForKind(c, 'v1', 'Pod');
    await objects.update(
      podRef,
      'shop',
      'web-rs1-0',
      { ...firstPod, status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: 3, image: 'nginx:1.27', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } },
      { ...admin, subresource: 'status' },
    );
    await createObject(objects, c, event(firstPod, 'Scheduled', 'Successfully assigned shop/web-rs1-0 to n1'));
    await createObject(objects, c, event(web, 'ScalingReplicaSet', 'Scaled up replica set web-rs1 to 1'));
    await createObject(objects, c, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    await createObject(objects, c, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.0.0.7', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-rs1-0', namespace: 'shop' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    });
    await createObject(objects, c, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } });
    await createObject(objects, c, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } });
    await createObject(objects, c, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'shop' }, spec: { hard: { pods: '10', 'requests.cpu': '4' } } });
  });
  after(async () => {
    await t.stop();
  });

  it('reads a pod with its containers and statuses, node, owner chain and events', async () => {
    const res = await q<{ pod: { metadata: { name: string; labels: Record<string, string> }; status: { phase: string }; restarts: number; containers: { name: string; ready: boolean; restartCount: number; state: { state: string; startedAt: string } }[]; node: { metadata: { name: string } }; owner: { __typename: string; revision: number; owner: { metadata: { name: string } } }; events: { reason: string }[] } }>(
      `{ pod(namespace: "shop", name: "web-rs1-0") {
          metadata { name labels } status { phase } restarts
          containers { name ready restartCount state { state startedAt } }
          node { metadata { name } }
          owner { __typename ... on ReplicaSet { revision owner { metadata { name } } } }
          events { reason }
      } }`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = res.body.data?.pod;
    assert.equal(p?.metadata.name, 'web-rs1-0');
    assert.deepEqual(p?.metadata.labels, { app: 'web' });
    assert.equal(p?.status.phase, 'Running');
    assert.equal(p?.restarts, 3);
    assert.deepEqual(p?.containers, [{ name: 'web', ready: true, restartCount: 3, state: { state: 'running', startedAt: '2026-01-01T00:00:00Z' } }]);
    assert.equal(p?.node.metadata.name, 'n1');
    assert.equal(p?.owner.__typename, 'ReplicaSet');
    assert.equal(p?.owner.revision, 1);
    assert.equal(p?.owner.owner.metadata.name, 'web');
    assert.deepEqual(p?.events, [{ reason: 'Scheduled' }]);
  });

  it('reads deployments with their replica sets, pods and events as a connection', async () => {
    const res = await q<{ deployments: { totalCount: number; nodes: { metadata: { name: string }; spec: { replicas: number }; replicaSets: { metadata: { name: string } }[]; pods: { metadata: { name: string } }[]; events: { reason: string }[] }[] } }>(
      '{ deployments(namespace: "shop") { totalCount nodes { metadata { name } spec { replicas } replicaSets { metadata { name } } pods { metadata { name } } events { reason } } } }',
    );
    const d = res.body.data?.deployments;
    assert.equal(d?.totalCount, 1);
    assert.equal(d?.nodes[0]?.spec.replicas, 2);
    assert.deepEqual(d?.nodes[0]?.replicaSets.map((r) => r.metadata.name), ['web-rs1']);
    assert.deepEqual(d?.nodes[0]?.pods.map((p) => p.metadata.name).sort(), ['web-rs1-0', 'web-rs1-1', 'web-rs1-2']);
    assert.deepEqual(d?.nodes[0]?.events, [{ reason: 'ScalingReplicaSet' }]);
  });

  it('shows a node\'s pods and allocated requests against allocatable', async () => {
    const res = await q<{ node: { ready: boolean; pods: { metadata: { name: string } }[]; allocatable: { resource: string; quantity: string }[]; allocated: { resource: string; quantity: string; value: number }[] } }>(
      '{ node(name: "n1") { ready pods { metadata { name } } allocatable { resource quantity } allocated { resource quantity value } } }',
    );
    const n = res.body.data?.node;
    assert.equal(n?.ready, true);
    assert.deepEqual(n?.pods.map((p) => p.metadata.name).sort(), ['web-rs1-0', 'web-rs1-2']);
    assert.deepEqual(n?.allocatable.find((a) => a.resource === 'cpu'), { resource: 'cpu', quantity: '4' });
    assert.deepEqual(n?.allocated.find((a) => a.resource === 'cpu'), { resource: 'cpu', quantity: '500m', value: 0.5 });
    assert.equal(n?.allocated.find((a) => a.resource === 'memory')?.quantity, '128Mi');
  });

  it('relates a service to its endpoints and selected pods, and a namespace to its quotas', async () => {
    const res = await q<{ service: { spec: { ports: { port: number; targetPort: number }[] }; endpoints: { subsets: { addresses: { ip: string }[] }[] }; pods: unknown[] }; namespace: { resourceQuotas: { metadata: { name: string } }[]; usage: { resource: string; hard: string }[] } }>(
      '{ service(namespace: "shop", name: "web") { spec { ports { port targetPort } } endpoints { subsets { addresses { ip } } } pods { metadata { name } } } namespace(name: "shop") { resourceQuotas { metadata { name } } usage { resource hard used } } }',
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = res.body.data?.service;
    assert.deepEqual(s?.spec.ports, [{ port: 80, targetPort: 8080 }]);
    assert.equal(s?.endpoints.subsets[0]?.addresses[0]?.ip, '10.0.0.7');
    assert.equal(s?.pods.length, 3);
    assert.deepEqual(res.body.data?.namespace.resourceQuotas.map((r) => r.metadata.name), ['compute']);
    assert.deepEqual(res.body.data?.namespace.usage.map((u) => [u.resource, u.hard]), [['pods', '10'], ['requests.cpu', '4']]);
  });

  it('withholds secret values from raw and data unless revealed', async () => {
    const res = await q<{ secret: { keys: string[]; hidden: unknown; shown: Record<string, string>; raw: Record<string, unknown> }; resources: { nodes: { raw: Record<string, unknown> }[] } }>(
      '{ secret(namespace: "shop", name: "db") { keys hidden: data raw shown: data(reveal: true) } resources(apiVersion: "v1", kind: "Secret", namespace: "shop") { nodes { raw } } }',
    );
    const s = res.body.data?.secret;
    assert.deepEqual(s?.keys, ['password']);
    assert.equal(s?.hidden, null);
    assert.equal(s?.raw.data, undefined);
    assert.equal(Buffer.from(s?.shown.password ?? '', 'base64').toString(), 's3cret');
    assert.equal(res.body.data?.resources.nodes[0]?.raw.data, undefined);
  });

  it('pages through any kind with the generic resources query, cursors and totalCount', async () => {
    const page = (after?: string) =>
      q<{ resources: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { __typename: string; metadata: { name: string } } }[] } }>(
        'query($after: String) { resources(apiVersion: "v1", kind: "Pod", namespace: "shop", labelSelector: "app=web", first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { __typename metadata { name } } } } }',
        after ? { after } : {},
      );
    const first = (await page()).body.data?.resources;
    assert.equal(first?.totalCount, 3);
    assert.equal(first?.pageInfo.hasNextPage, true);
    assert.deepEqual(first?.edges.map((e) => [e.node.__typename, e.node.metadata.name]), [['Pod', 'web-rs1-0'], ['Pod', 'web-rs1-1']]);
    const second = (await page(first?.pageInfo.endCursor)).body.data?.resources;
    assert.equal(second?.pageInfo.hasNextPage, false);
    assert.deepEqual(second?.edges.map((e) => e.node.metadata.name), ['web-rs1-2']);
    const generic = await q<{ resources: { nodes: { __typename: string; raw: { data: Record<string, string> } }[] } }>('{ resources(apiVersion: "v1", kind: "ConfigMap", namespace: "shop") { nodes { __typename raw } } }');
    assert.equal(generic.body.data?.resources.nodes.find((n) => n.raw.data.mode === 'fast')?.__typename, 'ConfigMap');
    const leases = await q<{ resources: { nodes: { __typename: string }[] } }>('{ resources(apiVersion: "coordination.k8s.io/v1", kind: "Lease") { totalCount nodes { __typename } } }');
    assert.equal(leases.status, 200, JSON.stringify(leases.body));
  });

  it('filters lists with field selectors and caps page size at the limit', async () => {
    const res = await q<{ pods: { totalCount: number; nodes: unknown[] } }>('{ pods(fieldSelector: "spec.nodeName=n2", first: 100000) { totalCount nodes { metadata { name } } } }');
    assert.equal(res.body.data?.pods.totalCount, 1);
    const bad = await q('{ pods(fieldSelector: "spec.unknownField=x") { totalCount } }');
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BadRequest', JSON.stringify(bad.body));
  });

  it('answers NotFound with the Kubernetes reason and message for a missing object or kind', async () => {
    const res = await q('{ pod(namespace: "shop", name: "nope") { metadata { name } } }');
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'NotFound');
    assert.equal(res.body.errors?.[0]?.extensions?.status, 404);
    assert.equal(res.body.errors?.[0]?.message, 'pods "nope" not found');
    const kind = await q('{ resources(apiVersion: "v1", kind: "Nope") { totalCount } }');
    assert.equal(kind.body.errors?.[0]?.extensions?.code, 'NotFound');
  });

  it('refuses a malformed cursor with BadRequest', async () => {
    const res = await q('{ pods(after: "!!") { totalCount } }');
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'BadRequest');
  });
});
