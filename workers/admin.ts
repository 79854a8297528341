// Admin commands that act on the database and exit:
//   kubeql token create [--cluster NAME] [--kind admin|bootstrap] [--ttl-hours N]
//   kubeql kubeconfig [--cluster NAME] [--server URL]   (an admin kubeconfig on stdout)
import { renderKubeconfig } from '../src/auth/kubeconfig.js';
import { ADMIN_GROUPS, issueToken, type TokenKind } from '../src/auth/tokens.js';
import { createPrisma } from '../src/db/prisma.js';
import { secureUrl, servingCertificate } from '../src/infra/serving-certificate.js';
import { checkPostgres } from '../src/infra/connect.js';
import type { ProcessContext } from '../src/process/main.js';
import { StartupError } from '../src/startup-error.js';

const GROUPS: Record<'admin' | 'bootstrap', readonly string[]> = {
  admin: ADMIN_GROUPS,
  bootstrap: ['system:bootstrappers', 'system:authenticated'],
};

function flags(args: string[]): Map<string, string> {
  const parsed = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) throw new StartupError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? args[(i += 1)];
    if (name === undefined || value === undefined) throw new StartupError(`${arg} needs a value`);
    parsed.set(name, value);
  }
  return parsed;
}

async function withDatabase<T>(ctx: ProcessContext, work: (prisma: ReturnType<typeof createPrisma>) => Promise<T>): Promise<T> {
  const url = ctx.config.databaseUrl;
  if (url === undefined) throw new StartupError('this command needs DATABASE_URL (for the all-in-one: the kubeconfig `kubeql up` wrote already holds an admin token)');
  await checkPostgres(url);
  const prisma = createPrisma(url, { poolSize: 1 });
  try {
    return await work(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

export function tokenCommand(args: string[]) {
  return async (ctx: ProcessContext): Promise<void> => {
    if (args[0] !== 'create') throw new StartupError('usage: kubeql token create [--cluster NAME] [--kind admin|bootstrap] [--ttl-hours N]');
    const options = flags(args.slice(1));
    const kind = options.get('kind') ?? 'bootstrap';
    if (kind !== 'admin' && kind !== 'bootstrap') throw new StartupError(`--kind must be admin or bootstrap, not ${kind}`);
    const ttl = options.get('ttl-hours');
    const hours = ttl === undefined ? undefined : Number(ttl);
    if (hours !== undefined && !(hours > 0)) throw new StartupError('--ttl-hours must be a positive number');
    const cluster = options.get('cluster') ?? ctx.config.defaultCluster;
    const token = await withDatabase(ctx, (prisma) =>
      issueToken(prisma, {
        cluster,
        kind: kind as TokenKind,
        username: kind === 'admin' ? 'kubernetes-admin' : 'system:bootstrap',
        groups: GROUPS[kind],
        ...(hours === undefined ? {} : { expiresAt: new Date(Date.now() + hours * 3_600_000) }),
      }),
    );
    process.stdout.write(`${token}\n`);
    void ctx.lifecycle.stop();
  };
}

export function kubeconfigCommand(args: string[]) {
  return async (ctx: ProcessContext): Promise<void> => {
    const options = flags(args);
    const cluster = options.get('cluster') ?? ctx.config.defaultCluster;
    const server = options.get('server') ?? (ctx.config.tls ? secureUrl(ctx.config.apiUrl) : ctx.config.apiUrl);
    const tls = await servingCertificate(ctx.config);
    const token = await withDatabase(ctx, (prisma) => issueToken(prisma, { cluster, kind: 'admin', username: 'kubernetes-admin', groups: ADMIN_GROUPS }));
    process.stdout.write(renderKubeconfig({ server, token, cluster, user: 'kubernetes-admin', ...(tls && server.startsWith('https:') ? { caPem: tls.cert } : {}) }));
    void ctx.lifecycle.stop();
  };
}
