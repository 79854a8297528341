import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { currentPageSql, parseSelectors } from '../../src/store/list.js';
import { SqlParams } from '../../src/store/selector-sql.js';
import type { CollectionKey } from '../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

// Selector lists on a cluster whose statistics are current. The statements
// run against this session's own temporary copies of the store's tables,
// analysed after loading: 10,000 running pods in one namespace and 300 in
// another. The partial indexes on pods (phase, node name) start with the
// cluster, so a plan through them reads the pods of every namespace.
const client = new pg.Client({ connectionString: testDatabaseUrl() });
const cluster = uniqueClusterName('list-plan');
const OBJECTS = 10_000;
const SMALL = 300;
const ready = (async () => {
  await client.connect();
  for (const table of ['objects', 'change_log', 'cluster_revisions']) {
    await client.query(`CREATE TEMP TABLE ${table} (LIKE public.${table} INCLUDING ALL)`);
  }
  await client.query('ALTER TABLE objects SET (toast_tuple_target = 8160)');
  const insert = (namespace: string, prefix: string, from: number, count: number): Promise<unknown> =>
    client.query(
      `INSERT INTO objects (cluster, api_group, resource, namespace, name, uid, resource_version, generation, labels, object, creation_timestamp)
       SELECT $1, '', 'pods', $2, $3 || i, gen_random_uuid(), $4 + i, 1, jsonb_build_object('app', CASE WHEN i % 2 = 0 THEN 'web' ELSE 'db' END),
              jsonb_build_object('metadata', jsonb_build_object('name', $3 || i, 'resourceVersion', ($4 + i)::text),
                                 'spec', jsonb_build_object('nodeName', 'node-' || (i % 50), 'padding', repeat(md5(i::text), 30)),
                                 'status', jsonb_build_object('phase', 'Running')),
              now()
       FROM generate_series(1, $5::int) AS i`,
      [cluster, namespace, prefix, from, count],
    );
  await insert('default', 'p-', 0, OBJECTS);
  await insert('small', 's-', OBJECTS, SMALL);
  await client.query(`INSERT INTO cluster_revisions (cluster, rv) VALUES ($1, ${OBJECTS + SMALL})`, [cluster]);
  await client.query('ANALYZE objects');
})();
after(() => client.end());

interface PlanNode {
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Local Hit Blocks'?: number;
  'Local Read Blocks'?: number;
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Pages the list touched, its plan's scans, and how many objects it returned. */
async function run(collection: CollectionKey, options: { labelSelector?: string; fieldSelector?: string }): Promise<{ blocks: number; scans: string[]; items: number }> {
  const params = new SqlParams();
  const sql = currentPageSql(collection, parseSelectors(collection, options), undefined, params);
  const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values: params.values });
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  assert.ok(plan, 'EXPLAIN returned a plan');
  const scans: string[] = [];
  const walk = (node: PlanNode): void => {
    if (node['Node Type'].includes('Scan')) scans.push(`${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
    node.Plans?.forEach(walk);
  };
  walk(plan);
  const blocks = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0) + (plan['Local Hit Blocks'] ?? 0) + (plan['Local Read Blocks'] ?? 0);
  const result = await client.query<{ name: string | null }>(sql, params.values);
  return { blocks, scans, items: result.rows.filter((r) => r.name !== null).length };
}

const pods = (namespace: string): CollectionKey => ({ cluster, group: '', resource: 'pods', namespace });

describe('selector lists on a large cluster with current statistics', () => {
  // 300 rows of ~1 KB are under 100 heap pages; the cluster's pods are over 1,000.
  for (const [what, options] of [
    ['status.phase', { fieldSelector: 'status.phase=Running' }],
    ['spec.nodeName', { fieldSelector: 'spec.nodeName=node-7' }],
    ['a label', { labelSelector: 'app=web' }],
  ] as const) {
    it(`a namespace's pods selected by ${what} are read from that namespace, not from every pod of the cluster`, async () => {
      await ready;
      const { blocks, scans, items } = await run(pods('small'), options);
      assert.ok(items > 0, 'the selector matches some pods');
      assert.ok(blocks <= 250, `touched ${blocks} pages (scans: ${scans.join(', ')})`);
    });
  }

  it("all namespaces' pods on one node come through the node-name index", async () => {
    await ready;
    const { blocks, scans, items } = await run(pods(''), { fieldSelector: 'spec.nodeName=node-7' });
    assert.equal(items, (OBJECTS + SMALL) / 50);
    assert.ok(blocks <= 600, `touched ${blocks} pages (scans: ${scans.join(', ')})`);
  });
});
