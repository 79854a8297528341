import pg from 'pg';
import { Redis } from 'ioredis';
import { StartupError } from '../startup-error.js';

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '(default port)'}`;
  } catch {
    return url;
  }
}

/** Fails with one line when PostgreSQL cannot be reached or refuses us. */
export async function checkPostgres(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(`cannot reach PostgreSQL at ${hostOf(url)} (DATABASE_URL): ${(err as Error).message || (err as { code?: string }).code || 'connection failed'}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fails with one line when Redis cannot be reached or would evict queue keys. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const value = policy[1];
    if (value !== undefined && value !== 'noeviction') {
      throw new StartupError(`Redis at ${hostOf(url)} has maxmemory-policy ${value}; queues need noeviction (CONFIG SET maxmemory-policy noeviction)`);
    }
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw new StartupError(`cannot reach Redis at ${hostOf(url)} (REDIS_URL): ${(err as Error).message || 'connection failed'}`);
  } finally {
    redis.disconnect();
  }
}
