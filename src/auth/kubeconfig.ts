import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';

export interface KubeconfigOptions {
  server: string;
  token: string;
  cluster: string;
  user: string;
  /** PEM of the CA that signed the API's certificate (https servers). */
  caPem?: string;
}

/** A kubeconfig with one cluster, one user and one current context. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const context = `${options.user}@kubeql-${options.cluster}`;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `kubeql-${options.cluster}`, cluster: { server: options.server, ...(options.caPem ? { 'certificate-authority-data': Buffer.from(options.caPem).toString('base64') } : {}) } }],
    users: [{ name: options.user, user: { token: options.token } }],
    contexts: [{ name: context, context: { cluster: `kubeql-${options.cluster}`, user: options.user, namespace: 'default' } }],
    'current-context': context,
    preferences: {},
  });
}

export async function writeKubeconfig(file: string, options: KubeconfigOptions): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, renderKubeconfig(options), { mode: 0o600 });
}

/** The token and server of an existing kubeconfig written by kubeql, if any. */
export async function readKubeconfigToken(file: string): Promise<{ token: string; server: string } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = YAML.parse(text) as { users?: { user?: { token?: unknown } }[]; clusters?: { cluster?: { server?: unknown } }[] };
    const token = doc.users?.[0]?.user?.token;
    const server = doc.clusters?.[0]?.cluster?.server;
    return typeof token === 'string' && typeof server === 'string' ? { token, server } : undefined;
  } catch {
    return undefined;
  }
}
