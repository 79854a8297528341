import { runProcess, type ProcessContext } from '../process/main.js';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { pino } from 'pino';

interface Command {
  summary: string;
  load: () => Promise<{ run: (ctx: ProcessContext) => Promise<void>; logger?: (config: Config) => Logger }>;
}

const COMMANDS: Record<string, Command> = {
  up: { summary: 'run everything in one process (embedded PostgreSQL, local Redis)', load: async () => { const m = await import('../../workers/up.js'); return { run: m.run, logger: m.upLogger }; } },
  api: { summary: 'run an API server (REST + GraphQL)', load: () => import('../../workers/api.js') },
  scheduler: { summary: 'run a scheduler worker', load: () => import('../../workers/scheduler.js') },
  controllers: { summary: 'run a controller-manager worker [--metrics-bind-address HOST:PORT|0]', load: async () => ({ run: (await import('../../workers/controller-manager.js')).controllersCommand(process.argv.slice(3)) }) },
  'node-agent': { summary: 'run a node agent (kubelet)', load: () => import('../../workers/node-agent.js') },
  migrate: { summary: 'apply database migrations and exit', load: () => import('../../workers/migrate.js') },
  token: { summary: 'token create [--cluster C] [--kind admin|bootstrap]: print a new credential', load: async () => ({ run: (await import('../../workers/admin.js')).tokenCommand(process.argv.slice(3)) }) },
  kubeconfig: { summary: 'print an admin kubeconfig [--cluster C] [--server URL]', load: async () => ({ run: (await import('../../workers/admin.js')).kubeconfigCommand(process.argv.slice(3)) }) },
};

function usage(): string {
  const lines = ['usage: kubeql <command>', '', 'commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${command.summary}`);
  lines.push('', 'Settings come from the environment: PORT, HOST, KUBEQL_DATA_DIR, DATABASE_URL, REDIS_URL, KUBEQL_NODES, KUBEQL_LOG_LEVEL (see README).');
  return lines.join('\n');
}

const name = process.argv[2];
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(`${usage()}\n`);
  process.exit(name === undefined ? 2 : 0);
}
const command = COMMANDS[name];
if (command === undefined) {
  process.stderr.write(`kubeql: unknown command "${name}"\n${usage()}\n`);
  process.exit(2);
}
const loaded = await command.load();
// Commands that print a result keep stdout for it; their log goes to stderr.
const quiet = name === 'token' || name === 'kubeconfig' || name === 'migrate';
await runProcess(name, loaded.run, loaded.logger ?? (quiet ? (config) => createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)) : undefined));
