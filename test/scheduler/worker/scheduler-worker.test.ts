import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/log.js';
import type { ObjectService } from '../../../src/objects/service.js';
import { SchedulerWorker } from '../../../src/scheduler/worker/scheduler-worker.js';
import { uniqueClusterName } from '../../helpers/env.js';
import { ADMIN, eventually, nodeNameOf, nodeObject, openObjects, podObject, refs } from './helpers.js';

let objects: ObjectService;
before(() => {
  objects = openObjects();
});
after(async () => {
  await objects.store.close();
});

describe('scheduler worker', () => {
  it('picks up clusters its lister reports and schedules each one separately', async () => {
    const clusters = [uniqueClusterName('w'), uniqueClusterName('w')];
    const listed: string[] = [];
    const worker = new SchedulerWorker({ objects, log: silentLogger(), listClusters: async () => listed, discoveryIntervalMs: 50 });
    worker.start();
    try {
      for (const [i, cluster] of clusters.entries()) {
        const r = refs(objects, cluster);
        await objects.create(r.nodes, '', nodeObject(`only-in-${i}`), { requester: ADMIN });
        await objects.create(r.pods, 'default', podObject('web'), { requester: ADMIN });
        listed.push(cluster);
      }
      for (const [i, cluster] of clusters.entries()) {
        const r = refs(objects, cluster);
        assert.equal(await eventually(async () => nodeNameOf(await objects.get(r.pods, 'default', 'web')), 5000, `web in ${cluster}`), `only-in-${i}`);
      }
      assert.ok(worker.cluster(clusters[0] as string) !== worker.cluster(clusters[1] as string));
    } finally {
      await worker.stop();
    }
  });
});
