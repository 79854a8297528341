// `kubeql migrate`: applies prisma/migrations to DATABASE_URL, then exits.
import { migrate } from '../src/db/migrate.js';
import { checkPostgres } from '../src/infra/connect.js';
import type { ProcessContext } from '../src/process/main.js';
import { StartupError } from '../src/startup-error.js';

export async function run({ config, log, lifecycle }: ProcessContext): Promise<void> {
  if (config.databaseUrl === undefined) throw new StartupError('kubeql migrate needs DATABASE_URL (`kubeql up` migrates its embedded database itself)');
  await checkPostgres(config.databaseUrl);
  const applied = await migrate(config.databaseUrl, log);
  process.stdout.write(applied.length === 0 ? 'kubeql migrate: database is up to date\n' : `kubeql migrate: applied ${applied.join(', ')}\n`);
  void lifecycle.stop();
}
