import fs from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.js';
import { StartupError } from '../startup-error.js';
import { freePort } from './ports.js';
import { run, stopChild } from './child-process.js';

export interface LocalRedisOptions {
  /** Directory for Redis's append-only file; undefined keeps nothing on disk. */
  dir: string | undefined;
  log: Logger;
  /** Progress lines for a person (the apt-get install), separate from the log. */
  say: (line: string) => void;
}

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

async function onPath(binary: string): Promise<boolean> {
  const { code } = await run('sh', ['-c', `command -v ${binary}`]);
  return code === 0;
}

async function isDebian(): Promise<boolean> {
  return fs
    .access('/etc/debian_version')
    .then(() => true)
    .catch(() => false);
}

const HOW_TO = 'install Redis (Debian: sudo apt-get install -y redis-server) or set REDIS_URL to a Redis server';

/** Finds redis-server, installing Debian's package when running as root on Debian. */
export async function ensureRedisServerBinary(say: (line: string) => void): Promise<void> {
  if (await onPath('redis-server')) return;
  if (process.getuid?.() !== 0 || !(await isDebian())) {
    throw new StartupError(`redis-server is not on PATH: ${HOW_TO}`);
  }
  say("redis-server not found: installing Debian's redis-server package (apt-get, about a minute)...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update', '-qq'], { env });
  if (update.code !== 0) throw new StartupError(`apt-get update failed (${update.stderr.trim().split('\n').pop() ?? ''}): ${HOW_TO}`);
  const install = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { env });
  if (install.code !== 0 || !(await onPath('redis-server'))) {
    throw new StartupError(`apt-get install redis-server failed (${install.stderr.trim().split('\n').pop() ?? ''}): ${HOW_TO}`);
  }
  say('redis-server installed.');
}

function startServer(args: string[], log: Logger): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') log.debug({ redis: line }, 'redis');
      if (text.includes('Ready to accept connections')) {
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null): void => {
      reject(new StartupError(`redis-server exited during start (code ${code}): ${output.trim().split('\n').pop() ?? ''}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => reject(new StartupError(`could not start redis-server: ${err.message}`)));
  });
}

/** Starts a private redis-server on a free loopback port. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  await ensureRedisServerBinary(options.say);
  const port = await freePort();
  // noeviction: BullMQ's keys must never be evicted (see ARCHITECTURE.md, traps).
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''];
  if (options.dir !== undefined) {
    try {
      await fs.mkdir(options.dir, { recursive: true });
    } catch (err) {
      throw new StartupError(`data directory ${options.dir} cannot be written (${(err as Error).message}); set KUBEQL_DATA_DIR to a writable directory`);
    }
    args.push('--dir', options.dir, '--appendonly', 'yes');
  } else {
    args.push('--appendonly', 'no');
  }
  const child = await startServer(args, options.log);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child, 'SIGTERM', 10_000),
  };
}
