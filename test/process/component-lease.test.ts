// Component Leases (kube-scheduler, kube-controller-manager) as client-go's
// leader election keeps them: the first replica takes the Lease, another
// stands by while it is renewed and takes it over once it expires.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService } from '../../src/objects/service.js';
import { leaseHeld, startComponentLease } from '../../src/process/component-lease.js';
import { Store } from '../../src/store/store.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
after(() => store.close());

interface LeaseSpec {
  holderIdentity: string;
  leaseDurationSeconds: number;
  leaseTransitions: number;
  renewTime: string;
  acquireTime: string;
}

async function lease(cluster: string): Promise<LeaseSpec> {
  const found = await objects.get(objects.resource(cluster, 'coordination.k8s.io', 'v1', 'leases'), 'kube-system', 'kube-scheduler');
  return found.spec as LeaseSpec;
}

describe('component lease', () => {
  it('the first replica takes the Lease in every cluster it is given; a second stands by while it is renewed', async () => {
    const clusters = [uniqueClusterName(), uniqueClusterName()];
    const first = startComponentLease({ objects, name: 'kube-scheduler', clusters: () => Promise.resolve(clusters), identity: 'first', renewIntervalMs: 60_000 });
    await first.renewNow();
    const second = startComponentLease({ objects, name: 'kube-scheduler', clusters: () => Promise.resolve(clusters), identity: 'second', renewIntervalMs: 60_000 });
    try {
      await second.renewNow();
      for (const cluster of clusters) {
        const spec = await lease(cluster);
        assert.equal(spec.holderIdentity, 'first');
        assert.equal(spec.leaseDurationSeconds, 15);
        assert.equal(spec.leaseTransitions, 0);
        assert.match(spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      }
      const before = (await lease(clusters[0] ?? '')).renewTime;
      await new Promise((r) => setTimeout(r, 5));
      await first.renewNow();
      const renewed = await lease(clusters[0] ?? '');
      assert.equal(renewed.holderIdentity, 'first');
      assert.ok(renewed.renewTime > before, `${renewed.renewTime} after ${before}`);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('an expired Lease is taken over and counted as a transition; it is no longer held once its duration passes', async () => {
    const cluster = uniqueClusterName();
    const gone = startComponentLease({ objects, name: 'kube-scheduler', clusters: () => Promise.resolve([cluster]), identity: 'gone', leaseDurationSeconds: 1, renewIntervalMs: 60_000 });
    await gone.renewNow();
    await gone.stop();
    const leases = objects.resource(cluster, 'coordination.k8s.io', 'v1', 'leases');
    assert.equal(leaseHeld(await objects.get(leases, 'kube-system', 'kube-scheduler')), true);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(leaseHeld(await objects.get(leases, 'kube-system', 'kube-scheduler')), false);
    const next = startComponentLease({ objects, name: 'kube-scheduler', clusters: () => Promise.resolve([cluster]), identity: 'next', renewIntervalMs: 60_000 });
    try {
      await next.renewNow();
      const spec = await lease(cluster);
      assert.equal(spec.holderIdentity, 'next');
      assert.equal(spec.leaseTransitions, 1);
      assert.equal(spec.leaseDurationSeconds, 15);
    } finally {
      await next.stop();
    }
  });
});
