import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { GET_OBJECT, inline, READ_CURRENT, WRITE_BATCH } from '../../src/store/statements.js';
import { currentPageSql, parseSelectors } from '../../src/store/list.js';
import { SqlParams } from '../../src/store/selector-sql.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';
import { loadLargeCluster, pagesRead } from './plan-helpers.js';

// Lookups read only what they ask for, whatever the planner believes about
// the table. The statements run against this session's own temporary copies
// of the store's tables (they shadow the real ones by name), which are never
// analysed: as for a cluster whose objects arrive faster than autovacuum
// analyses them. A plan that scanned the cluster (a join, or a partial index
// on pods that also starts with cluster) would read most of the table.
const client = new pg.Client({ connectionString: testDatabaseUrl() });
const cluster = uniqueClusterName('batch-plan');
const OBJECTS = 10_000;
const SMALL = 300;
// A small namespace beside the large one, for the list.
const ready = loadLargeCluster(client, cluster, { large: OBJECTS, small: SMALL, analyse: false });
after(() => client.end());

/** Pages a statement touched when run, with the plan's nodes. */
const buffersOf = (sql: string): Promise<{ blocks: number; nodes: string[] }> => pagesRead(client, sql);

const key = (name: string): { g: string; r: string; ns: string; n: string } => ({ g: '', r: 'pods', ns: 'default', n: name });
// Four stored objects and four new names, as a mixed batch has.
const names = ['p-7', 'p-1500', 'p-2999', 'p-42', 'new-1', 'new-2', 'new-3', 'new-4'];
// Each key is a probe of the primary key (a few index pages and its heap
// page); reading the cluster would touch well over a thousand pages.
const PER_KEY_BLOCKS = 12;

describe('statements on a large cluster', () => {
  it('get one object through its primary key', async () => {
    await ready;
    const sql = GET_OBJECT.replace(/\$(\d)/g, (_, n: string) => `'${[cluster, '', 'pods', 'default', 'p-1500'][Number(n) - 1] ?? ''}'`);
    const { blocks, nodes } = await buffersOf(sql);
    assert.ok(blocks <= PER_KEY_BLOCKS, `get touched ${blocks} pages (plan: ${nodes.join(', ')})`);
    const { rows } = await client.query<{ object: { metadata: { name: string } } }>(GET_OBJECT, [cluster, '', 'pods', 'default', 'p-1500']);
    assert.equal(rows[0]?.object.metadata.name, 'p-1500');
  });

  it("list one namespace's objects in key order without reading the rest of the cluster", async () => {
    await ready;
    const small = { cluster, group: '', resource: 'pods', namespace: 'small' };
    const params = new SqlParams();
    params.add(cluster);
    const sql = currentPageSql(small, parseSelectors(small, {}), undefined, params);
    const literal = sql.replace(/\$(\d+)/g, (_, n: string) => {
      const value = params.values[Number(n) - 1];
      return typeof value === 'number' ? String(value) : `'${String(value)}'`;
    });
    const { blocks, nodes } = await buffersOf(literal);
    // 300 rows of ~1 KB are under 100 heap pages; the cluster's rows are over 1,000.
    assert.ok(blocks <= 200, `list of ${SMALL} objects touched ${blocks} pages (plan: ${nodes.join(', ')})`);
    const { rows } = await client.query<{ name: string | null }>(sql, params.values);
    assert.equal(rows.length, SMALL);
  });

  it('read only the rows of the keys in the batch', async () => {
    await ready;
    const { blocks, nodes } = await buffersOf(inline(READ_CURRENT, [cluster, JSON.stringify(names.map(key))]));
    assert.ok(blocks <= names.length * PER_KEY_BLOCKS, `read of ${names.length} keys touched ${blocks} pages (plan: ${nodes.join(', ')})`);
    const { rows } = await client.query<{ name: string }>(inline(READ_CURRENT, [cluster, JSON.stringify(names.map(key))]));
    assert.deepEqual(rows.map((r) => r.name).sort(), ['p-1500', 'p-2999', 'p-42', 'p-7']);
  });

  it('write, take previous objects and delete without reading the rest of the cluster', async () => {
    await ready;
    const object = (name: string, rv: number): Record<string, unknown> => ({ metadata: { name, resourceVersion: String(rv) } });
    const uid = '00000000-0000-4000-8000-000000000001';
    const upserts = [
      { ...key('p-7'), uid, rv: OBJECTS + 1, gen: 1, owners: [], finalizers: [], dts: null, cts: new Date().toISOString() },
      { ...key('new-1'), uid, rv: OBJECTS + 2, gen: 1, owners: [], finalizers: [], dts: null, cts: new Date().toISOString() },
    ];
    const deletes = [key('p-1500'), key('p-2999')];
    const log = [
      { rv: OBJECTS + 1, ...key('p-7'), t: 'MODIFIED', object: object('p-7', OBJECTS + 1), prev: null, stored: true },
      { rv: OBJECTS + 2, ...key('new-1'), t: 'ADDED', object: object('new-1', OBJECTS + 2), prev: null, stored: false },
      { rv: OBJECTS + 3, ...key('p-1500'), t: 'DELETED', object: object('p-1500', OBJECTS + 3), prev: null, stored: true },
      { rv: OBJECTS + 4, ...key('p-2999'), t: 'DELETED', object: object('p-2999', OBJECTS + 4), prev: null, stored: true },
    ];
    await client.query('BEGIN');
    try {
      const sql = inline(WRITE_BATCH, [cluster, JSON.stringify(upserts), JSON.stringify(deletes), JSON.stringify(log), OBJECTS + 4]);
      const { blocks, nodes } = await buffersOf(sql);
      // Inserts and index entries add pages of their own; a scan of the cluster adds thousands.
      assert.ok(blocks <= 200, `batch of 4 writes touched ${blocks} pages (plan: ${nodes.join(', ')})`);
      const left = await client.query<{ name: string }>(`SELECT name FROM objects WHERE cluster = $1 AND name = ANY($2)`, [cluster, ['p-7', 'new-1', 'p-1500', 'p-2999']]);
      assert.deepEqual(left.rows.map((r) => r.name).sort(), ['new-1', 'p-7']);
      const prev = await client.query<{ name: string; had: boolean }>(`SELECT name, prev_object IS NOT NULL AS had FROM change_log WHERE cluster = $1 ORDER BY rv`, [cluster]);
      assert.deepEqual(prev.rows, [
        { name: 'p-7', had: true },
        { name: 'new-1', had: false },
        { name: 'p-1500', had: true },
        { name: 'p-2999', had: true },
      ]);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
