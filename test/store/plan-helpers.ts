import assert from 'node:assert/strict';
import type pg from 'pg';

// For tests of what a statement reads, whatever the planner believes: the
// store's tables copied as this session's temporary tables (they shadow the
// real ones by name), filled with one large cluster's pods.

/** Creates the session's copies of the store's tables. */
export async function shadowStoreTables(client: pg.Client): Promise<void> {
  for (const table of ['objects', 'change_log', 'cluster_revisions']) {
    await client.query(`CREATE TEMP TABLE ${table} (LIKE public.${table} INCLUDING ALL)`);
  }
  await client.query('ALTER TABLE objects SET (toast_tuple_target = 8160)');
}

/**
 * Inserts `count` pods named prefix1..prefixN into a namespace, versions
 * from+1..from+N, ~1 KB each. Every pod is Running on one of 50 nodes, with
 * app=web on even numbers and app=db on odd ones.
 */
export function insertPods(client: pg.Client, cluster: string, namespace: string, prefix: string, from: number, count: number): Promise<unknown> {
  return client.query(
    `INSERT INTO objects (cluster, api_group, resource, namespace, name, uid, resource_version, generation, labels, object, creation_timestamp)
     SELECT $1, '', 'pods', $2, $3 || i, gen_random_uuid(), $4 + i, 1, jsonb_build_object('app', CASE WHEN i % 2 = 0 THEN 'web' ELSE 'db' END),
            jsonb_build_object('metadata', jsonb_build_object('name', $3 || i, 'resourceVersion', ($4 + i)::text),
                               'spec', jsonb_build_object('nodeName', 'node-' || (i % 50), 'padding', repeat(md5(i::text), 30)),
                               'status', jsonb_build_object('phase', 'Running')),
            now()
     FROM generate_series(1, $5::int) AS i`,
    [cluster, namespace, prefix, from, count],
  );
}

/**
 * Connects, shadows the store's tables and loads one cluster: `large` pods
 * in namespace default (p-1..), `small` in namespace small (s-1..), and the
 * cluster's revision. With `analyse`, the copy of objects gets statistics.
 */
export async function loadLargeCluster(client: pg.Client, cluster: string, counts: { large: number; small: number; analyse: boolean }): Promise<void> {
  await client.connect();
  await shadowStoreTables(client);
  await insertPods(client, cluster, 'default', 'p-', 0, counts.large);
  await insertPods(client, cluster, 'small', 's-', counts.large, counts.small);
  await client.query(`INSERT INTO cluster_revisions (cluster, rv) VALUES ($1, ${counts.large + counts.small})`, [cluster]);
  if (counts.analyse) await client.query('ANALYZE objects');
}

interface PlanNode {
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Local Hit Blocks'?: number;
  'Local Read Blocks'?: number;
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Pages a statement touched when run, with its plan's nodes (for a failure message). */
export async function pagesRead(client: pg.Client, sql: string, values: unknown[] = []): Promise<{ blocks: number; nodes: string[] }> {
  const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values });
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  assert.ok(plan, 'EXPLAIN returned a plan');
  const nodes: string[] = [];
  const walk = (node: PlanNode): void => {
    nodes.push(`${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
    node.Plans?.forEach(walk);
  };
  walk(plan);
  const blocks = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0) + (plan['Local Hit Blocks'] ?? 0) + (plan['Local Read Blocks'] ?? 0);
  return { blocks, nodes };
}
