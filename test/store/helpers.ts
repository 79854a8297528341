// Shared set-up for store tests: one Store per test file on the test database,
// a fresh cluster per test.
import { Store, type StoreOptions } from '../../src/store/index.js';
import type { CollectionKey, KubeObject, ObjectKey, WatchEvent } from '../../src/store/index.js';
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

/** Takes the next `count` events from a watch, failing after `timeoutMs`. */
export async function take(watch: AsyncIterable<WatchEvent>, count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  if (count === 0) return events;
  const iterator = watch[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${events.length} of ${count} events: ${JSON.stringify(events.map(describe))}`)), timeoutMs);
  });
  try {
    while (events.length < count) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      events.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

/** `TYPE name@rv`, for compact assertions. */
export function describe(event: WatchEvent): string {
  return `${event.type} ${event.object.metadata.name ?? ''}@${event.object.metadata.resourceVersion ?? ''}`;
}
