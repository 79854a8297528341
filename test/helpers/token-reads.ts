import type { PrismaClient } from '../../src/db/prisma.js';

export interface CountedTokenReads {
  /** Hand this to a TokenAuthenticator: its token lookups read the real database, counted. */
  prisma: PrismaClient;
  /** Lookups so far, of one token hash or of all. */
  reads(hash?: string): number;
  /** Each lookup waits this long before reading (0: none). */
  delayMs: number;
}

/**
 * The authenticator's only database read (token by hash), counted per hash
 * and optionally slowed: every lookup still goes to PostgreSQL.
 */
export function countTokenReads(prisma: PrismaClient): CountedTokenReads {
  const byHash = new Map<string, number>();
  const counted: CountedTokenReads = {
    delayMs: 0,
    reads: (hash) => (hash === undefined ? [...byHash.values()].reduce((a, b) => a + b, 0) : (byHash.get(hash) ?? 0)),
    prisma: {
      token: {
        findUnique: async (args: Parameters<PrismaClient['token']['findUnique']>[0]) => {
          const hash = args.where.tokenHash ?? '';
          byHash.set(hash, (byHash.get(hash) ?? 0) + 1);
          if (counted.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, counted.delayMs));
          return prisma.token.findUnique(args);
        },
      },
    } as unknown as PrismaClient,
  };
  return counted;
}
