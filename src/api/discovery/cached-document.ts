// Documents that change only when the served resources change (discovery,
// OpenAPI): serialized once, sent with a strong ETag, and answered with 304
// when the client already has them (kubectl's HTTP cache revalidates so).
import crypto from 'node:crypto';
import type { RequestContext } from '../http/context.js';

export interface PreparedDocument {
  body: Buffer;
  contentType: string;
  /** Quoted, as the header carries it. */
  etag: string;
}

export function prepareDocument(body: unknown, contentType = 'application/json'): PreparedDocument {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const etag = `"${crypto.createHash('sha512').update(bytes).digest('hex').slice(0, 64).toUpperCase()}"`;
  return { body: bytes, contentType, etag };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

export interface SendOptions {
  /** Defaults to revalidating on every use. */
  cacheControl?: string;
  /** Set when the body depends on the Accept header. */
  varyAccept?: boolean;
}

export function sendDocument(ctx: RequestContext, doc: PreparedDocument, options: SendOptions = {}): void {
  const headers: Record<string, string | number> = {
    'Cache-Control': options.cacheControl ?? 'no-cache, private',
    ETag: doc.etag,
  };
  if (options.varyAccept === true) headers.Vary = 'Accept';
  if (matches(ctx.req.headers['if-none-match'], doc.etag)) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, { ...headers, 'Content-Type': doc.contentType, 'Content-Length': doc.body.length });
  ctx.res.end(doc.body);
}

/** Per-object memo of prepared documents (one per registry, so per set of served resources). */
export class DocumentCache<Owner extends object> {
  private readonly cache = new WeakMap<Owner, Map<string, PreparedDocument>>();

  /** Misses (build returns null) are not remembered, so unknown paths cannot grow the cache. */
  get(owner: Owner, key: string, build: () => PreparedDocument | null): PreparedDocument | null {
    let docs = this.cache.get(owner);
    if (docs === undefined) {
      docs = new Map();
      this.cache.set(owner, docs);
    }
    const cached = docs.get(key);
    if (cached !== undefined) return cached;
    const doc = build();
    if (doc !== null) docs.set(key, doc);
    return doc;
  }
}
