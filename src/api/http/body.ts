import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { ApiError, badRequest } from '../errors.js';

/** Kubernetes' limit on a request body (apiserver's MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Deeper documents are refused before they reach any recursive code. */
export const MAX_DEPTH = 100;
/** YAML alias expansions allowed per document (billion laughs, CVE-2019-11253). */
const MAX_ALIAS_COUNT = 100;

export const tooLarge = (): ApiError => new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');

/** Reads the whole body, refusing anything over the limit before buffering it. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws when the value nests deeper than MAX_DEPTH or carries prototype-polluting keys. */
export function checkShape(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) throw badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) checkShape(item, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw badRequest(`the request body contains the forbidden key "${key}"`);
      checkShape((value as Record<string, unknown>)[key], depth + 1);
    }
  }
}

// A cheap pre-check so a deeply nested body is refused before JSON.parse recurses.
function bracketDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 125 || c === 93) depth -= 1;
  }
  return false;
}

/** Parses a JSON body with the depth and key checks. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (bracketDepthExceeds(text, MAX_DEPTH)) throw badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding JSON: ${(err as Error).message}`);
  }
  checkShape(value);
  return value;
}

/** Parses one YAML document with alias expansion capped. */
export function parseYaml(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let value: unknown;
  try {
    const doc = YAML.parseDocument(text, { uniqueKeys: true, merge: false });
    if (doc.errors.length > 0) throw doc.errors[0];
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  checkShape(value);
  return value;
}

/** Every document of a multi-document YAML (or a single JSON) stream. */
export function parseYamlStream(text: string): unknown[] {
  let docs: YAML.Document[];
  try {
    docs = YAML.parseAllDocuments(text, { uniqueKeys: true, merge: false }) as YAML.Document[];
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const values: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw badRequest(`error converting YAML to JSON: ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    if (value === null || value === undefined) continue;
    checkShape(value);
    values.push(value);
  }
  return values;
}
