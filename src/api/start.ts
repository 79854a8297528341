import { Redis } from 'ioredis';
import { TokenAuthenticator } from '../auth/tokens.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import { listen } from '../infra/ports.js';
import type { Logger } from '../log.js';
import { startGraphql } from './graphql/server.js';
import { createGraphqlSchema } from './graphql/schema.js';
import { registerDiscovery } from './discovery/register.js';
import { registerHealth } from './health.js';
import { registerRest } from './rest/handlers.js';
import { podStreamUpgrade } from './rest/pod-proxy/index.js';
import { registerLeaseRenewals } from './rest/lease-renewals.js';
import { registerPodStatusBatch } from './rest/pod-status-batch.js';
import { registerNodeAgentJoin } from './authz/join.js';
import { builtinRegistryFor } from './resources/registry.js';
import { Store } from '../store/store.js';
import { PgNodeBindLock } from '../objects/node-bind-lock.js';
import { ObjectService } from '../objects/service.js';
import { advertisedAddress } from '../objects/bootstrap/index.js';
import { defaultAdmission } from '../objects/default-admission.js';
import { registerOpenApi } from './openapi/register.js';
import { createApiServer } from './server.js';
import { DualProtocolServer } from './http/dual-protocol.js';
import type { ServingCertificate } from '../infra/pki.js';
import type { Router } from './http/router.js';
import { registerVersion } from './version.js';

export interface ApiOptions {
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  log: Logger;
  /** GraphQL introspection and landing page. @defaultValue true */
  development?: boolean;
  /** TLS certificate for the API; kubectl sends tokens only over TLS. Without it the API speaks plain HTTP only. */
  tls?: ServingCertificate;
  /** Change-log window kept for watches and continue tokens (Config.logWindowMs). @defaultValue 300000 */
  logWindowMs?: number;
}

export interface RunningApi {
  port: number;
  prisma: PrismaClient;
  router: Router;
  store: Store;
  objects: ObjectService;
  stop(): Promise<void>;
}

/** Starts the API server (REST, health, version) and its connections. */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const log = options.log.child({ component: 'api' });
  const prisma = createPrisma(options.databaseUrl);
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const authenticator = new TokenAuthenticator(prisma);
  const { handler, router } = createApiServer({ authenticator, log });
  const server = new DualProtocolServer(handler, options.tls);
  registerHealth(router, [
    { name: 'postgres', check: async () => void (await prisma.$queryRaw`SELECT 1`) },
    { name: 'redis', check: async () => void (await redis.ping()) },
  ]);
  registerVersion(router);
  const store = new Store({ databaseUrl: options.databaseUrl, log: log.child({ component: 'store' }), compaction: { windowMs: options.logWindowMs ?? 300_000 } });
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  // pods/binding from any client takes the same per-node PostgreSQL lock as
  // the scheduler, so an external scheduler and kubeql's cannot overcommit a node.
  const bindLock = new PgNodeBindLock({ databaseUrl: options.databaseUrl, log: log.child({ component: 'bind-lock' }), connections: 8 });
  objects.nodeBindLock = bindLock;
  registerDiscovery(router);
  registerOpenApi(router);
  registerLeaseRenewals(router, objects);
  registerPodStatusBatch(router, objects);
  registerNodeAgentJoin(router, prisma);
  registerRest(router, objects, { prisma });
  const removePodStreams = server.onUpgrade(podStreamUpgrade({ authenticator, objects, log }));
  const graphql = await startGraphql({ schema: createGraphqlSchema(), router, onUpgrade: (listener) => server.onUpgrade(listener), authenticator, log, development: options.development ?? true, objects });
  let port: number;
  try {
    port = await listen(server.listener, options.host, options.port);
  } catch (err) {
    await graphql.stop();
    await bindLock.close();
    await store.close();
    redis.disconnect();
    await prisma.$disconnect();
    throw err;
  }
  // Clusters bootstrapped from now on point default/kubernetes at this replica.
  objects.apiEndpoint = { address: advertisedAddress(options.host), port };
  log.info({ host: options.host, port }, 'API listening');
  return {
    port,
    prisma,
    router,
    store,
    objects,
    async stop() {
      removePodStreams();
      await server.close();
      await graphql.stop();
      await bindLock.close();
      await store.close();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}
