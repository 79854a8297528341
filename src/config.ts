import path from 'node:path';
import { StartupError } from './startup-error.js';

/** Every setting kubeql reads, parsed once from the environment. */
export interface Config {
  /** Address the API listens on. @defaultValue 127.0.0.1 */
  readonly host: string;
  /** Port of the REST + GraphQL API. @defaultValue 8080 */
  readonly port: number;
  /** Where `up` keeps embedded PostgreSQL, Redis and the kubeconfig. @defaultValue ./.kubeql */
  readonly dataDir: string;
  /** External PostgreSQL; when unset, `up` and the tests embed one. */
  readonly databaseUrl: string | undefined;
  /** External Redis; when unset, `up` and the tests start a redis-server. */
  readonly redisUrl: string | undefined;
  /** Simulated nodes the all-in-one node agent registers. @defaultValue 3 */
  readonly nodes: number;
  /** Cluster that bare (non /clusters/{name}) paths mean for the all-in-one admin. @defaultValue default */
  readonly defaultCluster: string;
  /** pino level. @defaultValue info */
  readonly logLevel: string;
  /** How long change-log rows are kept for watches and continue tokens. @defaultValue 300000 */
  readonly logWindowMs: number;
  /** Period of the full resync that re-enqueues every object. @defaultValue 300000 */
  readonly resyncMs: number;
  /** URL the node agent and other API clients use to reach the API. */
  readonly apiUrl: string;
  /** Token a node agent joins with (bootstrap token). */
  readonly nodeToken: string | undefined;
  /** Address the node agent's kubelet API (logs, exec, attach, port-forward) listens on. @defaultValue 127.0.0.1 */
  readonly kubeletHost: string;
  /** Its port; 0 picks a free one (each Node publishes it in daemonEndpoints). @defaultValue 0 */
  readonly kubeletPort: number;
  /** Address the API reaches the kubelet API at. @defaultValue kubeletHost, or 127.0.0.1 when that is a wildcard */
  readonly kubeletAdvertiseAddress: string | undefined;
  /** Serve TLS on the API port too (kubectl sends tokens only over TLS). @defaultValue true */
  readonly tls: boolean;
  /** PEM files of the API's certificate and key; unset: a self-signed pair kept in dataDir/pki. */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  /** Whether development conveniences (GraphQL introspection, landing page) are on. */
  readonly development: boolean;
  /** Where the controller manager serves /metrics and /healthz (KUBEQL_CONTROLLERS_METRICS_BIND_ADDRESS, "0": off). @defaultValue 127.0.0.1:10257 */
  readonly controllersMetricsAddress: BindAddress | undefined;
}

export interface BindAddress {
  readonly host: string;
  readonly port: number;
}

/** The controller manager's metrics port, as kube-controller-manager's. */
export const DEFAULT_CONTROLLERS_METRICS_ADDRESS = '127.0.0.1:10257';

/**
 * Parses `host:port` (`[::1]:port` for IPv6) as controller-runtime's
 * --metrics-bind-address; "0" turns the endpoint off (undefined).
 */
export function parseBindAddress(raw: string, what: string): BindAddress | undefined {
  if (raw === '0') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (match === null || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new StartupError(`${what} "${raw}" is not host:port (for example ${DEFAULT_CONTROLLERS_METRICS_ADDRESS}, or 0 to turn it off)`);
  }
  return Object.freeze({ host, port });
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StartupError(`${name}=${raw} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new StartupError(`${name} is not a URL (expected ${protocols[0]}//host:port/...)`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new StartupError(`${name} must start with ${protocols.join(' or ')}, not ${parsed.protocol}`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1';
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const logLevel = env.KUBEQL_LOG_LEVEL && env.KUBEQL_LOG_LEVEL !== '' ? env.KUBEQL_LOG_LEVEL : 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw new StartupError(`KUBEQL_LOG_LEVEL=${logLevel} is not one of ${[...LOG_LEVELS].join(', ')}`);
  }
  const apiHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return Object.freeze({
    host,
    port,
    dataDir: path.resolve(env.KUBEQL_DATA_DIR && env.KUBEQL_DATA_DIR !== '' ? env.KUBEQL_DATA_DIR : '.kubeql'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    nodes: integer(env, 'KUBEQL_NODES', 3, 0, 100_000),
    defaultCluster: env.KUBEQL_CLUSTER && env.KUBEQL_CLUSTER !== '' ? env.KUBEQL_CLUSTER : 'default',
    logLevel,
    logWindowMs: integer(env, 'KUBEQL_LOG_WINDOW_SECONDS', 300, 1, 86_400 * 7) * 1000,
    resyncMs: integer(env, 'KUBEQL_RESYNC_SECONDS', 300, 1, 86_400) * 1000,
    apiUrl: url(env, 'KUBEQL_API_URL', ['http:', 'https:']) ?? `http://${apiHost}:${port}`,
    nodeToken: env.KUBEQL_NODE_TOKEN && env.KUBEQL_NODE_TOKEN !== '' ? env.KUBEQL_NODE_TOKEN : undefined,
    kubeletHost: env.KUBEQL_KUBELET_HOST && env.KUBEQL_KUBELET_HOST !== '' ? env.KUBEQL_KUBELET_HOST : '127.0.0.1',
    kubeletPort: integer(env, 'KUBEQL_KUBELET_PORT', 0, 0, 65535),
    kubeletAdvertiseAddress: env.KUBEQL_KUBELET_ADVERTISE_ADDRESS && env.KUBEQL_KUBELET_ADVERTISE_ADDRESS !== '' ? env.KUBEQL_KUBELET_ADVERTISE_ADDRESS : undefined,
    tls: env.KUBEQL_TLS !== 'false' && env.KUBEQL_TLS !== '0',
    tlsCertFile: env.KUBEQL_TLS_CERT_FILE && env.KUBEQL_TLS_CERT_FILE !== '' ? env.KUBEQL_TLS_CERT_FILE : undefined,
    tlsKeyFile: env.KUBEQL_TLS_KEY_FILE && env.KUBEQL_TLS_KEY_FILE !== '' ? env.KUBEQL_TLS_KEY_FILE : undefined,
    development: env.NODE_ENV !== 'production',
    controllersMetricsAddress: parseBindAddress(env.KUBEQL_CONTROLLERS_METRICS_BIND_ADDRESS || DEFAULT_CONTROLLERS_METRICS_ADDRESS, 'KUBEQL_CONTROLLERS_METRICS_BIND_ADDRESS'),
  });
}

function redact(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}

/** The configuration as it may be logged: credentials in URLs and tokens hidden. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: redact(config.databaseUrl),
    redisUrl: redact(config.redisUrl),
    nodeToken: config.nodeToken === undefined ? undefined : '***',
  };
}
