// Starts a node agent against an API URL with a (bootstrap) token: what both
// `kubeql node-agent` and `kubeql up` call.
import { ApiClient } from './api-client.js';
import { NodeAgent, type NodeAgentOptions } from './agent.js';
import type { Logger } from '../log.js';

export interface StartNodeAgentOptions extends Omit<NodeAgentOptions, 'client' | 'log'> {
  apiUrl: string;
  token: string;
  /** PEM CA when apiUrl is https. */
  ca?: string;
  log: Logger;
}

export interface RunningNodeAgent {
  agent: NodeAgent;
  client: ApiClient;
  stop(): Promise<void>;
}

export async function startNodeAgent(options: StartNodeAgentOptions): Promise<RunningNodeAgent> {
  const { apiUrl, token, ca, ...agentOptions } = options;
  const client = new ApiClient({ url: apiUrl, token, ...(ca ? { ca } : {}) });
  const agent = new NodeAgent({ ...agentOptions, client });
  try {
    await agent.start();
  } catch (err) {
    await agent.stop();
    client.close();
    throw err;
  }
  return {
    agent,
    client,
    async stop() {
      await agent.stop();
      client.close();
    },
  };
}
