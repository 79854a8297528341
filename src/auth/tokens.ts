import crypto from 'node:crypto';
import type { PrismaClient } from '../db/prisma.js';

/** Who a request is from, as established by its bearer token. */
export interface Identity {
  /** Cluster the credential belongs to; bare API paths mean this cluster. */
  cluster: string;
  username: string;
  groups: readonly string[];
  kind: TokenKind;
}

export type TokenKind = 'admin' | 'bootstrap' | 'node' | 'serviceaccount';

export const ADMIN_GROUPS = ['system:masters', 'system:authenticated'] as const;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return `kql_${crypto.randomBytes(32).toString('base64url')}`;
}

export interface IssueTokenOptions {
  cluster: string;
  kind: TokenKind;
  username: string;
  groups: readonly string[];
  expiresAt?: Date;
}

/** Creates a credential and returns it; only its hash is stored. */
export async function issueToken(prisma: PrismaClient, options: IssueTokenOptions): Promise<string> {
  const token = generateToken();
  await prisma.cluster.upsert({ where: { name: options.cluster }, create: { name: options.cluster }, update: {} });
  await prisma.token.create({
    data: {
      id: crypto.randomUUID(),
      cluster: options.cluster,
      tokenHash: hashToken(token),
      kind: options.kind,
      username: options.username,
      groups: [...options.groups],
      expiresAt: options.expiresAt ?? null,
    },
  });
  return token;
}

const TOKEN_KINDS: ReadonlySet<string> = new Set<TokenKind>(['admin', 'bootstrap', 'node', 'serviceaccount']);

/**
 * Looks bearer tokens up by hash. Answers are cached briefly so a busy client
 * does not cost a database round trip per request; a deleted token stops
 * working within `cacheMs`.
 */
export class TokenAuthenticator {
  private readonly cache = new Map<string, { identity: Identity | null; until: number }>();
  /** Reads under way, so that concurrent lookups of one token share one. */
  private readonly reading = new Map<string, Promise<Identity | null>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cacheMs = 10_000,
    private readonly maxEntries = 10_000,
  ) {}

  async authenticate(token: string): Promise<Identity | null> {
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.identity;
    // Sockets opened together recheck their token together: when the cached
    // answer expires under a thousand subscriptions, one read answers them all.
    let reading = this.reading.get(hash);
    if (reading === undefined) {
      reading = this.read(hash).finally(() => this.reading.delete(hash));
      this.reading.set(hash, reading);
    }
    return reading;
  }

  private async read(hash: string): Promise<Identity | null> {
    // The answer is as old as the read's start: its cache time counts from there.
    const started = Date.now();
    const row = await this.prisma.token.findUnique({ where: { tokenHash: hash } });
    const now = Date.now();
    let identity: Identity | null = null;
    if (row && (row.expiresAt === null || row.expiresAt.getTime() > now) && TOKEN_KINDS.has(row.kind)) {
      identity = { cluster: row.cluster, username: row.username, groups: row.groups, kind: row.kind as TokenKind };
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(hash, { identity, until: started + this.cacheMs });
    return identity;
  }
}
