// `kubeql node-agent [--nodes N] [--name-prefix P] [--ca-file PEM]`: a
// kubelet-like client of the API (KUBEQL_API_URL), never of the database,
// carrying N simulated nodes. It joins once with the bootstrap token in
// KUBEQL_NODE_TOKEN and keeps its own credential in KUBEQL_DATA_DIR/node-agents.
import fs from 'node:fs';
import { AgentLoginError } from '../src/auth/node-agent-login.js';
import { ApiStatusError } from '../src/node/api-client.js';
import { startNodeAgent } from '../src/node/start.js';
import { StartupError } from '../src/startup-error.js';
import type { ProcessContext } from '../src/process/main.js';

interface AgentFlags {
  nodes?: number;
  namePrefix?: string;
  caFile?: string;
  kubeletAddress?: string;
  kubeletPort?: number;
  advertiseAddress?: string;
}

const USAGE = 'kubeql node-agent [--nodes N] [--name-prefix P] [--ca-file PEM] [--kubelet-address ADDR] [--kubelet-port PORT] [--advertise-address ADDR]';

export function parseAgentFlags(args: readonly string[]): AgentFlags {
  const flags: AgentFlags = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split('=', 2) : [undefined, undefined];
    const value = inline ?? args[(i += 1)];
    if (name === undefined || value === undefined) throw new StartupError(`unexpected argument "${arg}" (usage: ${USAGE})`);
    if (name === 'nodes') {
      const nodes = Number(value);
      if (!Number.isInteger(nodes) || nodes < 0 || nodes > 100_000) throw new StartupError(`--nodes ${value} is not a whole number from 0 to 100000`);
      flags.nodes = nodes;
    } else if (name === 'name-prefix') {
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) throw new StartupError(`--name-prefix ${value} is not a valid node name prefix (lowercase letters, digits, '-', '.')`);
      flags.namePrefix = value;
    } else if (name === 'ca-file') {
      flags.caFile = value;
    } else if (name === 'kubelet-address') {
      flags.kubeletAddress = value;
    } else if (name === 'advertise-address') {
      flags.advertiseAddress = value;
    } else if (name === 'kubelet-port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartupError(`--kubelet-port ${value} is not a port from 0 to 65535`);
      flags.kubeletPort = port;
    } else {
      throw new StartupError(`unknown flag --${name}`);
    }
  }
  return flags;
}

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const flags = parseAgentFlags(process.argv.slice(3));
  let ca: string | undefined;
  if (flags.caFile !== undefined) {
    try {
      ca = fs.readFileSync(flags.caFile, 'utf8');
    } catch (err) {
      throw new StartupError(`cannot read --ca-file ${flags.caFile}: ${(err as Error).message}`);
    }
  }
  const running = await startNodeAgent({
    apiUrl: config.apiUrl,
    // Joins with the bootstrap token once; later starts use the credential kept in the data dir.
    ...(config.nodeToken !== undefined ? { token: config.nodeToken } : {}),
    dataDir: config.dataDir,
    ...(ca ? { ca } : {}),
    log,
    nodes: flags.nodes ?? config.nodes,
    namePrefix: flags.namePrefix ?? 'kubeql-node',
    kubelet: {
      host: flags.kubeletAddress ?? config.kubeletHost,
      port: flags.kubeletPort ?? config.kubeletPort,
      ...((flags.advertiseAddress ?? config.kubeletAdvertiseAddress) !== undefined ? { advertiseAddress: flags.advertiseAddress ?? config.kubeletAdvertiseAddress } : {}),
    },
  }).catch((err: unknown) => {
    if (err instanceof AgentLoginError) throw new StartupError(`kubeql node-agent cannot join: ${err.message} (set KUBEQL_NODE_TOKEN to a bootstrap token: kubeql token create --kind bootstrap)`);
    if (err instanceof ApiStatusError && err.code === 401) throw new StartupError(`the API at ${config.apiUrl} rejected KUBEQL_NODE_TOKEN`);
    if (err instanceof ApiStatusError) throw err;
    throw new StartupError(`cannot reach the API at ${config.apiUrl} (KUBEQL_API_URL): ${(err as Error).message}`);
  });
  log.info({ nodes: running.agent.nodeNames.length, kubeletPort: running.kubelet?.listeningPort }, 'node agent running');
  lifecycle.add('node-agent', running.stop);
}
