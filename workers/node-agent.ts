// `kubeql node-agent`: a kubelet-like client of the API, never of the database.
import { StartupError } from '../src/startup-error.js';
import type { ProcessContext } from '../src/process/main.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  if (config.nodeToken === undefined) {
    throw new StartupError('kubeql node-agent needs KUBEQL_NODE_TOKEN (a bootstrap token) and KUBEQL_API_URL');
  }
  const response = await fetch(new URL('/readyz', config.apiUrl), { headers: { authorization: `Bearer ${config.nodeToken}` } }).catch((err: Error) => {
    throw new StartupError(`cannot reach the API at ${config.apiUrl} (KUBEQL_API_URL): ${err.message}`);
  });
  if (response.status === 401) throw new StartupError(`the API at ${config.apiUrl} rejected KUBEQL_NODE_TOKEN`);
  // Node registration, leases and the simulated runtime arrive with issue #8.
  log.warn({ nodes: config.nodes }, 'node-agent: no runtime yet (issue #8); API reachable, idle');
  lifecycle.add('node-agent', async () => undefined);
}
