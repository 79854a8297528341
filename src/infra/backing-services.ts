import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Lifecycle } from '../process/lifecycle.js';
import { checkPostgres, checkRedis } from './connect.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startLocalRedis } from './redis-server.js';

export interface BackingServices {
  databaseUrl: string;
  redisUrl: string;
  /** Which of the two were started here rather than given by URL. */
  embedded: { postgres: boolean; redis: boolean };
}

/**
 * PostgreSQL and Redis for an all-in-one process: the ones DATABASE_URL and
 * REDIS_URL name, or an embedded PostgreSQL and a local redis-server keeping
 * their data under the data directory.
 */
export async function startBackingServices(config: Config, log: Logger, lifecycle: Lifecycle, say: (line: string) => void): Promise<BackingServices> {
  let databaseUrl = config.databaseUrl;
  let redisUrl = config.redisUrl;
  if (databaseUrl === undefined) {
    say(`Starting embedded PostgreSQL (data in ${path.join(config.dataDir, 'postgres')})...`);
    const postgres = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), log: log.child({ component: 'postgres' }) });
    lifecycle.add('postgres', postgres.stop);
    databaseUrl = postgres.url;
  } else {
    await checkPostgres(databaseUrl);
  }
  if (redisUrl === undefined) {
    const redis = await startLocalRedis({ dir: path.join(config.dataDir, 'redis'), log: log.child({ component: 'redis' }), say });
    lifecycle.add('redis', redis.stop);
    redisUrl = redis.url;
  } else {
    await checkRedis(redisUrl);
  }
  return { databaseUrl, redisUrl, embedded: { postgres: config.databaseUrl === undefined, redis: config.redisUrl === undefined } };
}
