import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { currentPageSql, parseSelectors } from '../../src/store/list.js';
import { SqlParams } from '../../src/store/selector-sql.js';
import { testDatabaseUrl } from '../helpers/env.js';
import { podsIn } from './helpers.js';

// The SQL selectors compile to must be expressions the indexes answer. A
// cluster of 20,000 pods (rows written directly, for speed) where selectors
// pick a handful makes the planner choose the selective index, as it would
// on a real cluster.
const client = new pg.Client({ connectionString: testDatabaseUrl() });
const pods = { ...podsIn(), namespace: '' };
const ready = (async () => {
  await client.connect();
  await client.query(
    `INSERT INTO objects (cluster, api_group, resource, namespace, name, uid, resource_version, generation, labels, object, creation_timestamp)
     SELECT $1, '', 'pods', 'ns-' || (i % 20), 'p-' || i, gen_random_uuid(), i, 1,
            jsonb_build_object('app', 'app-' || (i % 1000), 'env', CASE WHEN i % 5000 = 0 THEN 'rare' ELSE 'common' END),
            jsonb_build_object('metadata', jsonb_build_object('name', 'p-' || i),
                               'spec', jsonb_build_object('nodeName', 'node-' || (i % 2000)),
                               'status', jsonb_build_object('phase', CASE WHEN i % 4000 = 0 THEN 'Failed' ELSE 'Running' END)),
            now()
     FROM generate_series(1, 20000) AS i`,
    [pods.cluster],
  );
  await client.query('ANALYZE objects');
})();
after(async () => {
  await client.query('DELETE FROM objects WHERE cluster = $1', [pods.cluster]);
  await client.end();
});

async function plan(options: { labelSelector?: string; fieldSelector?: string }): Promise<string> {
  await ready;
  const params = new SqlParams();
  const sql = currentPageSql(pods, parseSelectors(pods, options), 500, params);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params.values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('selector SQL uses the indexes', () => {
  it('a selective label equality uses the GIN index on labels', async () => {
    assert.match(await plan({ labelSelector: 'app=app-7' }), /objects_labels_idx/);
    assert.match(await plan({ labelSelector: 'app=app-7,env=rare' }), /objects_labels_idx/);
  });

  it('spec.nodeName and status.phase on pods use their expression indexes', async () => {
    assert.match(await plan({ fieldSelector: 'spec.nodeName=node-1' }), /objects_pods_node_name_idx/);
    assert.match(await plan({ fieldSelector: 'status.phase=Failed' }), /objects_pods_phase_idx/);
  });
});
