import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError, CONTINUE_EXPIRED_MESSAGE, ExpiredError, TooLargeResourceVersionError, type CollectionKey } from '../../src/store/index.js';
import { keyOf, openTestStore, pod, podsIn } from './helpers.js';

const store = openTestStore();
after(() => store.close());

const names = (items: { metadata: { name?: string } }[]): string[] => items.map((o) => o.metadata.name ?? '');

describe('list selectors run in SQL', () => {
  let pods: CollectionKey;
  before(async () => {
    pods = podsIn();
    await store.create(pods, pod('a', { labels: { app: 'web', tier: 'front', n: '5' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } }));
    await store.create(pods, pod('b', { labels: { app: 'web', tier: 'back', n: '12' }, spec: { nodeName: 'n2' }, status: { phase: 'Pending' } }));
    await store.create(pods, pod('c', { labels: { app: 'db' } }));
    await store.create(pods, pod('d'));
  });

  const cases: [string, { labelSelector?: string; fieldSelector?: string }, string[]][] = [
    ['=', { labelSelector: 'app=web' }, ['a', 'b']],
    ['==', { labelSelector: 'app==db' }, ['c']],
    ['!= includes objects without the label', { labelSelector: 'app!=web' }, ['c', 'd']],
    ['in', { labelSelector: 'tier in (front,middle)' }, ['a']],
    ['notin includes objects without the label', { labelSelector: 'tier notin (front)' }, ['b', 'c', 'd']],
    ['exists', { labelSelector: 'tier' }, ['a', 'b']],
    ['!key', { labelSelector: '!app' }, ['d']],
    ['gt compares integers, not strings', { labelSelector: 'n>6' }, ['b']],
    ['lt', { labelSelector: 'n<6' }, ['a']],
    ['several requirements are ANDed', { labelSelector: 'app=web,tier!=front' }, ['b']],
    ['metadata.name', { fieldSelector: 'metadata.name=c' }, ['c']],
    ['metadata.namespace', { fieldSelector: 'metadata.namespace=default' }, ['a', 'b', 'c', 'd']],
    ['spec.nodeName', { fieldSelector: 'spec.nodeName=n2' }, ['b']],
    ['spec.nodeName= finds unscheduled pods', { fieldSelector: 'spec.nodeName=' }, ['c', 'd']],
    ['status.phase!=', { fieldSelector: 'status.phase!=Running' }, ['b', 'c', 'd']],
    ['labels and fields together', { labelSelector: 'app=web', fieldSelector: 'status.phase=Running' }, ['a']],
  ];
  for (const [name, options, want] of cases) {
    it(name, async () => assert.deepEqual(names((await store.list(pods, options)).items), want));
  }

  it('events select on involvedObject fields', async () => {
    const events = { ...pods, resource: 'events' };
    await store.create(events, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'a' }, reason: 'Started' });
    await store.create(events, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e2' }, involvedObject: { kind: 'Node', name: 'n1' } });
    assert.deepEqual(names((await store.list(events, { fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=a' })).items), ['e1']);
    assert.deepEqual(names((await store.list(events, { fieldSelector: 'reason=Started' })).items), ['e1']);
  });

  it('a malformed label selector is a 400 with a message', async () => {
    await assert.rejects(store.list(pods, { labelSelector: 'app in web' }), (err: unknown) => err instanceof BadRequestError && err.message === "unable to parse requirement: found 'web' expected: '('");
  });

  it('an unsupported field is a 400 naming it', async () => {
    await assert.rejects(store.list(pods, { fieldSelector: 'spec.replicas=1' }), { message: 'field label not supported: spec.replicas' });
  });

  it('in with several values matches any of them', async () => {
    const result = await store.list({ ...pods, namespace: '' }, { labelSelector: 'app in (web,db)' });
    assert.deepEqual(names(result.items), ['a', 'b', 'c']);
  });
});

describe('pagination', () => {
  it('pages come in name order and together hold every object once', async () => {
    const pods = podsIn();
    for (let i = 0; i < 7; i++) await store.create(pods, pod(`p${i}`));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(pods, { limit: 3, continue: token });
      seen.push(...names(page.items));
      token = page.continue;
      pages += 1;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('later pages show the first page\'s snapshot, whatever changed since', async () => {
    const pods = podsIn();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(pods, pod(name, { labels: { v: '1' } }));
    const first = await store.list(pods, { limit: 2 });
    assert.deepEqual(names(first.items), ['a', 'b']);
    // After the snapshot: c deleted, d modified, bb and f created.
    await store.delete(keyOf(pods, 'c'));
    const d = await store.get(keyOf(pods, 'd'));
    assert.ok(d);
    await store.update(keyOf(pods, 'd'), { ...d, metadata: { ...d.metadata, labels: { v: '2' } } });
    await store.create(pods, pod('bb'));
    await store.create(pods, pod('f'));
    const rest = await store.list(pods, { continue: first.continue });
    assert.equal(rest.resourceVersion, first.resourceVersion);
    assert.deepEqual(names(rest.items), ['c', 'd', 'e']);
    assert.deepEqual(rest.items.find((o) => o.metadata.name === 'd')?.metadata.labels, { v: '1' });
    // Selectors apply to the state at the snapshot: d already had v=2, e still had v=1.
    const selected = await store.list(pods, { limit: 1, labelSelector: 'v=1' });
    await store.update(keyOf(pods, 'e'), { ...(await store.get(keyOf(pods, 'e')))!, metadata: { name: 'e', labels: { v: '3' } } });
    const selectedRest = await store.list(pods, { labelSelector: 'v=1', continue: selected.continue });
    assert.deepEqual(names(selectedRest.items), ['b', 'e']);
  });

  it('a continue token older than the log window gets 410 Expired', async () => {
    const pods = podsIn();
    for (const name of ['a', 'b', 'c']) await store.create(pods, pod(name));
    const first = await store.list(pods, { limit: 1 });
    await store.update(keyOf(pods, 'c'), pod('c', { labels: { changed: 'yes' } }));
    await store.compact(0, pods.cluster);
    await assert.rejects(store.list(pods, { continue: first.continue }), (err: unknown) => {
      assert.ok(err instanceof ExpiredError);
      assert.equal(err.code, 410);
      assert.equal(err.message, CONTINUE_EXPIRED_MESSAGE);
      return true;
    });
  });

  it('a forged continue token is a 400', async () => {
    await assert.rejects(store.list(podsIn(), { continue: 'not-a-token' }), BadRequestError);
  });
});

describe('list resourceVersion', () => {
  it('Exact shows the state at that version', async () => {
    const pods = podsIn();
    const a = await store.create(pods, pod('a'));
    await store.create(pods, pod('b'));
    await store.delete(keyOf(pods, 'a'));
    const then = await store.list(pods, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.deepEqual(names(then.items), ['a']);
    assert.equal(then.resourceVersion, a.metadata.resourceVersion);
    assert.deepEqual(names((await store.list(pods)).items), ['b']);
    assert.deepEqual(names((await store.list(pods, { resourceVersion: '0' })).items), ['b']);
  });

  it('a version the store has not reached is refused', async () => {
    const pods = podsIn();
    await store.create(pods, pod('a'));
    await assert.rejects(store.list(pods, { resourceVersion: '5000' }), (err: unknown) => {
      assert.ok(err instanceof TooLargeResourceVersionError);
      assert.equal(err.message, 'Too large resource version: 5000, current: 1');
      return true;
    });
  });

  it('Exact at a compacted version gets too old resource version', async () => {
    const pods = podsIn();
    const a = await store.create(pods, pod('a'));
    await store.create(pods, pod('b'));
    await store.compact(0, pods.cluster);
    await assert.rejects(store.list(pods, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), {
      message: `too old resource version: ${a.metadata.resourceVersion} (2)`,
    });
  });
});
