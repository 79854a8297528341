// Binds to one node serialized across processes (schedulers, API replicas): a transaction-
// scoped PostgreSQL advisory lock on (cluster, node) is held while the bind
// re-checks the node's room and writes the pod, and released only after that
// write has committed, so the next binder's check sees it. Two replicas
// binding to one node from stale snapshots take turns instead of both
// passing the check. A binder that dies drops its connection and the lock.
// The pods bound to the node are read in the same round trip as the lock
// (an indexed lookup by node, only the fields the check reads), so the lock
// costs one extra round trip per bind (its COMMIT) over an unlocked bind.

import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.js';
import { InProcessNodeLock, type HeldNodeLock, type NodeBindLock } from './binding.js';
import type { KubeObject } from '../store/types.js';

export interface PgNodeBindLockOptions {
  databaseUrl: string;
  log: Logger;
  /** Connections (binds to distinct nodes holding the lock at once). @defaultValue 32 */
  connections?: number;
}

/** The advisory lock key of one node: 64 bits of a hash, as a SQL literal. */
export function nodeLockKey(cluster: string, nodeName: string): string {
  return createHash('sha256').update(`kubeql:bind:${cluster}\u0000${nodeName}`).digest().readBigInt64BE(0).toString();
}

/**
 * The pods on a node that still hold resources, cut down to what the bind
 * check reads (requests come from the spec alone: containers, init
 * containers, overhead; ports from containers), so a node with a hundred
 * pods costs a hundred small rows, not a hundred whole pods. The node-name
 * condition is the store's index expression.
 */
const BOUND_PODS_SQL = (cluster: string, nodeName: string): string => `
SELECT jsonb_build_object(
  'metadata', jsonb_build_object('uid', o->'metadata'->'uid', 'name', o->'metadata'->'name', 'namespace', o->'metadata'->'namespace'),
  'spec', jsonb_strip_nulls(jsonb_build_object('nodeName', o->'spec'->'nodeName', 'containers', o->'spec'->'containers', 'initContainers', o->'spec'->'initContainers', 'overhead', o->'spec'->'overhead')),
  'status', jsonb_build_object('phase', o->'status'->'phase')) AS object
FROM (SELECT "object" AS o FROM objects
      WHERE cluster = ${cluster} AND api_group = '' AND resource = 'pods'
        AND COALESCE("object"->'spec'->>'nodeName', '') = ${nodeName}
        AND COALESCE("object"->'status'->>'phase', '') NOT IN ('Succeeded', 'Failed')) bound`;

export class PgNodeBindLock implements NodeBindLock {
  private readonly pool: pg.Pool;
  private readonly local = new InProcessNodeLock();

  constructor(private readonly options: PgNodeBindLockOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.connections ?? 32 });
    this.pool.on('error', (err) => options.log.warn({ err }, 'idle bind-lock connection failed'));
  }

  run<T>(cluster: string, nodeName: string, fn: (held: HeldNodeLock) => Promise<T>): Promise<T> {
    // Same-node binds of this process queue in memory first, so they wait
    // without holding a connection each.
    return this.local.run(cluster, nodeName, () => this.locked(cluster, nodeName, fn));
  }

  private async locked<T>(cluster: string, nodeName: string, fn: (held: HeldNodeLock) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let healthy = false;
    try {
      // One round trip (simple protocol, so no parameters): the key is a
      // number we computed and the names are escaped literals.
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${nodeLockKey(cluster, nodeName)}); ${BOUND_PODS_SQL(client.escapeLiteral(cluster), client.escapeLiteral(nodeName))}`,
      )) as unknown as pg.QueryResult<{ object: KubeObject }>[];
      const boundPods = results[2]?.rows.map((row) => row.object) ?? [];
      try {
        return await fn({ boundPods });
      } finally {
        await client.query('COMMIT').then(
          () => void (healthy = true),
          (err: unknown) => this.options.log.warn({ err, cluster, node: nodeName }, 'releasing a bind lock failed; dropping its connection'),
        );
      }
    } finally {
      // A connection whose state is unknown is closed, which releases any lock it held.
      client.release(!healthy);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
