// `npm test`: starts a throwaway PostgreSQL (embedded) and redis-server, applies
// the migrations, and runs every test/**/*.test.ts with node's test runner
// against them. Arguments narrow the run to files whose path contains them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { startLocalRedis } from '../src/infra/redis-server.js';
import { createLogger } from '../src/log.js';
import { describeStartupFailure } from '../src/startup-error.js';

async function testFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function main(): Promise<number> {
  const log = createLogger(process.env.KUBEQL_TEST_LOG_LEVEL ?? 'warn');
  const filters = process.argv.slice(2);
  const files = (await testFiles(path.resolve('test'))).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  if (files.length === 0) {
    process.stderr.write(`no test files match ${filters.join(' ')}\n`);
    return 1;
  }
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-test-'));
  await fs.chmod(scratch, 0o755);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const stops: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = process.env.KUBEQL_TEST_DATABASE_URL;
    if (databaseUrl === undefined) {
      // Durability buys nothing for a database deleted after the run.
      const postgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), log, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
      stops.push(postgres.stop);
      databaseUrl = postgres.url;
    }
    let redisUrl = process.env.KUBEQL_TEST_REDIS_URL;
    if (redisUrl === undefined) {
      const redis = await startLocalRedis({ dir: undefined, log, say });
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    await migrate(databaseUrl, log);
    say(`test harness: PostgreSQL and Redis ready; running ${files.length} test file(s)`);
    const concurrency = process.env.KUBEQL_TEST_CONCURRENCY ?? String(Math.max(2, os.cpus().length));
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, KUBEQL_TEST: '1' },
    });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm test: ${describeStartupFailure(err)}\n`);
    process.exit(1);
  },
);
