import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../../../src/log.js';
import type { ObjectService } from '../../../src/objects/service.js';
import { SchedulerWorker } from '../../../src/scheduler/worker/scheduler-worker.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from '../../helpers/env.js';
import { ADMIN, eventually, nodeNameOf, nodeObject, openObjects, podObject, refs } from './helpers.js';

let objects: ObjectService;
before(() => {
  objects = openObjects();
});
after(async () => {
  await objects.store.close();
});

function worker(clusters: string[], feed: { prefix: string; consumer: string }): SchedulerWorker {
  return new SchedulerWorker({ objects, log: silentLogger(), feed: { databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), ...feed, clusters, pollIntervalMs: 100, resyncMs: 0 } });
}

const freshFeed = (): { prefix: string; consumer: string } => {
  const id = randomBytes(4).toString('hex');
  return { prefix: `kq-sched-${id}`, consumer: `sched-${id}` };
};

describe('scheduler worker', () => {
  it('starts a scheduler for each cluster its queue brings pods of, and schedules each one separately', async () => {
    const clusters = [uniqueClusterName('w'), uniqueClusterName('w')];
    const w = worker(clusters, freshFeed());
    await w.start();
    try {
      for (const [i, cluster] of clusters.entries()) {
        const r = refs(objects, cluster);
        await objects.create(r.nodes, '', nodeObject(`only-in-${i}`), { requester: ADMIN });
        await objects.create(r.pods, 'default', podObject('web'), { requester: ADMIN });
      }
      for (const [i, cluster] of clusters.entries()) {
        const r = refs(objects, cluster);
        assert.equal(await eventually(async () => nodeNameOf(await objects.get(r.pods, 'default', 'web')), 5000, `web in ${cluster}`), `only-in-${i}`);
      }
      assert.ok(w.cluster(clusters[0] as string) !== undefined && w.cluster(clusters[0] as string) !== w.cluster(clusters[1] as string));
    } finally {
      await w.stop();
    }
  });

  it('a restarted scheduler whose queue Redis lost finds every pending pod again from PostgreSQL', async () => {
    const cluster = uniqueClusterName('w');
    const r = refs(objects, cluster);
    const feed = freshFeed();
    // The first run moves the dispatcher cursor past the pods' creation ...
    const first = worker([cluster], feed);
    await first.start();
    await objects.create(r.nodes, '', nodeObject('n', { labels: { pool: 'later' } }), { requester: ADMIN });
    for (let i = 0; i < 5; i++) await objects.create(r.pods, 'default', podObject(`p${i}`, { spec: { nodeSelector: { pool: 'now' } } }), { requester: ADMIN });
    await eventually(async () => (first.cluster(cluster)?.queueSizes.unschedulable === 5 ? true : undefined), 5000, 'five unschedulable pods');
    await first.stop();
    // ... then Redis loses the queue and the pods become schedulable while no scheduler runs.
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('default-scheduler', { connection: redis, prefix: feed.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    const node = await objects.get(r.nodes, '', 'n');
    await objects.update(r.nodes, '', 'n', { ...node, metadata: { ...node.metadata, labels: { pool: 'now' } } }, { requester: ADMIN });
    const second = worker([cluster], feed);
    await second.start();
    try {
      for (let i = 0; i < 5; i++) assert.equal(await eventually(async () => nodeNameOf(await objects.get(r.pods, 'default', `p${i}`)), 5000, `p${i} bound`), 'n');
    } finally {
      await second.stop();
    }
  });
});
