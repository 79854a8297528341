import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../src/infra/ports.js';
import { testDatabaseUrl, testRedisUrl } from '../helpers/env.js';
import { isolatedEnv, runKubeql } from '../helpers/cli.js';

// Each failure must end with exactly one line a person can act on and a non-zero exit.
function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'stack trace printed');
}

describe('start-up failures end with one clear line', () => {
  it('a port in use names the port', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const result = await runKubeql(['api'], isolatedEnv({ PORT: String(port), DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl() }));
      assert.notEqual(result.code, 0);
      assertOneLine(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('an unreachable DATABASE_URL names PostgreSQL and where it was looked for', async () => {
    const dead = await freePort();
    const result = await runKubeql(['api'], isolatedEnv({ PORT: '0', DATABASE_URL: `postgresql://x:y@127.0.0.1:${dead}/kubeql`, REDIS_URL: testRedisUrl() }));
    assert.notEqual(result.code, 0);
    assertOneLine(result.stderr, new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${dead} \\(DATABASE_URL\\)`));
  });

  it('an unreachable REDIS_URL names Redis', async () => {
    const dead = await freePort();
    const result = await runKubeql(['api'], isolatedEnv({ PORT: '0', DATABASE_URL: testDatabaseUrl(), REDIS_URL: `redis://127.0.0.1:${dead}` }));
    assert.notEqual(result.code, 0);
    assertOneLine(result.stderr, new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${dead} \\(REDIS_URL\\)`));
  });

  it('a data directory that cannot be written is named', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-file-'));
    try {
      const file = path.join(dir, 'not-a-dir');
      await fs.writeFile(file, 'x');
      const result = await runKubeql(['up'], isolatedEnv({ PORT: '0', KUBEQL_DATA_DIR: path.join(file, 'data') }));
      assert.notEqual(result.code, 0);
      assertOneLine(result.stderr, /data directory .*not-a-dir\/data cannot be written.*KUBEQL_DATA_DIR/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a malformed setting is named', async () => {
    const result = await runKubeql(['api'], isolatedEnv({ PORT: 'eighty' }));
    assert.notEqual(result.code, 0);
    assertOneLine(result.stderr, /PORT=eighty is not a whole number/);
  });

  it('separate processes ask for the shared database and Redis', async () => {
    const result = await runKubeql(['scheduler'], isolatedEnv({}));
    assert.notEqual(result.code, 0);
    assertOneLine(result.stderr, /needs DATABASE_URL and REDIS_URL/);
  });

  it('an unknown command prints usage', async () => {
    const result = await runKubeql(['frobnicate'], isolatedEnv({}));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });
});
