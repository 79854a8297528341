import { badRequest } from '../errors.js';
import type { KubeObject } from '../../store/types.js';
import { DEFAULT_LIMITS } from './limits.js';

/** A Relay connection over objects, ordered by (namespace, name). */
export interface Connection {
  edges: { cursor: string; node: KubeObject }[];
  nodes: KubeObject[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
  resourceVersion: string;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

type SortKey = readonly [string, string];

function sortKey(o: KubeObject): SortKey {
  return [o.metadata.namespace ?? '', o.metadata.name ?? ''];
}

function compare(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

// A cursor names the position after an object rather than an index, so pages
// stay correct while objects come and go between requests.
function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw badRequest(`invalid cursor "${cursor}": pass a cursor from a previous page's edges or pageInfo`);
}

/** Slices one page out of a full list. `first` is capped at the page-size limit. */
export function connectionOf(items: readonly KubeObject[], resourceVersion: string, args: PageArgs, maxPageSize: number = DEFAULT_LIMITS.maxPageSize): Connection {
  if (args.first !== undefined && args.first !== null && args.first < 0) throw badRequest('first must not be negative');
  const first = Math.min(args.first ?? maxPageSize, maxPageSize);
  const sorted = [...items].sort((a, b) => compare(sortKey(a), sortKey(b)));
  let start = 0;
  if (args.after) {
    const after = decodeCursor(args.after);
    start = sorted.findIndex((o) => compare(sortKey(o), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + first);
  const edges = page.map((node) => ({ cursor: encodeCursor(sortKey(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: start + page.length < sorted.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: sorted.length,
    resourceVersion,
  };
}
