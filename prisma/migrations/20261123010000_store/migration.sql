-- The object store: current objects, the change log (the source of every
-- resourceVersion, watch event and queued job), and per-cluster counters.

-- One row per cluster: the last resourceVersion assigned and the compaction
-- horizon. Every write transaction locks its cluster's row first and sets rv
-- last, so resourceVersion order equals commit order within a cluster.
CREATE TABLE "cluster_revisions" (
    "cluster" TEXT NOT NULL,
    "rv" BIGINT NOT NULL DEFAULT 0,
    "compacted_rv" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "cluster_revisions_pkey" PRIMARY KEY ("cluster")
);

-- The current state of every object. "object" holds the whole object as
-- served; the other columns are copies of its metadata kept for indexing.
CREATE TABLE "objects" (
    "cluster" TEXT NOT NULL,
    "api_group" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "resource_version" BIGINT NOT NULL,
    "generation" BIGINT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "owner_uids" UUID[] NOT NULL DEFAULT '{}',
    "finalizers" TEXT[] NOT NULL DEFAULT '{}',
    "deletion_timestamp" TIMESTAMPTZ(6),
    "creation_timestamp" TIMESTAMPTZ(6) NOT NULL,
    "object" JSONB NOT NULL,
    CONSTRAINT "objects_pkey" PRIMARY KEY ("cluster", "api_group", "resource", "namespace", "name")
);

-- Every index is paid for by every write (the store benchmark's target is
-- relative to a one-index INSERT), so only lookups the system makes get one.
CREATE INDEX "objects_labels_idx" ON "objects" USING GIN ("labels");
-- Dependents by owner uid (garbage collector, controllers).
CREATE INDEX "objects_owner_uids_idx" ON "objects" USING GIN ("owner_uids");
-- Hot field selectors (kubelets list their pods by node; controllers by phase).
-- Expressions must stay identical to src/store/field-selector.ts.
CREATE INDEX "objects_pods_node_name_idx" ON "objects" ("cluster", (COALESCE("object"->'spec'->>'nodeName', '')))
    WHERE "api_group" = '' AND "resource" = 'pods';
CREATE INDEX "objects_pods_phase_idx" ON "objects" ("cluster", (COALESCE("object"->'status'->>'phase', '')))
    WHERE "api_group" = '' AND "resource" = 'pods';

-- Every change, in commit order per cluster. rv is the resourceVersion the
-- change produced; prev_object is the object before it (null for ADDED), so
-- watches can turn selector transitions into ADDED/DELETED without a query.
CREATE TABLE "change_log" (
    "cluster" TEXT NOT NULL,
    "rv" BIGINT NOT NULL,
    "api_group" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "object" JSONB NOT NULL,
    "prev_object" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "change_log_pkey" PRIMARY KEY ("cluster", "rv"),
    CONSTRAINT "change_log_event_type_check" CHECK ("event_type" IN ('ADDED', 'MODIFIED', 'DELETED'))
);
-- Compaction finds old rows from the start of each cluster's log through the
-- primary key; no index on created_at.

-- Where each outbox consumer (the queue dispatcher) has got to in each
-- cluster's change log. Advanced only after the jobs are enqueued.
CREATE TABLE "outbox_cursors" (
    "consumer" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "rv" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_cursors_pkey" PRIMARY KEY ("consumer", "cluster")
);
