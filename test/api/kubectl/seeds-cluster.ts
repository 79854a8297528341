// A whole control plane for the seed walk-throughs: the API, the controller
// manager, the scheduler and a node agent with simulated nodes, so that what
// kubectl prints (READY 1/1, Running, events from kubelet and scheduler) is
// what the tutorials show on a real cluster.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../../../src/auth/tokens.js';
import { controllers } from '../../../src/controllers/index.js';
import type { ControllerManager } from '../../../src/controllers/runtime/controller-manager.js';
import { silentLogger } from '../../../src/log.js';
import { startNodeAgent, type RunningNodeAgent } from '../../../src/node/start.js';
import { SchedulerWorker } from '../../../src/scheduler/worker/scheduler-worker.js';
import { obliterate, testManager } from '../../controllers/helpers.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { testDatabaseUrl, testRedisUrl } from '../../helpers/env.js';
import { kubectl, kubectlPath, type KubectlResult } from '../../helpers/kubectl.js';

export const SEEDS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/manifests/seeds');
export const seedManifest = (name: string): string => path.join(SEEDS, name);

export const kubectlSkip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;

export interface SeedCluster {
  t: TestApi;
  /** Runs kubectl against the cluster; the caller checks the exit code. */
  run(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<KubectlResult>;
  /** Runs kubectl, asserts it exited 0 and returns stdout. */
  ok(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
  /** Runs kubectl until its stdout matches (the control plane works asynchronously). */
  until(args: string[], pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startSeedCluster(options: { nodes?: number; namePrefix?: string } = {}): Promise<SeedCluster> {
  const t = await startTestApi();
  const bootstrap = await issueToken(t.api.prisma, { cluster: t.cluster, kind: 'bootstrap', username: 'system:bootstrap', groups: ['system:bootstrappers', 'system:authenticated'] });
  let manager: ControllerManager | undefined;
  let scheduler: SchedulerWorker | undefined;
  let agent: RunningNodeAgent | undefined;
  const stop = async (): Promise<void> => {
    await agent?.stop().catch(() => undefined);
    await scheduler?.stop().catch(() => undefined);
    if (manager) {
      await manager.stop().catch(() => undefined);
      await obliterate(manager.prefix, [...controllers.map((c) => c.name), 'default-scheduler']);
    }
    await t.stop();
  };
  try {
    manager = testManager(t.api.objects, t.cluster, controllers);
    await manager.start();
    // The scheduler process's engine, limited to this cluster under the manager's private queue prefix.
    scheduler = new SchedulerWorker({ objects: t.api.objects, log: silentLogger(), feed: { databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), prefix: manager.prefix, consumer: `${manager.prefix}-scheduler`, clusters: [t.cluster], pollIntervalMs: 100 } });
    await scheduler.start();
    agent = await startNodeAgent({ apiUrl: t.url, token: bootstrap, log: silentLogger(), nodes: options.nodes ?? 2, namePrefix: options.namePrefix ?? 'kubeql-node' });
  } catch (err) {
    await stop();
    throw err;
  }
  const run = (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> => kubectl(t.kubeconfig, args, o);
  const ok = async (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> => {
    const result = await run(args, o);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const until = async (args: string[], pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let last: KubectlResult | undefined;
    for (;;) {
      last = await run(args);
      if (last.code === 0 && pattern.test(last.stdout)) return last.stdout;
      if (Date.now() > deadline) assert.fail(`kubectl ${args.join(' ')} never printed ${String(pattern)}; last (exit ${String(last.code)}):\n${last.stdout}${last.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  return { t, run, ok, until, stop };
}

/** The rows of a kubectl table as arrays of cells (columns are separated by 2+ spaces or more). */
export function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s{2,}/));
}
