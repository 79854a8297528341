import { Redis } from 'ioredis';
import { TokenAuthenticator } from '../auth/tokens.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import { listen } from '../infra/ports.js';
import type { Logger } from '../log.js';
import { startGraphql } from './graphql/server.js';
import { createGraphqlSchema } from './graphql/schema.js';
import { registerDiscovery } from './discovery/register.js';
import { registerHealth } from './health.js';
import { registerOpenApi } from './openapi/register.js';
import { createApiServer } from './server.js';
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
}

export interface RunningApi {
  port: number;
  prisma: PrismaClient;
  router: Router;
  stop(): Promise<void>;
}

/** Starts the API server (REST, health, version) and its connections. */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const log = options.log.child({ component: 'api' });
  const prisma = createPrisma(options.databaseUrl);
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const authenticator = new TokenAuthenticator(prisma);
  const { server, router } = createApiServer({ authenticator, log });
  registerHealth(router, [
    { name: 'postgres', check: async () => void (await prisma.$queryRaw`SELECT 1`) },
    { name: 'redis', check: async () => void (await redis.ping()) },
  ]);
  registerVersion(router);
  registerDiscovery(router);
  registerOpenApi(router);
  const graphql = await startGraphql({ schema: createGraphqlSchema(), router, httpServer: server, authenticator, log, development: options.development ?? true });
  let port: number;
  try {
    port = await listen(server, options.host, options.port);
  } catch (err) {
    await graphql.stop();
    redis.disconnect();
    await prisma.$disconnect();
    throw err;
  }
  log.info({ host: options.host, port }, 'API listening');
  return {
    port,
    prisma,
    router,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Long-running requests (watches) are cut after a short grace.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await graphql.stop();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}
