import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, type KubeObject, type Store } from '../../src/store/index.js';
import { keyOf, openTestStore, pod, podsIn, take } from './helpers.js';

// Several Store instances stand for several API processes: separate pools,
// separate committers, the same database.
const stores: Store[] = [];
function open(options: Parameters<typeof openTestStore>[0] = {}): Store {
  const store = openTestStore({ poolSize: 4, ...options });
  stores.push(store);
  return store;
}
after(() => Promise.all(stores.map((s) => s.close())));

describe('concurrent writers', () => {
  it('N writers updating one object: each write succeeds with a new version or gets Conflict; none is lost', async () => {
    const writers = [open(), open(), open()];
    const pods = podsIn();
    const key = keyOf(pods, 'shared');
    await writers[0]!.create(pods, pod('shared', { metadata: { name: 'shared', annotations: { writers: '' } } }));
    const versions: string[] = [];
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 24 }, async (_, id) => {
        const store = writers[id % writers.length] as Store;
        for (;;) {
          const current = (await store.get(key)) as KubeObject;
          const list = current.metadata.annotations?.writers ?? '';
          const next = { ...current, metadata: { ...current.metadata, annotations: { writers: `${list}${list === '' ? '' : ','}${id}` } } };
          try {
            const written = await store.update(key, next);
            versions.push(written.metadata.resourceVersion as string);
            return;
          } catch (err) {
            assert.ok(err instanceof ConflictError, String(err));
            conflicts += 1;
          }
        }
      }),
    );
    const final = (await writers[0]!.get(key)) as KubeObject;
    const ids = (final.metadata.annotations?.writers ?? '').split(',').map(Number).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 24 }, (_, i) => i));
    assert.equal(new Set(versions).size, 24, 'every success got its own version');
    assert.ok(conflicts > 0, 'writers raced');
    assert.equal(final.metadata.resourceVersion, versions.map(Number).sort((a, b) => a - b).pop()?.toString());
  });

  it('resourceVersion order is commit order across processes, even with transactions held open for random times', async () => {
    const writers = Array.from({ length: 4 }, () => open({ beforeCommit: () => sleep(Math.random() * 15) }));
    // The watcher's own poll is slowed down so that only NOTIFY wake-ups drive it.
    const watcherStore = open({ watch: { pollIntervalMs: 60_000 } });
    const pods = podsIn();
    const watch = await watcherStore.watch(pods, { resourceVersion: '0' });
    const perWriter = 20;
    await Promise.all(
      writers.map((store, w) =>
        Promise.all(Array.from({ length: 4 }, async (_, lane) => {
          for (let i = lane; i < perWriter; i += 4) await store.create(pods, pod(`w${w}-${i}`));
        })),
      ),
    );
    const events = await take(watch, writers.length * perWriter, 10_000);
    watch.close();
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(versions, Array.from({ length: writers.length * perWriter }, (_, i) => i + 1), 'every version once, in order, no gaps');
    assert.equal(new Set(events.map((e) => e.object.metadata.name)).size, writers.length * perWriter);
  });

  it('a batch holding a failing write still commits the others', async () => {
    const store = open();
    const pods = podsIn();
    const results = await Promise.allSettled([
      store.create(pods, pod('a')),
      store.create(pods, pod('bad', { spec: { note: '\u0000' } })),
      store.create(pods, pod('a')),
      store.create(pods, pod('c')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const list = await store.list(pods);
    assert.deepEqual(list.items.map((o) => o.metadata.name), ['a', 'c']);
    assert.deepEqual(list.items.map((o) => o.metadata.resourceVersion), ['1', '2']);
  });
});
