// Shared set-up for node agent tests: an API, a bootstrap token, an agent.
import { issueToken } from '../../src/auth/tokens.js';
import { ApiClient } from '../../src/node/api-client.js';
import { startNodeAgent, type RunningNodeAgent, type StartNodeAgentOptions } from '../../src/node/start.js';
import { silentLogger } from '../../src/log.js';
import type { KubeObject } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

export interface AgentFixture {
  api: TestApi;
  /** Admin client for the test's own reads and writes. */
  admin: ApiClient;
  bootstrapToken: string;
  startAgent(options?: Partial<StartNodeAgentOptions>): Promise<RunningNodeAgent>;
  stop(): Promise<void>;
}

export async function agentFixture(): Promise<AgentFixture> {
  const api = await startTestApi();
  const bootstrapToken = await issueToken(api.api.prisma, { cluster: api.cluster, kind: 'bootstrap', username: 'system:bootstrap', groups: ['system:bootstrappers', 'system:authenticated'] });
  const admin = new ApiClient({ url: api.url, token: api.token });
  const agents: RunningNodeAgent[] = [];
  return {
    api,
    admin,
    bootstrapToken,
    async startAgent(options = {}) {
      const running = await startNodeAgent({ apiUrl: api.url, token: bootstrapToken, log: silentLogger(), nodes: 2, namePrefix: 'sim', ...options });
      agents.push(running);
      return running;
    },
    async stop() {
      for (const agent of agents) await agent.stop().catch(() => undefined);
      admin.close();
      await api.stop();
    },
  };
}

/** Polls until check returns a value (not undefined) or the time runs out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function boundPod(name: string, node: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec },
  };
}

export const phaseOf = (pod: KubeObject): string | undefined => (pod.status as { phase?: string } | undefined)?.phase;

export function conditionsOf(pod: KubeObject): Record<string, string> {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return Object.fromEntries(conditions.map((c) => [c.type, c.status]));
}
