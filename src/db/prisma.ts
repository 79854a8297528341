import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient } from '../generated/prisma/client.js';

export interface PrismaOptions {
  /** Connections in this process's pool. @defaultValue 20 */
  poolSize?: number;
}

/** A Prisma client on node-postgres (driver adapter: no query-engine binary). */
export function createPrisma(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 20 });
  return new PrismaClient({ adapter });
}
