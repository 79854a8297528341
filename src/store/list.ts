// Lists: selectors evaluated in SQL, keyset pagination whose pages all show
// one snapshot, and the resourceVersion semantics of metav1.ListOptions.
//
// Page one (and unpaginated lists) read the current state together with the
// cluster's resourceVersion in one statement, hence one MVCC snapshot. Later
// pages (and resourceVersionMatch=Exact) show the state at the token's
// version S: objects unchanged since S, plus, for keys changed after S, the
// previous object of their first change after S (null when created after S).
// That needs every log row after S, so S older than the compaction horizon is
// 410 Expired.
//
// Rows come back either parsed or as PostgreSQL's jsonb text, untouched: the
// REST API's JSON lists pass that text through instead of parsing it and
// serialising it again (half the CPU of a large list went there).

import pg from 'pg';
import { BadRequestError, ExpiredError, TooLargeResourceVersionError } from './errors.js';
import { decodeContinue, encodeContinue, type ContinueToken } from './continue-token.js';
import { parseFieldSelector, type FieldSelector } from './field-selector.js';
import { parseLabelSelector, type LabelSelector } from './label-selector.js';
import { parseResourceVersion } from './resource-version.js';
import { fieldConditions, labelConditions, SqlParams, type SelectorColumns } from './selector-sql.js';
import type { CollectionKey, KubeObject, ListOptions, ObjectList } from './types.js';

/** Parsed selectors for one collection. */
export interface Selectors {
  labels: LabelSelector;
  fields: FieldSelector;
}

export function parseSelectors(collection: CollectionKey, options: { labelSelector?: string; fieldSelector?: string }): Selectors {
  return {
    labels: parseLabelSelector(options.labelSelector),
    fields: parseFieldSelector(options.fieldSelector, collection.group, collection.resource),
  };
}

const OBJECT_COLUMNS: SelectorColumns = { labels: 'o.labels', object: 'o.object', name: 'o.name', namespace: 'o.namespace' };
const LOG_COLUMNS: SelectorColumns = {
  labels: "COALESCE(c.prev_object->'metadata'->'labels', '{}'::jsonb)",
  object: 'c.prev_object',
  name: 'c.name',
  namespace: 'c.namespace',
};

function conditions(collection: CollectionKey, selectors: Selectors, cols: SelectorColumns, params: SqlParams, after: ContinueToken | undefined): string {
  const parts = [...labelConditions(selectors.labels, cols, params), ...fieldConditions(selectors.fields, collection.group, collection.resource, cols, params)];
  if (after !== undefined) parts.push(`(${cols.namespace}, ${cols.name}) > (${params.add(after.namespace)}, ${params.add(after.name)})`);
  return parts.map((p) => ` AND ${p}`).join('');
}

interface PageRow<T> {
  rv: string;
  compacted_rv: string;
  namespace: string | null;
  name: string | null;
  object: T | null;
}

/** How a list's items come back: parsed, or as the stored jsonb's text. */
export type ItemForm = 'object' | 'json';

const JSONB_OID = 3802;
// jsonb columns stay text; every other type is parsed as usual.
const JSONB_AS_TEXT: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === JSONB_OID && format !== 'binary' ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

function headSql(params: SqlParams, cluster: string): string {
  return `(SELECT COALESCE(max(rv), 0) AS rv, COALESCE(max(compacted_rv), 0) AS compacted_rv FROM cluster_revisions WHERE cluster = ${params.add(cluster)}) rev`;
}

/**
 * The list's group and resource as SQL: `from` joins what they are read from,
 * `g` and `r` are the expressions to compare with. They come through a
 * subquery the planner keeps (OFFSET 0), so it cannot match the list against
 * the partial indexes on pods, which start with cluster and make it read
 * every pod of the cluster: listing one namespace's 1,000 pods read 11,000
 * pages that way (statistics that had not seen a burst of pods), instead of
 * 560 in key order; one namespace's 300 running pods by status.phase read
 * 1,729 pages with current statistics. Only a selector over all namespaces
 * keeps them plain values, so that pods on one node (what node agents ask
 * for) come through the spec.nodeName index.
 */
function kindSql(collection: CollectionKey, selectors: Selectors, params: SqlParams): { from: string; g: string; r: string } {
  const g = params.add(collection.group);
  const r = params.add(collection.resource);
  if (collection.namespace === '' && (selectors.fields.requirements.length > 0 || selectors.labels.requirements.length > 0)) return { from: '', g, r };
  return { from: `\nCROSS JOIN (SELECT ${g}::text AS g, ${r}::text AS r OFFSET 0) k`, g: 'k.g', r: 'k.r' };
}

export function currentPageSql(collection: CollectionKey, selectors: Selectors, limit: number | undefined, params: SqlParams): string {
  const head = headSql(params, collection.cluster);
  const kind = kindSql(collection, selectors, params);
  const scope = `o.cluster = $1 AND o.api_group = ${kind.g} AND o.resource = ${kind.r}`;
  const ns = collection.namespace === '' ? '' : ` AND o.namespace = ${params.add(collection.namespace)}`;
  const where = conditions(collection, selectors, OBJECT_COLUMNS, params, undefined);
  const lim = limit === undefined ? '' : ` LIMIT ${params.add(limit + 1)}`;
  return `SELECT rev.rv, rev.compacted_rv, p.namespace, p.name, p.object FROM ${head}${kind.from}
LEFT JOIN LATERAL (SELECT o.namespace, o.name, o.object FROM objects o WHERE ${scope}${ns}${where} ORDER BY o.namespace, o.name${lim}) p ON true
ORDER BY p.namespace, p.name`;
}

function snapshotPageSql(collection: CollectionKey, selectors: Selectors, rv: number, after: ContinueToken | undefined, limit: number | undefined, params: SqlParams): string {
  const head = headSql(params, collection.cluster);
  const { from, g, r } = kindSql(collection, selectors, params);
  const s = params.add(rv);
  const nsParam = collection.namespace === '' ? undefined : params.add(collection.namespace);
  const objectNs = nsParam === undefined ? '' : ` AND o.namespace = ${nsParam}`;
  const logNs = nsParam === undefined ? '' : ` AND l.namespace = ${nsParam}`;
  const objectWhere = conditions(collection, selectors, OBJECT_COLUMNS, params, after);
  const logWhere = conditions(collection, selectors, LOG_COLUMNS, params, after);
  const lim = limit === undefined ? '' : ` LIMIT ${params.add(limit + 1)}`;
  return `SELECT rev.rv, rev.compacted_rv, p.namespace, p.name, p.object FROM ${head}${from}
LEFT JOIN LATERAL (
  SELECT u.namespace, u.name, u.object FROM (
    SELECT o.namespace, o.name, o.object FROM objects o
    WHERE o.cluster = $1 AND o.api_group = ${g} AND o.resource = ${r}${objectNs} AND o.resource_version <= ${s}${objectWhere}
    UNION ALL
    SELECT c.namespace, c.name, c.prev_object FROM (
      SELECT DISTINCT ON (l.namespace, l.name) l.namespace, l.name, l.prev_object FROM change_log l
      WHERE l.cluster = $1 AND l.rv > ${s} AND l.api_group = ${g} AND l.resource = ${r}${logNs}
      ORDER BY l.namespace, l.name, l.rv
    ) c WHERE c.prev_object IS NOT NULL${logWhere}
  ) u ORDER BY u.namespace, u.name${lim}
) p ON true
ORDER BY p.namespace, p.name`;
}

export function listObjects(pool: pg.Pool, collection: CollectionKey, options: ListOptions): Promise<ObjectList> {
  return listPage<KubeObject>(pool, collection, options, 'object');
}

/** listObjects with each item as its stored JSON text (jsonb's output form), unparsed. */
export function listObjectsJson(pool: pg.Pool, collection: CollectionKey, options: ListOptions): Promise<ObjectList<string>> {
  return listPage<string>(pool, collection, options, 'json');
}

async function listPage<T>(pool: pg.Pool, collection: CollectionKey, options: ListOptions, form: ItemForm): Promise<ObjectList<T>> {
  const selectors = parseSelectors(collection, options);
  const limit = options.limit !== undefined && options.limit > 0 ? Math.floor(options.limit) : undefined;
  let token: ContinueToken | undefined;
  let exact: number | undefined;
  let notOlderThan: number | undefined;
  const rvRaw = options.resourceVersion ?? '';
  if (options.continue !== undefined && options.continue !== '') {
    if (rvRaw !== '' && rvRaw !== '0') throw new BadRequestError('specifying resource version is not allowed when using continue');
    token = decodeContinue(options.continue);
  } else if (rvRaw !== '' && rvRaw !== '0') {
    const rv = parseResourceVersion(rvRaw);
    if (options.resourceVersionMatch === 'Exact') exact = rv;
    else notOlderThan = rv;
  } else if (options.resourceVersionMatch === 'Exact') {
    throw new BadRequestError('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }

  const params = new SqlParams();
  const snapshot = token?.rv ?? exact;
  const sql =
    snapshot === undefined ? currentPageSql(collection, selectors, limit, params) : snapshotPageSql(collection, selectors, snapshot, token, limit, params);
  const { rows } = await pool.query<PageRow<T>>(form === 'json' ? { text: sql, values: params.values, types: JSONB_AS_TEXT } : { text: sql, values: params.values });
  const head = rows[0];
  const currentRv = Number(head?.rv ?? 0);
  const compactedRv = Number(head?.compacted_rv ?? 0);
  if (snapshot !== undefined) {
    // Rows after the snapshot were compacted away: the page would be inconsistent.
    if (snapshot < compactedRv) throw token !== undefined ? ExpiredError.continueTooOld() : ExpiredError.tooOld(String(snapshot), String(compactedRv));
    if (snapshot > currentRv) throw new TooLargeResourceVersionError(String(snapshot), String(currentRv));
  }
  if (notOlderThan !== undefined && notOlderThan > currentRv) throw new TooLargeResourceVersionError(String(notOlderThan), String(currentRv));

  const present = rows.filter((row) => row.object !== null);
  const listRv = snapshot ?? currentRv;
  const result: ObjectList<T> = { items: present.map((row) => row.object as T), resourceVersion: String(listRv) };
  if (limit !== undefined && present.length > limit) {
    result.items.length = limit;
    const last = present[limit - 1] as PageRow<T>;
    result.continue = encodeContinue({ rv: listRv, namespace: last.namespace ?? '', name: last.name ?? '' });
  }
  return result;
}
