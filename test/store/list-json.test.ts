// Store.listJson returns the same lists as Store.list, with each item as its
// stored JSON text: same items in the same order, same pages, snapshots,
// resourceVersions and errors. One query serves both; these tests hold them together.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExpiredError, TooLargeResourceVersionError, type CollectionKey, type ListOptions, type ObjectList } from '../../src/store/index.js';
import { keyOf, openTestStore, pod, podsIn } from './helpers.js';

const store = openTestStore();
after(() => store.close());

/** Lists both ways and asserts they agree; returns the parsed list (for its continue token). */
async function sameBothWays(collection: CollectionKey, options: ListOptions = {}): Promise<ObjectList> {
  const parsed = await store.list(collection, options);
  const texts = await store.listJson(collection, options);
  assert.equal(texts.resourceVersion, parsed.resourceVersion);
  assert.equal(texts.continue, parsed.continue);
  assert.equal(texts.remainingItemCount, parsed.remainingItemCount);
  assert.equal(texts.items.length, parsed.items.length);
  for (const [i, text] of texts.items.entries()) {
    assert.equal(typeof text, 'string');
    // Same members in the same order: serialising both gives the same bytes.
    assert.equal(JSON.stringify(JSON.parse(text)), JSON.stringify(parsed.items[i]));
  }
  return parsed;
}

const names = (items: { metadata: { name?: string } }[]): string[] => items.map((o) => o.metadata.name ?? '');

describe('listJson gives the texts of the objects list gives', () => {
  it('current state, selectors, every namespace', async () => {
    const pods = podsIn();
    await store.create(pods, pod('a', { labels: { app: 'web' }, spec: { nodeName: 'n1' } }));
    await store.create(pods, pod('b', { labels: { app: 'db' } }));
    await store.create({ ...pods, namespace: 'other' }, pod('c', { labels: { app: 'web' } }));
    assert.deepEqual(names((await sameBothWays(pods)).items), ['a', 'b']);
    assert.deepEqual(names((await sameBothWays(pods, { labelSelector: 'app=web' })).items), ['a']);
    assert.deepEqual(names((await sameBothWays(pods, { fieldSelector: 'spec.nodeName=' })).items), ['b']);
    assert.deepEqual(names((await sameBothWays({ ...pods, namespace: '' })).items), ['a', 'b', 'c']);
    assert.deepEqual(names((await sameBothWays(pods, { resourceVersion: '0' })).items), ['a', 'b']);
    assert.deepEqual((await sameBothWays(pods, { labelSelector: 'app=none' })).items, []);
  });

  it('unicode, escapes and numbers in the stored JSON survive as text', async () => {
    const pods = podsIn();
    const labels = { 'example.com/ünï': 'ok', quote: 'a"b' } as Record<string, string>;
    await store.create(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'u',
        labels,
        annotations: { note: 'línea 1\nlínea\t2 "quoted" \\ back\\slash \u0001 ctl', emoji: '🚀 ✓ 日本語', html: '<a href="x">&amp;</a>', slash: 'a/b' },
      },
      spec: { containers: [{ name: 'c', image: 'nginx' }], priority: 1e21, terminationGracePeriodSeconds: 30, x: 0.5, neg: -12.25 },
    });
    const texts = await store.listJson(pods);
    const [text] = texts.items;
    assert.ok(text !== undefined);
    const object = JSON.parse(text) as { metadata: { annotations: Record<string, string>; labels: Record<string, string> } };
    assert.equal(object.metadata.annotations.note, 'línea 1\nlínea\t2 "quoted" \\ back\\slash \u0001 ctl');
    assert.equal(object.metadata.annotations.emoji, '🚀 ✓ 日本語');
    assert.equal(object.metadata.labels['example.com/ünï'], 'ok');
    await sameBothWays(pods);
  });

  it('pages: limit and continue, and later pages from the change log snapshot', async () => {
    const pods = podsIn();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(pods, pod(name, { labels: { v: '1' } }));
    const first = await sameBothWays(pods, { limit: 2 });
    assert.deepEqual(names(first.items), ['a', 'b']);
    assert.ok(first.continue);
    // Changes after the first page: the next pages still show its snapshot,
    // d and e as they were (prev_object in the change log), no f.
    await store.update(keyOf(pods, 'd'), { ...(await store.get(keyOf(pods, 'd')))!, metadata: { name: 'd', labels: { v: '2' } } });
    await store.delete(keyOf(pods, 'e'));
    await store.create(pods, pod('f'));
    const second = await sameBothWays(pods, { limit: 2, continue: first.continue });
    assert.deepEqual(names(second.items), ['c', 'd']);
    assert.deepEqual(second.items[1]?.metadata.labels, { v: '1' });
    const third = await sameBothWays(pods, { limit: 2, continue: second.continue });
    assert.deepEqual(names(third.items), ['e']);
    assert.equal(third.continue, undefined);
    // Selectors on the snapshot read the old labels too.
    assert.deepEqual(names((await sameBothWays(pods, { labelSelector: 'v=1', continue: first.continue })).items), ['c', 'd', 'e']);
  });

  it('resourceVersion Exact (a past state) and NotOlderThan', async () => {
    const pods = podsIn();
    const a = await store.create(pods, pod('a'));
    await store.create(pods, pod('b'));
    await store.update(keyOf(pods, 'a'), pod('a', { labels: { changed: 'yes' } }));
    await store.delete(keyOf(pods, 'b'));
    const then = await sameBothWays(pods, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.deepEqual(names(then.items), ['a']);
    assert.equal(then.items[0]?.metadata.labels, undefined);
    assert.deepEqual(names((await sameBothWays(pods, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'NotOlderThan' })).items), ['a']);
  });
});

describe('listJson fails as list does', () => {
  const sameError = async (collection: CollectionKey, options: ListOptions, check: (err: unknown) => boolean): Promise<void> => {
    await assert.rejects(store.list(collection, options), check);
    await assert.rejects(store.listJson(collection, options), check);
  };

  it('a compacted continue token is 410 Expired', async () => {
    const pods = podsIn();
    for (const name of ['a', 'b', 'c']) await store.create(pods, pod(name));
    const first = await store.listJson(pods, { limit: 1 });
    assert.equal(first.items.length, 1);
    await store.update(keyOf(pods, 'c'), pod('c', { labels: { changed: 'yes' } }));
    await store.compact(0, pods.cluster);
    await sameError(pods, { continue: first.continue! }, (err) => err instanceof ExpiredError && err.code === 410);
  });

  it('a version the store has not reached, and an Exact version compacted away', async () => {
    const pods = podsIn();
    const a = await store.create(pods, pod('a'));
    await store.create(pods, pod('b'));
    await sameError(pods, { resourceVersion: '5000' }, (err) => err instanceof TooLargeResourceVersionError);
    await store.compact(0, pods.cluster);
    await sameError(pods, { resourceVersion: a.metadata.resourceVersion!, resourceVersionMatch: 'Exact' }, (err) => err instanceof ExpiredError && err.message === `too old resource version: ${a.metadata.resourceVersion} (2)`);
  });
});
