// `kubeql controllers`: the process that runs the controllers and the outbox
// dispatcher feeding their queues. Any number may run against one PostgreSQL
// and one Redis; each key is reconciled by one of them at a time.
//   kubeql controllers [--metrics-bind-address HOST:PORT|0]
import { parseBindAddress, type BindAddress } from '../src/config.js';
import { builtinRegistryFor } from '../src/api/resources/registry.js';
import { controllers } from '../src/controllers/index.js';
import { ControllerManager } from '../src/controllers/runtime/controller-manager.js';
import { serviceAccountTokenController } from '../src/controllers/serviceaccount-token.js';
import { createPrisma } from '../src/db/prisma.js';
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { defaultAdmission } from '../src/objects/default-admission.js';
import { ObjectService } from '../src/objects/service.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';
import { holdComponentLease } from '../src/process/component-lease.js';
import { StartupError } from '../src/startup-error.js';
import { Store } from '../src/store/store.js';

/** The metrics address from `--metrics-bind-address` (or `=`), else the configured one. */
export function metricsAddressFromArgs(args: readonly string[], configured: BindAddress | undefined): BindAddress | undefined {
  let address = configured;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (flag !== '--metrics-bind-address') throw new StartupError(`unknown flag "${arg}" (usage: kubeql controllers [--metrics-bind-address HOST:PORT|0])`);
    const value = inline ?? args[(i += 1)];
    if (value === undefined || value === '') throw new StartupError('--metrics-bind-address needs a value (HOST:PORT, or 0 to turn metrics off)');
    address = parseBindAddress(value, '--metrics-bind-address');
  }
  return address;
}

export function controllersCommand(args: readonly string[]) {
  return (ctx: ProcessContext): Promise<void> => run(ctx, metricsAddressFromArgs(args, ctx.config.controllersMetricsAddress));
}

export async function run({ config, log, lifecycle }: ProcessContext, metrics: BindAddress | undefined = config.controllersMetricsAddress): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql controllers');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  const store = new Store({ databaseUrl, log: log.child({ component: 'store' }) });
  lifecycle.add('store', () => store.close());
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  // The service-account token controller issues credentials into the tokens table.
  const prisma = createPrisma(databaseUrl, { poolSize: 2 });
  lifecycle.add('prisma', () => prisma.$disconnect());
  const manager = new ControllerManager({ objects, controllers: [...controllers, serviceAccountTokenController({ prisma })], databaseUrl, redisUrl, log, resyncMs: config.resyncMs, ...(metrics ? { metrics } : {}) });
  lifecycle.add('controller-manager', () => manager.stop());
  await manager.start();
  holdComponentLease(lifecycle, { objects, name: 'kube-controller-manager', databaseUrl, log });
}
