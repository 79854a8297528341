// `kubeql scheduler` as a process holds the kube-scheduler Lease in every
// registered cluster and still drains on SIGTERM. It gets a database and a
// Redis logical database of its own: a real scheduler acts on every cluster it
// finds and would bind other tests' pods.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService } from '../../src/objects/service.js';
import { leaseHeld } from '../../src/process/component-lease.js';
import { Store } from '../../src/store/store.js';
import { eventually } from '../controllers/helpers.js';
import { isolatedEnv, RunningKubeql } from '../helpers/cli.js';
import { uniqueClusterName } from '../helpers/env.js';
import { privateBackends } from '../helpers/private-backends.js';

const backends = privateBackends('component_lease', 12);
const { databaseUrl, redisUrl } = backends;

let store: Store | undefined;
let proc: RunningKubeql | undefined;

before(async () => {
  await backends.create();
  store = new Store({ databaseUrl, poolSize: 2 });
});

after(async () => {
  await proc?.stop('SIGTERM');
  await store?.close();
  await backends.destroy();
});

it('kubeql scheduler holds kube-system/kube-scheduler in every registered cluster and exits 0 on SIGTERM', async () => {
  assert.ok(store);
  const clusters = [uniqueClusterName(), uniqueClusterName()];
  for (const name of clusters) await backends.sql('INSERT INTO clusters (name) VALUES ($1)', [name]);
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  proc = new RunningKubeql(['scheduler'], isolatedEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, KUBEQL_LOG_LEVEL: 'info' }));
  await proc.waitForOutput(/scheduler started/, 30_000);
  for (const cluster of clusters) {
    const lease = await eventually(async () => objects.get(objects.resource(cluster, 'coordination.k8s.io', 'v1', 'leases'), 'kube-system', 'kube-scheduler'), 15_000, `the Lease in ${cluster}`);
    assert.equal(leaseHeld(lease), true);
    assert.match((lease.spec as { holderIdentity: string }).holderIdentity, /^.+_[0-9a-f-]{36}$/);
  }
  const code = await proc.stop('SIGTERM');
  proc = undefined;
  assert.equal(code, 0);
});
