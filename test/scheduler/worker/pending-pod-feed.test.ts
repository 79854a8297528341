// A pending pod whose queueing fails (a database read that failed, say) is
// tried again with back-off instead of waiting for the next periodic resync.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { silentLogger } from '../../../src/log.js';
import { ReconcileQueues, type ReconcileKey } from '../../../src/queue/index.js';
import { PendingPodFeed } from '../../../src/scheduler/worker/pending-pod-feed.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from '../../helpers/env.js';

describe('pending pod feed', () => {
  it('retries a key whose handler failed until it succeeds', async () => {
    const schedulerName = `retry-${Date.now().toString(36)}`;
    const prefix = `kubeql-test-${schedulerName}`;
    const key: ReconcileKey = { cluster: uniqueClusterName('feed'), namespace: 'default', name: 'web' };
    const calls: number[] = [];
    let done: () => void = () => undefined;
    const succeeded = new Promise<void>((resolve) => (done = resolve));
    const feed = new PendingPodFeed({
      databaseUrl: testDatabaseUrl(),
      redisUrl: testRedisUrl(),
      log: silentLogger(),
      schedulerName,
      prefix,
      dispatch: false,
      onPod: (k) => {
        assert.deepEqual(k, key);
        calls.push(Date.now());
        if (calls.length < 3) return Promise.reject(new Error('database unavailable'));
        done();
        return Promise.resolve();
      },
    });
    await feed.start();
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queues = new ReconcileQueues({ connection, prefix });
    try {
      await queues.enqueue(schedulerName, key);
      await Promise.race([succeeded, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${calls.length} calls`)), 10_000))]);
      assert.equal(calls.length, 3);
      // Back-off: the second retry waited longer than the first.
      assert.ok(calls[2]! - calls[1]! >= calls[1]! - calls[0]!, JSON.stringify(calls));
    } finally {
      await feed.stop();
      await queues.close();
      connection.disconnect();
    }
  });
});
