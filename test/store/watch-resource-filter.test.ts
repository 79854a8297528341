// The watch hub reads only the objects of resources its watchers watch (other
// rows are passed over without their objects). A watcher of a new resource
// joining a feed mid-read must still get every change after its version.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CollectionKey, KubeObject, WatchEvent } from '../../src/store/index.js';
import { uniqueClusterName } from '../helpers/env.js';
import { keyOf, openTestStore, pod, take } from './helpers.js';

const store = openTestStore({ watch: { bookmarkIntervalMs: 50 } });
after(() => store.close());

const configMap = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });

describe('watch hub resource filter', { timeout: 30000 }, () => {
  it('a configmap watcher sees its changes among many pod writes, and its bookmarks pass the pods', async () => {
    const cluster = uniqueClusterName('filter');
    const configMaps: CollectionKey = { cluster, group: '', resource: 'configmaps', namespace: 'default' };
    const pods: CollectionKey = { cluster, group: '', resource: 'pods', namespace: 'default' };
    const start = await store.list(configMaps);
    const watch = await store.watch(configMaps, { resourceVersion: start.resourceVersion, allowBookmarks: true });
    let lastRv = 0;
    for (let i = 0; i < 30; i++) {
      const created = await Promise.all([store.create(pods, pod(`p-${i}`)), i % 10 === 0 ? store.create(configMaps, configMap(`cm-${i}`)) : undefined]);
      lastRv = Math.max(lastRv, ...created.map((o) => Number(o?.metadata.resourceVersion ?? 0)));
    }
    const events: WatchEvent[] = [];
    const iterator = watch[Symbol.asyncIterator]();
    const deadline = Date.now() + 10000;
    // Until a bookmark shows the feed read past the last pod write.
    while (Date.now() < deadline) {
      const next = await iterator.next();
      if (next.done === true) break;
      events.push(next.value);
      if (next.value.type === 'BOOKMARK' && Number(next.value.object.metadata.resourceVersion) >= lastRv) break;
    }
    watch.close();
    assert.deepEqual(events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED cm-0', 'ADDED cm-10', 'ADDED cm-20']);
    assert.ok(events.some((e) => e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) >= lastRv), 'a bookmark at or past the last pod write');
  });

  it('a pod watcher joining a feed that reads only configmaps, while pods are written, misses no pod change', async () => {
    for (let round = 0; round < 10; round++) {
      const cluster = uniqueClusterName('filter');
      const configMaps: CollectionKey = { cluster, group: '', resource: 'configmaps', namespace: 'default' };
      const pods: CollectionKey = { cluster, group: '', resource: 'pods', namespace: 'default' };
      const cmWatch = await store.watch(configMaps);
      let writing = true;
      const written: KubeObject[] = [];
      const writer = (async () => {
        for (let i = 0; writing || i < 20; i++) {
          written.push(await store.create(pods, pod(`p-${i}`)));
          if (i % 3 === 0) await store.update(keyOf(configMaps, 'noise'), configMap('noise')).catch(() => store.create(configMaps, configMap('noise')));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, round * 3));
      const list = await store.list(pods);
      const podWatch = await store.watch(pods, { resourceVersion: list.resourceVersion });
      await new Promise((resolve) => setTimeout(resolve, 30));
      writing = false;
      await writer;
      const expected = written.filter((o) => Number(o.metadata.resourceVersion) > Number(list.resourceVersion)).map((o) => `ADDED ${o.metadata.name}`);
      const events = await take(podWatch, expected.length);
      podWatch.close();
      cmWatch.close();
      assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), expected, `round ${round}`);
    }
  });
});
