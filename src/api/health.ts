import type { RequestContext } from './http/context.js';
import { sendText } from './http/respond.js';
import type { Router } from './http/router.js';

/** A named readiness check; it rejects when its dependency is not answering. */
export interface HealthCheck {
  name: string;
  check: () => Promise<void>;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

// Kubernetes' format: "ok", or one [+]/[-] line per check and a summary.
async function report(ctx: RequestContext, endpoint: string, checks: HealthCheck[]): Promise<void> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), 2000);
        return { name: c.name, ok: true };
      } catch (err) {
        ctx.log.warn({ check: c.name, err: (err as Error).message }, `${endpoint} check failed`);
        return { name: c.name, ok: false };
      }
    }),
  );
  const healthy = results.every((r) => r.ok);
  const verbose = ctx.url.searchParams.has('verbose');
  if (healthy && !verbose) return sendText(ctx.res, 200, 'ok');
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  lines.push(healthy ? `${endpoint} check passed` : `${endpoint} check failed`);
  sendText(ctx.res, healthy ? 200 : 500, `${lines.join('\n')}\n`);
}

/** /healthz and /livez: the process serves; /readyz: PostgreSQL and Redis answer too. */
export function registerHealth(router: Router, readiness: HealthCheck[]): void {
  const ping: HealthCheck = { name: 'ping', check: async () => undefined };
  router.add('GET', '/healthz', (ctx) => report(ctx, 'healthz', [ping]), { anonymous: true });
  router.add('GET', '/livez', (ctx) => report(ctx, 'livez', [ping]), { anonymous: true });
  router.add('GET', '/readyz', (ctx) => report(ctx, 'readyz', [ping, ...readiness]), { anonymous: true });
}
