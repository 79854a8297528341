// A PostgreSQL database and a Redis logical database that only one test file
// uses: for tests that run a whole kubeql process, which acts on every
// cluster it finds and so must not see other tests' clusters.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { testDatabaseUrl, testRedisUrl } from './env.js';

export interface PrivateBackends {
  databaseUrl: string;
  redisUrl: string;
  /** Runs one statement against the private database. */
  sql(text: string, values?: unknown[]): Promise<void>;
  /** Creates and migrates the database. */
  create(): Promise<void>;
  /** Empties the Redis database and drops the PostgreSQL one. */
  destroy(): Promise<void>;
}

async function runSql(connectionString: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

/**
 * `name` becomes part of the database name; `redisDb` must be a Redis
 * database number no other test file uses (the shared tests use 0).
 */
export function privateBackends(name: string, redisDb: number): PrivateBackends {
  const databaseName = `kq_${name}_${randomBytes(4).toString('hex')}`;
  const database = new URL(testDatabaseUrl());
  database.pathname = `/${databaseName}`;
  const redis = new URL(testRedisUrl());
  redis.pathname = `/${redisDb}`;
  const databaseUrl = database.toString();
  const redisUrl = redis.toString();
  return {
    databaseUrl,
    redisUrl,
    sql: (text, values) => runSql(databaseUrl, text, values),
    async create() {
      await runSql(testDatabaseUrl(), `CREATE DATABASE ${databaseName}`);
      await migrate(databaseUrl, silentLogger());
    },
    async destroy() {
      const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
      await client.flushdb();
      client.disconnect();
      await runSql(testDatabaseUrl(), `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    },
  };
}
