import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { currentPageSql, parseSelectors } from '../../src/store/list.js';
import { SqlParams } from '../../src/store/selector-sql.js';
import type { CollectionKey } from '../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';
import { loadLargeCluster, pagesRead } from './plan-helpers.js';

// Selector lists on a cluster whose statistics are current. The statements
// run against this session's own temporary copies of the store's tables,
// analysed after loading: 10,000 running pods in one namespace and 300 in
// another. The partial indexes on pods (phase, node name) start with the
// cluster, so a plan through them reads the pods of every namespace.
const client = new pg.Client({ connectionString: testDatabaseUrl() });
const cluster = uniqueClusterName('list-plan');
const OBJECTS = 10_000;
const SMALL = 300;
const ready = loadLargeCluster(client, cluster, { large: OBJECTS, small: SMALL, analyse: true });
after(() => client.end());

/** Pages the list touched, its plan, and how many objects it returned. */
async function run(collection: CollectionKey, options: { labelSelector?: string; fieldSelector?: string }): Promise<{ blocks: number; scans: string[]; items: number }> {
  const params = new SqlParams();
  const sql = currentPageSql(collection, parseSelectors(collection, options), undefined, params);
  const { blocks, nodes } = await pagesRead(client, sql, params.values);
  const result = await client.query<{ name: string | null }>(sql, params.values);
  return { blocks, scans: nodes.filter((n) => n.includes('Scan')), items: result.rows.filter((r) => r.name !== null).length };
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
