// Statements whose plans matter and are tested on their own
// (test/store/statements.test.ts): the lookup of one object, and what a write
// batch sends (see committer.ts). Batch statements go in the simple protocol
// with their values written in as literals (inline), so several share a
// round trip.

// One object by its key. The key arrives through a subquery the planner keeps
// (OFFSET 0), so the lookup cannot be matched against the partial indexes on
// pods (which also start with cluster): with statistics that did not yet know
// how many pods a cluster has, a plain WHERE on constants took
// objects_pods_phase_idx and read every pod of the cluster to find one.
export const GET_OBJECT = `
SELECT o.object
FROM (SELECT $1::text AS c, $2::text AS g, $3::text AS r, $4::text AS ns, $5::text AS n OFFSET 0) k
CROSS JOIN LATERAL (
  SELECT o.object FROM objects o
  WHERE o.cluster = k.c AND o.api_group = k.g AND o.resource = k.r AND o.namespace = k.ns AND o.name = k.n
  LIMIT 1
) o`;

// Locks the counter row (creating it on the cluster's first write) and returns
// the last resourceVersion. Waiting here is what orders commits per cluster.
// Sent in the simple protocol with the cluster as a quoted literal (see begin).
export const LOCK_COUNTER = `
INSERT INTO cluster_revisions AS c (cluster) VALUES ($1)
ON CONFLICT (cluster) DO UPDATE SET rv = c.rv
RETURNING rv`;

// Every lookup of a batch's keys in objects is a LATERAL subquery with LIMIT 1
// (which the planner cannot flatten into a join), so it is one primary-key
// probe per key whatever the planner believes about the table. As a plain join,
// a cluster whose statistics were stale (objects created faster than
// autovacuum analyses them) got a hash join that read every object of the
// cluster for each batch.
export const READ_CURRENT = `
SELECT o.api_group, o.resource, o.namespace, o.name, o.object
FROM json_to_recordset($2::json) AS k(g text, r text, ns text, n text)
CROSS JOIN LATERAL (
  SELECT o.api_group, o.resource, o.namespace, o.name, o.object FROM objects o
  WHERE o.cluster = $1 AND o.api_group = k.g AND o.resource = k.r AND o.namespace = k.ns AND o.name = k.n
  LIMIT 1
) o`;

// One statement for every row the batch writes; the counter is set last.
// Each object travels once, in its change-log row ($4); object rows ($2)
// point at the log row holding their final state. A change's previous
// object is the stored row when it is the key's first change in the batch
// (read in this statement's snapshot, before the batch's own writes), so it
// is not sent back either. The log rows are parsed as jsonb in one pass
// (json_to_recordset would parse each object twice: as json, then to jsonb).
export const WRITE_BATCH = `
WITH l AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($4::jsonb)
    AS l(rv bigint, g text, r text, ns text, n text, t text, object jsonb, prev jsonb, stored boolean)
), logged AS (
  INSERT INTO change_log (cluster, rv, api_group, resource, namespace, name, event_type, object, prev_object)
  SELECT $1, l.rv, l.g, l.r, l.ns, l.n, l.t, l.object, CASE WHEN l.stored THEN s.object ELSE l.prev END
  FROM l LEFT JOIN LATERAL (
    SELECT s.object FROM objects s
    WHERE l.stored AND s.cluster = $1 AND s.api_group = l.g AND s.resource = l.r AND s.namespace = l.ns AND s.name = l.n
    LIMIT 1
  ) s ON true
  RETURNING 1
), upserted AS (
  INSERT INTO objects AS o (cluster, api_group, resource, namespace, name, uid, resource_version, generation,
                            labels, annotations, owner_uids, finalizers, deletion_timestamp, creation_timestamp, object)
  SELECT $1, x.g, x.r, x.ns, x.n, x.uid, x.rv, x.gen,
         CASE WHEN jsonb_typeof(l.object->'metadata'->'labels') = 'object' THEN l.object->'metadata'->'labels' ELSE '{}'::jsonb END,
         CASE WHEN jsonb_typeof(l.object->'metadata'->'annotations') = 'object' THEN l.object->'metadata'->'annotations' ELSE '{}'::jsonb END,
         x.owners, x.finalizers, x.dts, x.cts, l.object
  FROM json_to_recordset($2::json) AS x(g text, r text, ns text, n text, uid uuid, rv bigint, gen bigint,
                                        owners uuid[], finalizers text[], dts timestamptz, cts timestamptz)
  JOIN l ON l.rv = x.rv
  ON CONFLICT (cluster, api_group, resource, namespace, name) DO UPDATE SET
    uid = EXCLUDED.uid, resource_version = EXCLUDED.resource_version, generation = EXCLUDED.generation,
    labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, owner_uids = EXCLUDED.owner_uids,
    finalizers = EXCLUDED.finalizers, deletion_timestamp = EXCLUDED.deletion_timestamp,
    creation_timestamp = EXCLUDED.creation_timestamp, object = EXCLUDED.object
  RETURNING 1
), deleted AS (
  DELETE FROM objects o
  WHERE o.ctid = ANY (ARRAY(
    SELECT x.ctid FROM json_to_recordset($3::json) AS d(g text, r text, ns text, n text)
    CROSS JOIN LATERAL (
      SELECT x.ctid FROM objects x
      WHERE x.cluster = $1 AND x.api_group = d.g AND x.resource = d.r AND x.namespace = d.ns AND x.name = d.n
      LIMIT 1
    ) x
  ))
  RETURNING 1
)
UPDATE cluster_revisions SET rv = $5 WHERE cluster = $1`;

// A batch of creates only, as one statement: take the counter lock and the
// batch's versions ($3 of them, after the current one), then write the log
// rows and the objects with those versions set. Nothing is read first and no
// round trip to this process happens while the lock is held. A name that
// exists already makes the plain INSERT fail (unique violation), and the
// committer then runs the batch the general way, which reports AlreadyExists
// for that write alone. Returns the version before the batch.
export const CREATE_BATCH = `
WITH c AS (
  INSERT INTO cluster_revisions AS c (cluster, rv) VALUES ($1, $3)
  ON CONFLICT (cluster) DO UPDATE SET rv = c.rv + $3
  RETURNING rv - $3 AS base
), l AS MATERIALIZED (
  SELECT x.*, c.base + x.i AS rv,
         jsonb_set(x.object, '{metadata,resourceVersion}', to_jsonb((c.base + x.i)::text)) AS stored
  FROM c, jsonb_to_recordset($2::jsonb) AS x(i bigint, g text, r text, ns text, n text, uid uuid, gen bigint,
                                             owners uuid[], finalizers text[], cts timestamptz, object jsonb)
), logged AS (
  INSERT INTO change_log (cluster, rv, api_group, resource, namespace, name, event_type, object, prev_object)
  SELECT $1, l.rv, l.g, l.r, l.ns, l.n, 'ADDED', l.stored, NULL FROM l
  RETURNING 1
), inserted AS (
  INSERT INTO objects (cluster, api_group, resource, namespace, name, uid, resource_version, generation,
                       labels, annotations, owner_uids, finalizers, deletion_timestamp, creation_timestamp, object)
  SELECT $1, l.g, l.r, l.ns, l.n, l.uid, l.rv, l.gen,
         CASE WHEN jsonb_typeof(l.stored->'metadata'->'labels') = 'object' THEN l.stored->'metadata'->'labels' ELSE '{}'::jsonb END,
         CASE WHEN jsonb_typeof(l.stored->'metadata'->'annotations') = 'object' THEN l.stored->'metadata'->'annotations' ELSE '{}'::jsonb END,
         l.owners, l.finalizers, NULL, l.cts, l.stored
  FROM l
  RETURNING 1
)
SELECT (SELECT base FROM c) AS base, (SELECT count(*) FROM logged) AS logged, (SELECT count(*) FROM inserted) AS inserted`;

// An escape-string literal: correct whatever standard_conforming_strings says.
// JSON.stringify leaves no raw control characters, so quotes and backslashes
// are all there is to escape.
const literal = (text: string): string => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A parameterised statement with its parameters written in as literals, so it
 * can share one simple-protocol round trip with other statements.
 */
export function inline(sql: string, values: (string | number)[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return literal(value);
    throw new Error(`no value for $${n}`);
  });
}

