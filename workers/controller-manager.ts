// `kubeql controllers`: the process that runs the controllers and the outbox
// dispatcher feeding their queues. Any number may run against one PostgreSQL
// and one Redis; each key is reconciled by one of them at a time.
import { builtinRegistryFor } from '../src/api/resources/registry.js';
import { controllers } from '../src/controllers/index.js';
import { ControllerManager } from '../src/controllers/runtime/controller-manager.js';
import { serviceAccountTokenController } from '../src/controllers/serviceaccount-token.js';
import { createPrisma } from '../src/db/prisma.js';
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { defaultAdmission } from '../src/objects/default-admission.js';
import { ObjectService } from '../src/objects/service.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';
import { Store } from '../src/store/store.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql controllers');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  const store = new Store({ databaseUrl, log: log.child({ component: 'store' }) });
  lifecycle.add('store', () => store.close());
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  // The service-account token controller issues credentials into the tokens table.
  const prisma = createPrisma(databaseUrl, { poolSize: 2 });
  lifecycle.add('prisma', () => prisma.$disconnect());
  const manager = new ControllerManager({ objects, controllers: [...controllers, serviceAccountTokenController({ prisma })], databaseUrl, redisUrl, log, resyncMs: config.resyncMs });
  lifecycle.add('controller-manager', () => manager.stop());
  await manager.start();
}
