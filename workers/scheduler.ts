// `kubeql scheduler`: the process that binds pods to nodes, for every cluster
// with pending pods on its queue (one snapshot and scheduling queue per cluster).
import { builtinRegistryFor } from '../src/api/resources/registry.js';
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { defaultAdmission } from '../src/objects/default-admission.js';
import { ObjectService } from '../src/objects/service.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';
import { holdComponentLease } from '../src/process/component-lease.js';
import { SchedulerWorker } from '../src/scheduler/worker/scheduler-worker.js';
import { Store } from '../src/store/store.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql scheduler');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  const store = new Store({ databaseUrl, log: log.child({ component: 'store' }) });
  lifecycle.add('store', () => store.close());
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  const scheduler = new SchedulerWorker({ objects, log, feed: { databaseUrl, redisUrl, resyncMs: config.resyncMs } });
  lifecycle.add('scheduler', () => scheduler.stop());
  await scheduler.start();
  holdComponentLease(lifecycle, { objects, name: 'kube-scheduler', databaseUrl, log });
  log.info('scheduler started');
}
