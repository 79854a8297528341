-- Tenancy and credentials.

CREATE TABLE "clusters" (
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "clusters_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "tokens" (
    "id" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "groups" TEXT[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(6),
    CONSTRAINT "tokens_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "tokens_token_hash_key" ON "tokens"("token_hash");
CREATE INDEX "tokens_cluster_idx" ON "tokens"("cluster");

ALTER TABLE "tokens" ADD CONSTRAINT "tokens_cluster_fkey" FOREIGN KEY ("cluster") REFERENCES "clusters"("name") ON DELETE CASCADE ON UPDATE CASCADE;
