// Real kubectl against the real API: the patch kinds kubectl sends for its
// everyday commands go through the REST verbs into the patch engines.
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl, kubectlPath, type KubectlResult } from '../../helpers/kubectl.js';
import { WEB_V1 } from './fixtures/cases.js';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
}
interface Deployment {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string }[] };
  spec: { replicas: number; strategy: { type: string; rollingUpdate?: unknown }; template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Container[] } } };
}

/** The kubectl.1.NN next to the kubectl on PATH, or undefined. */
function versioned(minor: number): string | undefined {
  const onPath = kubectlPath();
  if (onPath === undefined) return undefined;
  const candidate = path.join(path.dirname(realpathSync(onPath)), `kubectl.1.${minor}`);
  return existsSync(candidate) ? candidate : undefined;
}

const binaries = [27, 33].map((minor) => ({ minor, binary: versioned(minor) }));

describe('kubectl patch commands against the API', { skip: kubectlPath() === undefined ? 'kubectl is not on PATH' : false }, () => {
  let t: TestApi;
  let dir: string;
  before(async () => {
    t = await startTestApi();
    dir = await fs.mkdtemp(path.join(path.dirname(t.kubeconfig), 'manifests-'));
  });
  after(async () => t.stop());

  for (const { minor, binary } of binaries) {
    const name = `web-${minor}`;
    const run = async (args: string[], env?: NodeJS.ProcessEnv): Promise<KubectlResult> => {
      const result = await kubectl(t.kubeconfig, args, { ...(binary === undefined ? {} : { binary }), ...(env === undefined ? {} : { env }) });
      assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    const get = async (): Promise<Deployment> => JSON.parse((await run(['get', 'deployment', name, '-o', 'json'])).stdout) as Deployment;
    const manifest = async (edit: (c: typeof WEB_V1) => void): Promise<string> => {
      const config = structuredClone(WEB_V1);
      config.metadata.name = name;
      edit(config);
      const file = path.join(dir, `${name}.json`);
      await fs.writeFile(file, JSON.stringify(config));
      return file;
    };

    it(`kubectl 1.${minor}: apply, apply again, set env, label, annotate, rollout restart, edit`, { skip: binary === undefined ? `kubectl.1.${minor} not installed` : false }, async () => {
      await run(['apply', '-f', await manifest(() => undefined)]);
      // Second apply: a three-way strategic merge patch with $setElementOrder/containers.
      await run(['apply', '-f', await manifest((c) => {
        c.spec.replicas = 3;
        (c.spec.template.spec.containers[0] as { image: string }).image = 'nginx:1.25';
      })]);
      let d = await get();
      assert.equal(d.spec.replicas, 3);
      assert.deepEqual(d.spec.template.spec.containers.map((c) => [c.name, c.image]), [['nginx', 'nginx:1.25'], ['sidecar', 'busybox:1.36']]);
      assert.deepEqual(d.spec.template.spec.containers[0]?.env, [{ name: 'A', value: 'one' }, { name: 'B', value: 'two' }]);

      // Recreate strategy: $retainKeys drops rollingUpdate.
      await run(['apply', '-f', await manifest((c) => {
        c.spec.replicas = 3;
        (c.spec.template.spec.containers[0] as { image: string }).image = 'nginx:1.25';
        (c.spec as { strategy: unknown }).strategy = { type: 'Recreate' };
      })]);
      d = await get();
      assert.deepEqual(d.spec.strategy, { type: 'Recreate' });

      await run(['set', 'env', `deployment/${name}`, 'C=three']);
      await run(['label', 'deployment', name, 'tier=frontend']);
      await run(['label', 'deployment', name, 'app-']);
      await run(['annotate', 'deployment', name, 'note=hello']);
      await run(['rollout', 'restart', 'deployment', name]);
      d = await get();
      assert.deepEqual(d.spec.template.spec.containers[0]?.env, [{ name: 'A', value: 'one' }, { name: 'B', value: 'two' }, { name: 'C', value: 'three' }]);
      assert.deepEqual(d.metadata.labels, { tier: 'frontend' });
      assert.equal(d.metadata.annotations?.note, 'hello');
      assert.match(d.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '', /^\d{4}-\d\d-\d\dT/);

      // `kubectl edit` that deletes env var B and bumps the sidecar image: a two-way
      // strategic merge patch with {"$patch": "delete", "name": "B"}.
      const editor = path.join(dir, `edit-${minor}.sh`);
      await fs.writeFile(editor, "#!/bin/sh\nsed -i -e '/- name: B$/,+1d' -e 's/busybox:1.36/busybox:1.37/' \"$1\"\n", { mode: 0o755 });
      await run(['edit', 'deployment', name], { KUBE_EDITOR: editor });
      d = await get();
      assert.deepEqual(d.spec.template.spec.containers[0]?.env, [{ name: 'A', value: 'one' }, { name: 'C', value: 'three' }]);
      assert.deepEqual(d.spec.template.spec.containers.map((c) => c.image), ['nginx:1.25', 'busybox:1.37']);

      await run(['patch', 'deployment', name, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1}]']);
      const failed = await kubectl(t.kubeconfig, ['patch', 'deployment', name, '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":5}]'], binary === undefined ? {} : { binary });
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /the server rejected our request due to an error in our request/);
      assert.equal((await get()).spec.replicas, 1);
    });
  }

  it('kubectl apply --server-side creates and then conflicts with another manager', async (ctx) => {
    const file = path.join(dir, 'ssa.json');
    const config = structuredClone(WEB_V1);
    config.metadata.name = 'web-ssa';
    await fs.writeFile(file, JSON.stringify(config));
    const first = await kubectl(t.kubeconfig, ['apply', '--server-side', '-f', file]);
    if (first.code !== 0 && /not served yet|not available on the server/.test(first.stderr)) {
      ctx.skip('the REST verbs do not route application/apply-patch+yaml to serverSideApply yet');
      return;
    }
    assert.equal(first.code, 0, first.stderr);
    config.spec.replicas = 4;
    await fs.writeFile(file, JSON.stringify(config));
    const conflicting = await kubectl(t.kubeconfig, ['apply', '--server-side', '--field-manager=other', '-f', file]);
    assert.notEqual(conflicting.code, 0);
    assert.match(conflicting.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
    const forced = await kubectl(t.kubeconfig, ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', file]);
    assert.equal(forced.code, 0, forced.stderr);
  });
});
