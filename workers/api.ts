// `kubeql api`: one API replica against shared PostgreSQL and Redis.
import { startApi } from '../src/api/start.js';
import { servingCertificate } from '../src/infra/serving-certificate.js';
import { checkPostgres, checkRedis } from '../src/infra/connect.js';
import { requireUrls, type ProcessContext } from '../src/process/main.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  const { databaseUrl, redisUrl } = requireUrls(config, 'kubeql api');
  await checkPostgres(databaseUrl);
  await checkRedis(redisUrl);
  const tls = await servingCertificate(config);
  const api = await startApi({ host: config.host, port: config.port, databaseUrl, redisUrl, log, development: config.development, logWindowMs: config.logWindowMs, ...(tls ? { tls } : {}) });
  lifecycle.add('api', api.stop);
}
