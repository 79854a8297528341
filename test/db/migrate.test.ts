import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { testDatabaseUrl } from '../helpers/env.js';
import { isolatedEnv, runKubeql } from '../helpers/cli.js';

describe('migrations', () => {
  it('are recorded in _prisma_migrations with the checksum Prisma computes', async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      const files = await readMigrations();
      assert.deepEqual(rows.map((r) => r.migration_name), files.map((m) => m.name));
      for (const row of rows) {
        const sql = await fs.readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
        assert.equal(row.checksum, crypto.createHash('sha256').update(sql).digest('hex'));
        assert.ok(row.finished_at, `${row.migration_name} not finished`);
        assert.equal(row.applied_steps_count, 1);
      }
    } finally {
      await client.end();
    }
  });

  it('applying them again changes nothing', async () => {
    assert.deepEqual(await migrate(testDatabaseUrl(), silentLogger()), []);
    const result = await runKubeql(['migrate'], isolatedEnv({ DATABASE_URL: testDatabaseUrl() }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'kubeql migrate: database is up to date');
  });

  it('a failing migration is rolled back whole and reported', async () => {
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kubeql-migrations-'));
    const name = `29990101000000_broken_${process.pid}`;
    await fs.mkdir(path.join(dir, name));
    await fs.writeFile(path.join(dir, name, 'migration.sql'), `CREATE TABLE broken_${process.pid} (id int); SELECT no_such_function();`);
    await assert.rejects(migrate(testDatabaseUrl(), silentLogger(), dir), /migration 29990101000000_broken_\d+ failed/);
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const table = await client.query('SELECT to_regclass($1) AS t', [`broken_${process.pid}`]);
      assert.equal(table.rows[0].t, null, 'half-applied migration left a table behind');
      const recorded = await client.query('SELECT 1 FROM _prisma_migrations WHERE migration_name = $1', [name]);
      assert.equal(recorded.rowCount, 0);
    } finally {
      await client.end();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
