// `kubeql controllers`: the process that runs the controllers.
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql controllers');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  // The controller-manager itself arrives with issue #7; until then the process only
  // proves its connections and drains on SIGTERM, so deployments can be wired.
  log.warn('controller-manager: no work loops yet (issue #7); connected and idle');
  lifecycle.add('controller-manager', async () => undefined);
}
