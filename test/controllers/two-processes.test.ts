// Two controller-manager processes against one PostgreSQL and one Redis: each
// runs a dispatcher and a replicaset worker on the same queues. Neither may
// create pods the other already created (ARCHITECTURE.md trap 5).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/store/types.js';
import { uniqueClusterName } from '../helpers/env.js';
import { admin, eventually, listPods, obliterate, testObjects } from './helpers.js';

const objects = testObjects();
const children: ChildProcess[] = [];
let prefix = '';
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (prefix !== '') await obliterate(prefix, ['replicaset']);
  await objects.store.close();
});

function startChild(cluster: string, consumer: string): { child: ChildProcess; output: () => string } {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'manager-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, cluster, prefix, consumer], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

describe('two controller-manager processes', () => {
  it('keep exactly spec.replicas pods through creation, scaling and pod deletion', async () => {
    const cluster = uniqueClusterName('two');
    prefix = `kq-two-${randomBytes(4).toString('hex')}`;
    const a = startChild(cluster, `a-${cluster}`);
    const b = startChild(cluster, `b-${cluster}`);
    await eventually(async () => a.output().includes('started') && b.output().includes('started'), 30_000, 'both processes started');
    const rsRef = objects.resource(cluster, 'apps', 'v1', 'replicasets');
    const rs = await objects.create(rsRef, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'shared' },
      spec: { replicas: 30, selector: { matchLabels: { app: 'shared' } }, template: { metadata: { labels: { app: 'shared' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    }, { requester: admin });
    const live = async (): Promise<KubeObject[]> => (await listPods(objects, cluster)).filter((p) => p.metadata.deletionTimestamp === undefined && p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
    let most = 0;
    const settle = async (want: number): Promise<void> => {
      await eventually(async () => {
        const n = (await live()).length;
        most = Math.max(most, n);
        return n === want;
      }, 20_000, `${want} pods`);
    };
    await settle(30);
    await objects.patch(rsRef, 'default', 'shared', 'merge', { spec: { replicas: 50 } }, { requester: admin });
    await settle(50);
    const podsRef = objects.resource(cluster, '', 'v1', 'pods');
    for (const pod of (await live()).slice(0, 10)) await objects.delete(podsRef, 'default', pod.metadata.name ?? '', { requester: admin });
    await settle(50);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await live()).length, 50, 'no extra pods appear later');
    assert.ok(most <= 50, `at most 50 live pods at any time (saw ${most})`);
    const exits = [a, b].map(({ child }) => new Promise((resolve) => child.once('exit', resolve)));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all(exits);
    const counts = [a, b].map(({ output }) => Number(/reconciles (\d+)/.exec(output())?.[1] ?? 'NaN'));
    assert.ok(counts.every((n) => Number.isInteger(n)), `both stopped cleanly: ${JSON.stringify(counts)}`);
    process.stdout.write(`# reconciles per process: ${counts.join(', ')}\n`);
  });
});
