-- ClusterIP and NodePort allocations, one row per value a Service holds, so
-- PostgreSQL (not a lock in one API process) guarantees that no two Services
-- of a cluster hold the same cluster IP or node port, whichever API replica
-- allocated it. Rows are kept by triggers on "objects": written in the same
-- transaction as the Service, changed with its spec, removed when the row is
-- deleted (a Service still terminating keeps its values, as upstream's
-- registry releases them only on final deletion).
CREATE TABLE "service_allocations" (
    "cluster" TEXT NOT NULL,
    -- 'clusterip' (spec.clusterIPs) or 'nodeport' (ports[].nodePort and healthCheckNodePort).
    "range" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "service_allocations_pkey" PRIMARY KEY ("cluster", "range", "value"),
    CONSTRAINT "service_allocations_range_check" CHECK ("range" IN ('clusterip', 'nodeport'))
);
CREATE INDEX "service_allocations_owner_idx" ON "service_allocations" ("cluster", "namespace", "name");

-- The values a stored Service object holds.
CREATE FUNCTION "service_allocation_values"(service JSONB) RETURNS TABLE ("range" TEXT, "value" TEXT)
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'clusterip', ip
  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(service->'spec'->'clusterIPs') = 'array' THEN service->'spec'->'clusterIPs' ELSE '[]'::jsonb END) AS ip
  WHERE ip NOT IN ('', 'None')
  UNION
  SELECT 'nodeport', p->>'nodePort'
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(service->'spec'->'ports') = 'array' THEN service->'spec'->'ports' ELSE '[]'::jsonb END) AS p
  WHERE jsonb_typeof(p->'nodePort') = 'number' AND p->>'nodePort' <> '0'
  UNION
  SELECT 'nodeport', service->'spec'->>'healthCheckNodePort'
  WHERE jsonb_typeof(service->'spec'->'healthCheckNodePort') = 'number' AND service->'spec'->>'healthCheckNodePort' <> '0'
$$;

-- A value held by another Service fails the write with unique_violation on
-- service_allocations_pkey; DETAIL carries {"range": ..., "value": ...} as
-- JSON for the store to word the error.
CREATE FUNCTION "service_allocations_sync"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  held RECORD;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM service_allocations a
    WHERE a.cluster = OLD.cluster AND a.namespace = OLD.namespace AND a.name = OLD.name
      AND (TG_OP = 'DELETE' OR NOT EXISTS (
        SELECT 1 FROM service_allocation_values(NEW.object) v WHERE v.range = a.range AND v.value = a.value));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOR held IN SELECT v.range, v.value FROM service_allocation_values(NEW.object) v LOOP
      INSERT INTO service_allocations AS a (cluster, range, value, namespace, name)
      VALUES (NEW.cluster, held.range, held.value, NEW.namespace, NEW.name)
      ON CONFLICT (cluster, range, value) DO UPDATE SET name = a.name
        WHERE a.namespace = EXCLUDED.namespace AND a.name = EXCLUDED.name;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'provided % % is already allocated', held.range, held.value
          USING ERRCODE = 'unique_violation', CONSTRAINT = 'service_allocations_pkey',
                DETAIL = json_build_object('range', held.range, 'value', held.value)::text;
      END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "service_allocations_insert" AFTER INSERT ON "objects"
  FOR EACH ROW WHEN (NEW.api_group = '' AND NEW.resource = 'services')
  EXECUTE FUNCTION service_allocations_sync();
CREATE TRIGGER "service_allocations_update" AFTER UPDATE ON "objects"
  FOR EACH ROW WHEN (NEW.api_group = '' AND NEW.resource = 'services' AND OLD.object->'spec' IS DISTINCT FROM NEW.object->'spec')
  EXECUTE FUNCTION service_allocations_sync();
CREATE TRIGGER "service_allocations_delete" AFTER DELETE ON "objects"
  FOR EACH ROW WHEN (OLD.api_group = '' AND OLD.resource = 'services')
  EXECUTE FUNCTION service_allocations_sync();

-- Services stored before this migration: the first holder of a value keeps it.
INSERT INTO service_allocations (cluster, range, value, namespace, name)
SELECT o.cluster, v.range, v.value, o.namespace, o.name
FROM objects o, service_allocation_values(o.object) v
WHERE o.api_group = '' AND o.resource = 'services'
ORDER BY o.creation_timestamp
ON CONFLICT DO NOTHING;
