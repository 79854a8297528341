// Full resync: every object of every controller's resource is enqueued for
// that controller. Keys are read in keyset-paginated pages (key columns
// only), so memory stays flat however many objects there are.

import type pg from 'pg';
import type { ReconcileQueues } from './enqueue.js';
import type { ReconcileKey } from './keys.js';
import type { ControllerRegistry } from './registry.js';

const PAGE = 2000;

interface KeyRow {
  cluster: string;
  namespace: string;
  name: string;
}

/** Enqueues every object for its controllers (optionally only some clusters). Returns the number of jobs. */
export async function resyncObjects(db: pg.Pool | pg.PoolClient, registry: ControllerRegistry, queues: ReconcileQueues, clusters?: string[]): Promise<number> {
  let total = 0;
  for (const route of registry.all()) {
    let after: KeyRow = { cluster: '', namespace: '', name: '' };
    for (;;) {
      const { rows } = await db.query<KeyRow>(
        `SELECT cluster, namespace, name FROM objects
         WHERE api_group = $1 AND resource = $2 AND (cluster, namespace, name) > ($3, $4, $5)
           AND ($6::text[] IS NULL OR cluster = ANY($6::text[]))
           AND (${route.only?.sqlWhere ?? 'true'})
         ORDER BY cluster, namespace, name LIMIT ${PAGE}`,
        [route.for.group, route.for.resource, after.cluster, after.namespace, after.name, clusters ?? null],
      );
      if (rows.length === 0) break;
      const jobs = rows.map((row) => ({ controller: route.name, key: { cluster: row.cluster, namespace: row.namespace, name: row.name } as ReconcileKey }));
      await queues.enqueueAll(jobs);
      total += jobs.length;
      after = rows[rows.length - 1] as KeyRow;
      if (rows.length < PAGE) break;
    }
  }
  return total;
}
