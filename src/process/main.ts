import { loadConfig, redactedConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { describeStartupFailure, StartupError } from '../startup-error.js';
import { Lifecycle } from './lifecycle.js';

export interface ProcessContext {
  config: Config;
  log: Logger;
  lifecycle: Lifecycle;
}

/**
 * Runs a kubeql process: parse configuration, start, wait for a signal, drain.
 * Start-up failures end with one line on stderr and exit code 1.
 */
export async function runProcess(name: string, start: (ctx: ProcessContext) => Promise<void>, logger?: (config: Config) => Logger): Promise<never> {
  let lifecycle: Lifecycle | undefined;
  try {
    const config = loadConfig();
    const log = (logger?.(config) ?? createLogger(config.logLevel)).child({ process: name });
    log.info({ config: redactedConfig(config) }, 'starting');
    lifecycle = new Lifecycle(log);
    lifecycle.handleSignals();
    await start({ config, log, lifecycle });
    const ok = await lifecycle.done();
    process.exit(ok ? 0 : 1);
  } catch (err) {
    process.stderr.write(`kubeql ${name}: ${describeStartupFailure(err)}\n`);
    if (!(err instanceof StartupError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    if (lifecycle) await lifecycle.stop();
    process.exit(1);
  }
}

/** Separate processes share PostgreSQL and Redis by URL; only `up` embeds them. */
export function requireUrls(config: Config, name: string): { databaseUrl: string; redisUrl: string } {
  if (config.databaseUrl === undefined || config.redisUrl === undefined) {
    throw new StartupError(`${name} needs DATABASE_URL and REDIS_URL (or run everything in one process with \`kubeql up\`)`);
  }
  return { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl };
}
