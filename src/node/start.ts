// Starts a node agent against an API URL: what both `kubeql node-agent` and
// `kubeql up` call. The agent joins with the bootstrap token once and then
// talks with a credential of its own (src/auth/node-agent-login.ts).
import { ApiClient } from './api-client.js';
import { loginNodeAgent } from '../auth/node-agent-login.js';
import { NodeAgent, type NodeAgentOptions } from './agent.js';
import type { Logger } from '../log.js';
import { ADDRESS_ANNOTATION, CREDENTIAL_ANNOTATION, credentialSecretName, KubeletCredential } from './server/credential.js';
import { KubeletServer } from './server/kubelet-server.js';
import { generateServingCertificate, type ServingCertificate } from '../infra/pki.js';

export interface KubeletServerSettings {
  /** Address the kubelet API listens on. @defaultValue 127.0.0.1 */
  host?: string;
  /** 0 picks a free port (published in each Node's daemonEndpoints). @defaultValue 0 */
  port?: number;
  /** Address the API reaches the kubelet API at. @defaultValue host (127.0.0.1 when host is a wildcard) */
  advertiseAddress?: string;
  /** Serve HTTPS with a self-signed certificate for the advertise address, published for the API to verify. @defaultValue true */
  tls?: boolean;
}

export interface StartNodeAgentOptions extends Omit<NodeAgentOptions, 'client' | 'log' | 'kubeletPort'> {
  apiUrl: string;
  /** Bootstrap token to join with; unneeded when dataDir holds a credential the API still accepts. */
  token?: string;
  /** Keeps the agent credential (dataDir/node-agents/<agentId>.json, 0600); without it the agent joins on every start. */
  dataDir?: string;
  /** Who the agent is (its credential's `system:node-agent:<id>`, the owner label on its Nodes). @defaultValue namePrefix */
  agentId?: string;
  /** PEM CA when apiUrl is https. */
  ca?: string;
  log: Logger;
  /** The kubelet API serving logs, exec, attach and port-forward; false runs without one. @defaultValue {} */
  kubelet?: KubeletServerSettings | false;
}

export interface RunningNodeAgent {
  agent: NodeAgent;
  client: ApiClient;
  /** Undefined when started with kubelet: false. */
  kubelet: KubeletServer | undefined;
  stop(): Promise<void>;
}

/** Names the credential Secret and the kubelet address on each Node the agent carries (only where they differ). */
async function annotateNodes(client: ApiClient, names: readonly string[], annotations: Record<string, string>): Promise<void> {
  const mine = new Set(names);
  const nodes = (await client.list('/api/v1/nodes')).items.filter((n) => mine.has(n.metadata.name ?? ''));
  const stale = nodes.filter((n) => Object.entries(annotations).some(([k, v]) => n.metadata.annotations?.[k] !== v));
  for (let i = 0; i < stale.length; i += 16) {
    await Promise.all(stale.slice(i, i + 16).map((n) => client.mergePatch(`/api/v1/nodes/${n.metadata.name ?? ''}`, { metadata: { annotations } })));
  }
}

export async function startNodeAgent(options: StartNodeAgentOptions): Promise<RunningNodeAgent> {
  const { apiUrl, token: bootstrapToken, ca, dataDir, agentId: requestedId, kubelet: kubeletSettings = {}, ...agentOptions } = options;
  const agentId = requestedId ?? agentOptions.namePrefix ?? 'kubeql-node';
  const token = await loginNodeAgent({ apiUrl, agentId, log: options.log, ...(ca ? { ca } : {}), ...(bootstrapToken !== undefined ? { bootstrapToken } : {}), ...(dataDir !== undefined ? { dataDir } : {}) });
  const client = new ApiClient({ url: apiUrl, token, ...(ca ? { ca } : {}) });
  let agent: NodeAgent | undefined;
  let kubelet: KubeletServer | undefined;
  const stopAll = async (): Promise<void> => {
    await kubelet?.stop();
    await agent?.stop();
    client.close();
  };
  try {
    const credential = new KubeletCredential();
    let kubeletPort: number | undefined;
    let certificate: ServingCertificate | undefined;
    if (kubeletSettings !== false) {
      const host = kubeletSettings.host ?? '127.0.0.1';
      const advertise = kubeletSettings.advertiseAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
      if (kubeletSettings.tls !== false) certificate = await generateServingCertificate([advertise]);
      // The server listens first so each Node's status carries its port from the start.
      const server = new KubeletServer({ runtime: () => (agent as NodeAgent).runtime, credential, log: options.log, host, port: kubeletSettings.port ?? 0, ...(certificate ? { tls: certificate } : {}) });
      kubelet = server;
      kubeletPort = await server.start();
    }
    agent = new NodeAgent({ ...agentOptions, client, log: options.log, ...(kubeletPort !== undefined ? { kubeletPort } : {}) });
    if (kubeletSettings !== false) {
      const host = kubeletSettings.host ?? '127.0.0.1';
      const advertise = kubeletSettings.advertiseAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
      const secretName = credentialSecretName(agentId);
      await credential.publish(client, secretName, certificate?.cert);
      await agent.start();
      await annotateNodes(client, agent.nodeNames, { [CREDENTIAL_ANNOTATION]: secretName, [ADDRESS_ANNOTATION]: advertise });
    } else {
      await agent.start();
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { agent, client, kubelet, stop: stopAll };
}
