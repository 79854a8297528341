// `kubeql scheduler` as a process holds the kube-scheduler Lease in every
// registered cluster and still drains on SIGTERM. It gets a database and a
// Redis logical database of its own: a real scheduler acts on every cluster it
// finds and would bind other tests' pods.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { Redis } from 'ioredis';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { migrate } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService } from '../../src/objects/service.js';
import { leaseHeld } from '../../src/process/component-lease.js';
import { Store } from '../../src/store/store.js';
import { eventually } from '../controllers/helpers.js';
import { isolatedEnv, RunningKubeql } from '../helpers/cli.js';
import { testDatabaseUrl, testRedisUrl, uniqueClusterName } from '../helpers/env.js';

const databaseName = `kq_component_lease_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${databaseName}`;
  return url.toString();
})();
// A Redis logical database no other test uses, emptied afterwards.
const redisUrl = (() => {
  const url = new URL(testRedisUrl());
  url.pathname = '/12';
  return url.toString();
})();

async function sql(connectionString: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

let store: Store | undefined;
let proc: RunningKubeql | undefined;

before(async () => {
  await sql(testDatabaseUrl(), `CREATE DATABASE ${databaseName}`);
  await migrate(databaseUrl, silentLogger());
  store = new Store({ databaseUrl, poolSize: 2 });
});

after(async () => {
  await proc?.stop('SIGTERM');
  await store?.close();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  await redis.flushdb();
  redis.disconnect();
  await sql(testDatabaseUrl(), `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

it('kubeql scheduler holds kube-system/kube-scheduler in every registered cluster and exits 0 on SIGTERM', async () => {
  assert.ok(store);
  const clusters = [uniqueClusterName(), uniqueClusterName()];
  for (const name of clusters) await sql(databaseUrl, 'INSERT INTO clusters (name) VALUES ($1)', [name]);
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
