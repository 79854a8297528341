// Shared set-up for store tests: one Store per test file on the test database,
// a fresh cluster per test.
import { Store, type StoreOptions } from '../../src/store/index.js';
import type { CollectionKey, KubeObject, ObjectKey } from '../../src/store/index.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

export function openTestStore(options: Partial<StoreOptions> = {}): Store {
  return new Store({ databaseUrl: testDatabaseUrl(), poolSize: 8, ...options });
}

export function podsIn(cluster = uniqueClusterName('store'), namespace = 'default'): CollectionKey {
  return { cluster, group: '', resource: 'pods', namespace };
}

export function keyOf(collection: CollectionKey, name: string): ObjectKey {
  return { ...collection, name };
}

export function pod(name: string, extra: Partial<KubeObject> & { labels?: Record<string, string> } = {}): KubeObject {
  const { labels, ...rest } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    ...rest,
  };
}
