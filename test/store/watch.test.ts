import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ExpiredError, TooLargeResourceVersionError, WatchOverflowError, type KubeObject, type WatchEvent } from '../../src/store/index.js';
import { testDatabaseUrl } from '../helpers/env.js';
import { describe as show, keyOf, openTestStore, pod, podsIn, take } from './helpers.js';

const store = openTestStore({ watch: { bookmarkIntervalMs: 100, bufferSize: 50 } });
after(() => store.close());

const label = (o: KubeObject, labels: Record<string, string>): KubeObject => ({ ...o, metadata: { ...o.metadata, labels } });

describe('watch', { timeout: 20000 }, () => {
  it('delivers ADDED, MODIFIED and DELETED after the list version, in order', async () => {
    const pods = podsIn();
    await store.create(pods, pod('before'));
    const list = await store.list(pods);
    const watch = await store.watch(pods, { resourceVersion: list.resourceVersion });
    const a = await store.create(pods, pod('a'));
    const a2 = await store.update(keyOf(pods, 'a'), label(a, { x: 'y' }));
    const gone = await store.delete(keyOf(pods, 'a'));
    const events = await take(watch, 3);
    watch.close();
    assert.deepEqual(events.map(show), [
      `ADDED a@${a.metadata.resourceVersion}`,
      `MODIFIED a@${a2.metadata.resourceVersion}`,
      `DELETED a@${gone.object.metadata.resourceVersion}`,
    ]);
  });

  it('without a version starts with the current objects as ADDED, then changes', async () => {
    const pods = podsIn();
    await store.create(pods, pod('one'));
    await store.create(pods, pod('two'));
    const watch = await store.watch(pods);
    await store.create(pods, pod('three'));
    const events = await take(watch, 3);
    watch.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED one', 'ADDED two', 'ADDED three']);
  });

  it('an object leaving the selector arrives as DELETED, one entering as ADDED', async () => {
    const pods = podsIn();
    const web = await store.create(pods, pod('web', { labels: { app: 'web' } }));
    const db = await store.create(pods, pod('db', { labels: { app: 'db' } }));
    const list = await store.list(pods, { labelSelector: 'app=web' });
    const watch = await store.watch(pods, { resourceVersion: list.resourceVersion, labelSelector: 'app=web' });
    const moved = await store.update(keyOf(pods, 'web'), label(web, { app: 'other' }));
    const joined = await store.update(keyOf(pods, 'db'), label(db, { app: 'web' }));
    const events = await take(watch, 2);
    watch.close();
    assert.deepEqual(events.map(show), [`DELETED web@${moved.metadata.resourceVersion}`, `ADDED db@${joined.metadata.resourceVersion}`]);
    // The DELETED event shows the object as the watcher last saw it (still matching).
    assert.deepEqual(events[0]?.object.metadata.labels, { app: 'web' });
  });

  it('field selectors filter events too', async () => {
    const pods = podsIn();
    const watch = await store.watch(pods, { resourceVersion: (await store.list(pods)).resourceVersion, fieldSelector: 'spec.nodeName=n1' });
    await store.create(pods, pod('elsewhere', { spec: { nodeName: 'n2' } }));
    await store.create(pods, pod('here', { spec: { nodeName: 'n1' } }));
    const events = await take(watch, 1);
    watch.close();
    assert.deepEqual(events.map((e) => e.object.metadata.name), ['here']);
  });

  it('a dropped watcher resumed from its last version misses nothing and repeats nothing', async () => {
    const pods = podsIn();
    const start = (await store.list(pods)).resourceVersion;
    const first = await store.watch(pods, { resourceVersion: start });
    const writes = (async () => {
      for (let i = 0; i < 40; i++) await store.create(pods, pod(`p${i}`));
    })();
    const seen: WatchEvent[] = await take(first, 15);
    first.close();
    const last = seen[seen.length - 1]?.object.metadata.resourceVersion as string;
    const second = await store.watch(pods, { resourceVersion: last });
    await writes;
    seen.push(...(await take(second, 25)));
    second.close();
    assert.deepEqual(
      seen.map((e) => e.object.metadata.name),
      Array.from({ length: 40 }, (_, i) => `p${i}`),
    );
    const versions = seen.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(versions, [...versions].sort((x, y) => x - y));
  });

  it('sends bookmarks when asked, at the latest version passed', async () => {
    const pods = podsIn();
    const created = await store.create(pods, pod('a'));
    const watch = await store.watch(pods, { resourceVersion: created.metadata.resourceVersion, allowBookmarks: true });
    const [event] = await take(watch, 1, 2000);
    watch.close();
    assert.equal(event?.type, 'BOOKMARK');
    assert.ok(Number(event?.object.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
  });

  it('a watcher that falls behind is closed with a version it can resume from', async () => {
    const pods = podsIn();
    const start = (await store.list(pods)).resourceVersion;
    const slow = await store.watch(pods, { resourceVersion: start });
    for (let i = 0; i < 80; i++) await store.create(pods, pod(`p${String(i).padStart(2, '0')}`));
    const received: WatchEvent[] = [];
    let overflow: WatchOverflowError | undefined;
    try {
      for await (const event of slow) received.push(event);
    } catch (err) {
      assert.ok(err instanceof WatchOverflowError, String(err));
      overflow = err;
    }
    assert.ok(overflow !== undefined, 'the slow watcher was closed');
    assert.ok(received.length >= 50 && received.length < 80, `buffered ${received.length}`);
    assert.equal(overflow.resourceVersion, received[received.length - 1]?.object.metadata.resourceVersion);
    const resumed = await store.watch(pods, { resourceVersion: overflow.resourceVersion });
    received.push(...(await take(resumed, 80 - received.length)));
    resumed.close();
    assert.deepEqual(
      received.map((e) => e.object.metadata.name),
      Array.from({ length: 80 }, (_, i) => `p${String(i).padStart(2, '0')}`),
    );
  });

  it('a polling consumer is told of each change from inside the commit that offered it, and takes it without waiting', async () => {
    const pods = podsIn();
    const watch = await store.watch(pods, { resourceVersion: (await store.list(pods)).resourceVersion });
    assert.equal(watch.poll(), undefined, 'nothing buffered yet');
    const seen: string[] = [];
    watch.onReadable(() => {
      for (let item = watch.poll(); item !== undefined && item.done !== true; item = watch.poll()) seen.push(show(item.value));
    });
    const a = await store.create(pods, pod('a'));
    // The commit's own process offers from memory before the write returns.
    assert.deepEqual(seen, [`ADDED a@${a.metadata.resourceVersion}`]);
    const b = await store.create(pods, pod('b'));
    assert.deepEqual(seen, [`ADDED a@${a.metadata.resourceVersion}`, `ADDED b@${b.metadata.resourceVersion}`]);
    watch.close();
    assert.deepEqual(watch.poll(), { done: true, value: undefined });
  });

  it('a polling consumer that falls behind gets the buffered events, then the overflow error once, then the end', async () => {
    const pods = podsIn();
    const watch = await store.watch(pods, { resourceVersion: (await store.list(pods)).resourceVersion });
    for (let i = 0; i < 60; i++) await store.create(pods, pod(`p${i}`));
    const names: string[] = [];
    let overflow: unknown;
    for (;;) {
      let item;
      try {
        item = watch.poll();
      } catch (err) {
        overflow = err;
        continue;
      }
      if (item === undefined || item.done === true) {
        assert.ok(item !== undefined, 'an ended watch says so instead of waiting');
        break;
      }
      names.push(item.value.object.metadata.name ?? '');
    }
    assert.ok(overflow instanceof WatchOverflowError, String(overflow));
    assert.equal(names.length, 50, 'the buffer bound (50 in this store)');
    assert.equal(overflow.resourceVersion, String(Number((await store.list(pods)).resourceVersion) - 10));
  });

  it('a version the store has not reached is refused', async () => {
    const pods = podsIn();
    await store.create(pods, pod('a'));
    await assert.rejects(store.watch(pods, { resourceVersion: '999999' }), TooLargeResourceVersionError);
  });

  it('a compacted version gets 410 Expired: too old resource version', async () => {
    const cluster = podsIn();
    const first = await store.create(cluster, pod('a'));
    await store.create(cluster, pod('b'));
    await store.compact(0, cluster.cluster);
    const latest = await store.create(cluster, pod('c'));
    await assert.rejects(store.watch(cluster, { resourceVersion: first.metadata.resourceVersion }), (err: unknown) => {
      assert.ok(err instanceof ExpiredError);
      assert.equal(err.code, 410);
      assert.match(err.message, new RegExp(`^too old resource version: ${first.metadata.resourceVersion} \\(\\d+\\)$`));
      return true;
    });
    // From the horizon on, watching still works.
    const watch = await store.watch(cluster, { resourceVersion: String(Number(latest.metadata.resourceVersion) - 1) });
    const events = await take(watch, 1);
    watch.close();
    assert.deepEqual(events.map((e) => e.object.metadata.name), ['c']);
  });
});

describe('watch wake-ups across processes', { timeout: 20000 }, () => {
  it("this process's commits, interleaved with another process's, arrive once each, in order, with selector transitions", async () => {
    // Own commits are offered from memory when they follow the hub's cursor and
    // read from the log otherwise; the other store stands for another API replica.
    const other = openTestStore();
    try {
      const pods = podsIn();
      const all = await store.watch(pods, { resourceVersion: '0' });
      const web = await store.watch(pods, { resourceVersion: '0', labelSelector: 'tier=web' });
      const writes: Promise<KubeObject>[] = [];
      for (let i = 0; i < 40; i++) {
        const writer = i % 3 === 0 ? other : store;
        writes.push(writer.create(pods, pod(`p-${i}`, { labels: { tier: i % 2 === 0 ? 'web' : 'db' } })));
      }
      const created = await Promise.all(writes);
      // Own writes that move objects out of and into the selector: the watcher needs the previous object.
      const moved = await store.update(keyOf(pods, 'p-0'), label(created[0] as KubeObject, { tier: 'db' }));
      await store.update(keyOf(pods, 'p-1'), label(created[1] as KubeObject, { tier: 'web' }));
      await other.update(keyOf(pods, 'p-0'), label(moved, { tier: 'web' }));
      const events = await take(all, 43, 5000);
      const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'in resourceVersion order');
      assert.equal(new Set(versions).size, 43, 'no change twice');
      const webEvents = await take(web, 23, 5000);
      all.close();
      web.close();
      assert.deepEqual(
        webEvents.slice(20).map((e) => `${e.type} ${e.object.metadata.name}`),
        ['DELETED p-0', 'ADDED p-1', 'ADDED p-0'],
      );
    } finally {
      await other.close();
    }
  });

  it('a watcher in another process is woken by NOTIFY, and after its listener reconnects it re-reads from its cursor', async () => {
    const listenerName = `kubeql-test-listener-${process.pid}-${Date.now()}`;
    // Polling is slowed down so that only NOTIFY (or the reconnect re-read) can deliver.
    const watching = openTestStore({ watch: { pollIntervalMs: 600_000, listenerName } });
    const writing = openTestStore();
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const pods = podsIn();
      const watch = await watching.watch(pods, { resourceVersion: '0' });
      await writing.create(pods, pod('before'));
      assert.deepEqual((await take(watch, 1, 3000)).map((e) => e.object.metadata.name), ['before']);
      // Cut the LISTEN connection; write while it is down.
      const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [listenerName]);
      assert.equal(killed.rowCount, 1);
      await writing.create(pods, pod('during'));
      await writing.create(pods, pod('after'));
      const events = await take(watch, 2, 5000);
      watch.close();
      assert.deepEqual(events.map((e) => e.object.metadata.name), ['during', 'after']);
    } finally {
      await admin.end();
      await writing.close();
      await watching.close();
    }
  });
});
