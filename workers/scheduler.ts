// `kubeql scheduler`: the process that binds pods to nodes.
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql scheduler');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  // The scheduler itself arrives with issue #6; until then the process only
  // proves its connections and drains on SIGTERM, so deployments can be wired.
  log.warn('scheduler: no work loops yet (issue #6); connected and idle');
  lifecycle.add('scheduler', async () => undefined);
}
