// The official JavaScript client (@kubernetes/client-node) unchanged against
// the API: typed CRUD, patches, errors and an informer (list, then watch).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestApi, type TestApi } from '../../helpers/api.js';

/** Resolves when `condition` holds, polling; fails after `ms`. */
async function eventually(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('@kubernetes/client-node against the API', () => {
  let t: TestApi;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  before(async () => {
    t = await startTestApi();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(t.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => t.stop());

  it('creates, reads, lists, replaces, patches and deletes through the typed API', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'settings', labels: { app: 'demo' } }, data: { mode: 'a' } } });
    assert.equal(created.metadata?.name, 'settings');
    assert.ok(created.metadata?.uid);
    const read = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    assert.deepEqual(read.data, { mode: 'a' });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=demo' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['settings']);
    read.data = { mode: 'b' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'settings', namespace: 'default', body: read });
    assert.equal(replaced.data?.mode, 'b');
    assert.notEqual(replaced.metadata?.resourceVersion, read.metadata?.resourceVersion);
    const patched = await core.patchNamespacedConfigMap({ name: 'settings', namespace: 'default', body: [{ op: 'add', path: '/data/extra', value: 'yes' }] });
    assert.deepEqual(patched.data, { mode: 'b', extra: 'yes' });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'settings', namespace: 'default', body: { data: { mode: 'c' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { mode: 'c', extra: 'yes' });
    await core.deleteNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' }), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 404);
      assert.equal((JSON.parse(err.body as string) as { reason: string }).reason, 'NotFound');
      return true;
    });
  });

  it('a deployment round-trips through the apps API with a strategic merge patch and a scale', async () => {
    const body: k8s.V1Deployment = {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
      },
    };
    await apps.createNamespacedDeployment({ namespace: 'default', body });
    const patched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(patched.spec?.template.spec?.containers.map((c) => [c.image, c.ports?.[0]?.containerPort]), [['nginx:1.26', 80]]);
    const scale = await apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: 'default', body: { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } } });
    assert.equal(scale.spec?.replicas, 3);
    const scaled = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    assert.equal(scaled.spec?.replicas, 3);
    // The scale is recorded as a write through the scale subresource.
    assert.ok(scaled.metadata?.managedFields?.some((m) => m.subresource === 'scale' && m.operation === 'Update' && JSON.stringify(m.fieldsV1).includes('f:replicas')));
    const conflict = await apps.createNamespacedDeployment({ namespace: 'default', body }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(conflict instanceof k8s.ApiException && conflict.code === 409, 'a second create is AlreadyExists');
  });

  it('an informer lists, then sees adds, updates and deletes through its watch', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    const events: string[] = [];
    informer.on('add', (pod) => events.push(`add ${pod.metadata?.name ?? ''}`));
    informer.on('update', (pod) => events.push(`update ${pod.metadata?.name ?? ''} ${pod.metadata?.labels?.stage ?? ''}`));
    informer.on('delete', (pod) => events.push(`delete ${pod.metadata?.name ?? ''}`));
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    const pod = (name: string): k8s.V1Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await core.createNamespacedPod({ namespace: 'default', body: pod('before-start') });
    await informer.start();
    try {
      await eventually(() => events.includes('add before-start'), 'the listed pod');
      await core.createNamespacedPod({ namespace: 'default', body: pod('watched') });
      await eventually(() => events.includes('add watched'), 'the created pod');
      await core.patchNamespacedPod(
        { name: 'watched', namespace: 'default', body: { metadata: { labels: { stage: 'two' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => events.includes('update watched two'), 'the update');
      await core.deleteNamespacedPod({ name: 'watched', namespace: 'default' });
      await eventually(() => events.includes('delete watched'), 'the delete');
      assert.deepEqual(
        informer.list().map((p) => p.metadata?.name),
        ['before-start'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });
});
