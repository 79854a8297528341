// The admission caches (namespaces, service accounts, priority classes,
// resource quotas): this process's writes are visible as soon as they are
// answered, other replicas' arrive by watch, and a cache miss never refuses
// what the store would admit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { Informer } from '../../src/objects/informer.js';
import { ObjectService, type ResourceRef } from '../../src/objects/service.js';
import { Store } from '../../src/store/store.js';
import type { KubeObject } from '../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

const REQUESTER = { requester: { username: 'test', groups: ['system:masters'] } };

function replica(): { store: Store; objects: ObjectService } {
  const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
  return { store, objects: new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) }) };
}

const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec } }) as KubeObject;

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('informer cache', () => {
  const [a, b] = [replica(), replica()];
  const ref = (r: { objects: ObjectService }, cluster: string, group: string, version: string, resource: string): ResourceRef => r.objects.resource(cluster, group, version, resource);
  after(async () => {
    await Promise.all([a.store.close(), b.store.close()]);
  });

  describe('Informer', () => {
    let cluster: string;
    let informer: Informer;
    before(async () => {
      cluster = uniqueClusterName('inf');
      await a.objects.ensureBootstrapped(cluster);
      informer = new Informer({ store: a.store, group: '', resource: 'configmaps' });
      assert.deepEqual(await informer.list(cluster), [], 'starts synced and empty');
    });
    after(() => informer.close());

    it("sees this process's write as soon as the write is answered, without waiting for the watch", async () => {
      for (let i = 0; i < 20; i++) {
        await a.store.create({ cluster, group: '', resource: 'configmaps', namespace: 'default' }, { metadata: { name: `own-${i}` }, data: { i: String(i) } } as KubeObject);
        const cached = await informer.get(cluster, 'default', `own-${i}`);
        assert.equal((cached?.data as { i: string } | undefined)?.i, String(i));
      }
      await a.store.delete({ cluster, group: '', resource: 'configmaps', namespace: 'default', name: 'own-0' });
      assert.equal(await informer.get(cluster, 'default', 'own-0'), null, 'a deletion is seen at once too');
    });

    it("receives another replica's writes by watch, and its deletions", async () => {
      const key = { cluster, group: '', resource: 'configmaps', namespace: 'default', name: 'remote' };
      await b.store.create({ cluster, group: '', resource: 'configmaps', namespace: 'default' }, { metadata: { name: 'remote' }, data: { v: '1' } } as KubeObject);
      await eventually(async () => (await informer.get(cluster, 'default', 'remote')) !== null);
      const current = (await b.store.get(key)) as KubeObject;
      await b.store.update(key, { ...current, data: { v: '2' } });
      await eventually(async () => ((await informer.get(cluster, 'default', 'remote'))?.data as { v?: string } | undefined)?.v === '2');
      await b.store.delete(key);
      await eventually(async () => (await informer.get(cluster, 'default', 'remote')) === null);
      const names = ((await informer.list(cluster, 'default')) ?? []).map((o) => o.metadata.name);
      assert.ok(!names.includes('remote'));
      assert.ok(names.includes('own-1'));
    });
  });

  describe('pod admission on one replica right after a write on another', () => {
    let cluster: string;
    before(async () => {
      cluster = uniqueClusterName('inf');
      await Promise.all([a.objects.ensureBootstrapped(cluster), b.objects.ensureBootstrapped(cluster)]);
      // Warm replica a's caches, so what follows tests staleness, not a cold start.
      await a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'default', pod('warm'), REQUESTER);
    });

    it('admits a pod naming a priority class created a moment before elsewhere', async () => {
      await b.objects.create(ref(b, cluster, 'scheduling.k8s.io', 'v1', 'priorityclasses'), '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'fresh' }, value: 4242 } as KubeObject, REQUESTER);
      const created = await a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'default', pod('prioritized', { priorityClassName: 'fresh' }), REQUESTER);
      assert.equal((created.spec as { priority?: number }).priority, 4242);
    });

    it('still refuses a pod naming a priority class that exists nowhere', async () => {
      await assert.rejects(a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'default', pod('unknown-class', { priorityClassName: 'nowhere' }), REQUESTER), {
        reason: 'Forbidden',
        message: 'pods "unknown-class" is forbidden: no PriorityClass with name nowhere was found',
      });
    });

    it('uses a service account created a moment before elsewhere (its token is mounted)', async () => {
      await b.objects.create(ref(b, cluster, '', 'v1', 'serviceaccounts'), 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fresh-sa' } } as KubeObject, REQUESTER);
      const created = await a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'default', pod('with-sa', { serviceAccountName: 'fresh-sa' }), REQUESTER);
      assert.equal((created.spec as { serviceAccountName?: string }).serviceAccountName, 'fresh-sa');
      // Only an account that was found gets its token volume (a missing one mounts nothing).
      const volumes = ((created.spec as { volumes?: { name: string }[] }).volumes ?? []).map((v) => v.name);
      assert.equal(volumes.filter((v) => v.startsWith('kube-api-access-')).length, 1, `volumes: ${volumes.join(',')}`);
    });

    it('accepts a pod in a namespace created a moment before elsewhere', async () => {
      await b.objects.create(ref(b, cluster, '', 'v1', 'namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh-ns' } } as KubeObject, REQUESTER);
      const created = await a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'fresh-ns', pod('in-fresh-ns'), REQUESTER);
      assert.equal(created.metadata.namespace, 'fresh-ns');
      await assert.rejects(a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'nowhere-ns', pod('lost'), REQUESTER), { reason: 'NotFound', message: 'namespaces "nowhere-ns" not found' });
    });

    it('enforces a quota this replica created just before the pod', async () => {
      await a.objects.create(ref(a, cluster, '', 'v1', 'namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota-ns' } } as KubeObject, REQUESTER);
      await a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'quota-ns', pod('before-quota'), REQUESTER);
      await a.objects.create(ref(a, cluster, '', 'v1', 'resourcequotas'), 'quota-ns', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-more-pods' }, spec: { hard: { pods: '1' } } } as KubeObject, REQUESTER);
      await assert.rejects(a.objects.create(ref(a, cluster, '', 'v1', 'pods'), 'quota-ns', pod('over-quota'), REQUESTER), { reason: 'Forbidden', message: /exceeded quota: no-more-pods/ });
    });
  });
});
