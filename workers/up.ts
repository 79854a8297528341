// `kubeql up`: the whole cluster in one process, for development.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { startApi } from '../src/api/start.js';
import { ensureAdminKubeconfig } from '../src/auth/admin-credentials.js';
import { hashToken, issueToken } from '../src/auth/tokens.js';
import type { Config } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { secureUrl, servingCertificate } from '../src/infra/serving-certificate.js';
import { startBackingServices } from '../src/infra/backing-services.js';
import { holdComponentLease } from '../src/process/component-lease.js';
import { createLogger, type Logger } from '../src/log.js';
import { controllers } from '../src/controllers/index.js';
import { ControllerManager } from '../src/controllers/runtime/controller-manager.js';
import { rootCaPublisher } from '../src/controllers/root-ca-publisher.js';
import { serviceAccountTokenController } from '../src/controllers/serviceaccount-token.js';
import { startNodeAgent } from '../src/node/start.js';
import { SchedulerWorker } from '../src/scheduler/worker/scheduler-worker.js';
import type { ProcessContext } from '../src/process/main.js';
import { StartupError } from '../src/startup-error.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** `up` keeps the terminal for the banner; the log goes to dataDir/kubeql.log. */
export function upLogger(config: Config): Logger {
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.accessSync(config.dataDir, fs.constants.W_OK);
  } catch (err) {
    throw new StartupError(`data directory ${config.dataDir} cannot be written (${(err as Error).message}); set KUBEQL_DATA_DIR to a writable directory`);
  }
  return createLogger(config.logLevel, pino.destination({ dest: path.join(config.dataDir, 'kubeql.log'), sync: false }));
}

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const services = await startBackingServices(config, log, lifecycle, say);
  const applied = await migrate(services.databaseUrl, log);
  if (applied.length > 0) say(`Applied ${applied.length} migration(s).`);
  const tls = await servingCertificate(config);
  const api = await startApi({ host: config.host, port: config.port, databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, log, development: config.development, logWindowMs: config.logWindowMs, ...(tls ? { tls } : {}) });
  lifecycle.add('api', api.stop);
  const scheduler = new SchedulerWorker({ objects: api.objects, log, feed: { databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, resyncMs: config.resyncMs } });
  lifecycle.add('scheduler', () => scheduler.stop());
  await scheduler.start();
  const controllerManager = new ControllerManager({ objects: api.objects, controllers: [...controllers, serviceAccountTokenController({ prisma: api.prisma, ...(tls ? { caCertificate: tls.cert } : {}) }), ...(tls ? [rootCaPublisher({ caCertificate: tls.cert })] : [])], databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, log, resyncMs: config.resyncMs, ...(config.controllersMetricsAddress ? { metrics: config.controllersMetricsAddress } : {}) });
  lifecycle.add('controller-manager', () => controllerManager.stop());
  await controllerManager.start();
  for (const name of ['kube-scheduler', 'kube-controller-manager'] as const) holdComponentLease(lifecycle, { objects: api.objects, name, databaseUrl: services.databaseUrl, log });
  const server = tls ? secureUrl(config.apiUrl) : config.apiUrl;
  const kubeconfig = await ensureAdminKubeconfig(api.prisma, config.dataDir, config.defaultCluster, server, tls?.cert);
  if (config.nodes > 0) {
    // The in-process node agent is still only an API client, joining with a bootstrap token of its own.
    const nodeToken = await issueToken(api.prisma, { cluster: config.defaultCluster, kind: 'bootstrap', username: 'system:bootstrap:kubeql-up', groups: ['system:bootstrappers', 'system:authenticated'] });
    const agent = await startNodeAgent({ apiUrl: config.port === 0 ? `http://127.0.0.1:${api.port}` : config.apiUrl, token: nodeToken, log, nodes: config.nodes });
    lifecycle.add('node-agent', async () => {
      await agent.stop();
      await api.prisma.token.deleteMany({ where: { tokenHash: hashToken(nodeToken) } });
    });
  }
  say('');
  say(`kubeql is up (cluster "${config.defaultCluster}"). Stop with Ctrl-C; data stays in ${config.dataDir}.`);
  say(`  API:      ${server}${tls ? ` (and ${config.apiUrl})` : ''}`);
  say(`  GraphQL:  ${config.apiUrl}/graphql`);
  if (controllerManager.metricsUrl !== undefined) say(`  Metrics:  ${controllerManager.metricsUrl} (controller manager)`);
  say(`  Log:      ${path.join(config.dataDir, 'kubeql.log')}`);
  say('');
  say(`  export KUBECONFIG=${kubeconfig}`);
  say('  kubectl get namespaces');
  say('');
  lifecycle.add('banner', async () => say('kubeql stopped.'));
}
