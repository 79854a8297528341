import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ParsedObjectCache } from '../../../src/api/graphql/object-cache.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlRequest } from '../../helpers/graphql.js';
import { createObject, deployment, namespace, node, pod, replicaSet } from './fixtures.js';

const podText = (name: string, rv: string): string => JSON.stringify({ kind: 'Pod', metadata: { name, namespace: 'a', resourceVersion: rv, labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] }, apiVersion: 'v1' });

describe('parsed-object cache', () => {
  it('answers the same text with the same parsed object, and changed text with a new one', () => {
    const cache = new ParsedObjectCache({ entries: 100, textChars: 1 << 20 });
    const first = cache.parse(podText('p', '1'));
    assert.equal(cache.parse(podText('p', '1')), first, 'equal text (a new string) finds the cached tree');
    const changed = cache.parse(podText('p', '2'));
    assert.notEqual(changed, first);
    assert.equal(changed.metadata.resourceVersion, '2');
    assert.equal(first.metadata.resourceVersion, '1', 'the old version is untouched');
  });

  it('hands out deep-frozen objects, so no request can modify what another one reads', () => {
    const cache = new ParsedObjectCache({ entries: 100, textChars: 1 << 20 });
    const object = cache.parse(podText('p', '1'));
    assert.throws(() => {
      (object.metadata.labels as Record<string, string>).app = 'changed';
    }, TypeError);
    assert.throws(() => {
      ((object.spec as { containers: { name: string }[] }).containers[0] as { name: string }).name = 'x';
    }, TypeError);
    assert.equal(cache.parse(podText('p', '1')).metadata.labels?.app, 'web');
  });

  it('starts a new generation when the text of the current one would exceed its length limit', () => {
    const one = podText('p0', '1');
    const cache = new ParsedObjectCache({ entries: 1000, textChars: one.length * 3 });
    const first = cache.parse(one);
    for (let i = 1; i < 7; i++) cache.parse(podText(`p${i}`, '1'));
    assert.ok(cache.size <= 6, `two generations of at most 3 texts each (size ${cache.size})`);
    assert.notEqual(cache.parse(one), first, 'the first text was dropped with its generation');
  });

  it('keeps at most two generations: objects not read for two generations are dropped', () => {
    const cache = new ParsedObjectCache({ entries: 3, textChars: 1 << 20 });
    const kept = cache.parse(podText('kept', '1'));
    const dropped = cache.parse(podText('dropped', '1'));
    for (let i = 0; i < 3; i++) cache.parse(podText(`a${i}`, '1'));
    assert.equal(cache.parse(podText('kept', '1')), kept, 'found in the previous generation, and moved forward');
    for (let i = 0; i < 9; i++) cache.parse(podText(`b${i}`, '1'));
    assert.ok(cache.size <= 6, `bounded (size ${cache.size})`);
    const again = cache.parse(podText('dropped', '1'));
    assert.notEqual(again, dropped, 'parsed anew once dropped');
    assert.deepEqual(again, dropped);
  });
});

describe('GraphQL lists through the parsed-object cache', () => {
  let t: TestApi;
  const q = async <T>(query: string) => (await graphqlRequest<T>(`${t.url}/graphql`, t.token, query)).body;
  const podsQuery = '{ pods(namespace: "shop") { nodes { metadata { name labels resourceVersion } node { metadata { name } } } } }';
  type PodsResult = { pods: { nodes: { metadata: { name: string; labels: Record<string, string>; resourceVersion: string }; node: { metadata: { name: string } } | null }[] } };

  before(async () => {
    t = await startTestApi();
    const { objects } = t.api;
    await createObject(objects, t.cluster, namespace('shop'));
    await createObject(objects, t.cluster, node('n1'));
    const web = await createObject(objects, t.cluster, deployment('shop', 'web'));
    const rs = await createObject(objects, t.cluster, replicaSet(web));
    await createObject(objects, t.cluster, pod(rs, 0, 'n1'));
    await createObject(objects, t.cluster, pod(rs, 1, 'n1'));
  });
  after(async () => {
    await t.stop();
  });

  it('serves a changed object at its new version on the next query, never the cached old one', async () => {
    const before = await q<PodsResult>(podsQuery);
    assert.equal(before.errors, undefined);
    const first = before.data?.pods.nodes[0];
    assert.ok(first);
    const podRef = t.api.objects.resourceForKind(t.cluster, 'v1', 'Pod');
    const patched = await t.api.objects.patch(podRef, 'shop', first.metadata.name, 'merge', { metadata: { labels: { tier: 'front' } } }, { requester: { username: 'test-admin', groups: ['system:masters'] } });
    const again = await q<PodsResult>(podsQuery);
    const now = again.data?.pods.nodes.find((p) => p.metadata.name === first.metadata.name);
    assert.equal(now?.metadata.resourceVersion, patched.metadata.resourceVersion);
    assert.equal(now?.metadata.labels.tier, 'front');
    assert.equal(now?.node?.metadata.name, 'n1');
    // The other pod, unchanged, is still served whole (from the cache this time).
    const other = again.data?.pods.nodes.find((p) => p.metadata.name !== first.metadata.name);
    assert.deepEqual(other, before.data?.pods.nodes.find((p) => p.metadata.name === other?.metadata.name));
  });

  it('serves a deleted object no more', async () => {
    const cmRef = t.api.objects.resourceForKind(t.cluster, 'v1', 'ConfigMap');
    for (const name of ['one', 'two']) await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { k: name } });
    const names = async () => (await q<{ configMaps: { nodes: { metadata: { name: string } }[] } }>('{ configMaps(namespace: "shop") { nodes { metadata { name } } } }')).data?.configMaps.nodes.map((c) => c.metadata.name);
    assert.deepEqual(await names(), ['one', 'two']);
    await t.api.objects.delete(cmRef, 'shop', 'one', { requester: { username: 'test-admin', groups: ['system:masters'] } });
    assert.deepEqual(await names(), ['two']);
  });
});
