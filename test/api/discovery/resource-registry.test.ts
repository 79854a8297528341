import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinRegistry, parseApiVersion, ResourceRegistry, storageVersionHash } from '../../../src/api/resources/registry.js';

describe('resource registry', () => {
  const r = builtinRegistry;

  it('finds a resource by group, version and plural, with its scope', () => {
    const pods = r.lookup('', 'v1', 'pods');
    assert.equal(pods?.kind, 'Pod');
    assert.equal(pods?.listKind, 'PodList');
    assert.equal(pods?.namespaced, true);
    assert.equal(r.lookup('', 'v1', 'nodes')?.namespaced, false);
    assert.equal(r.lookup('apps', 'v1', 'pods'), undefined);
    assert.equal(r.lookup('', 'v2', 'pods'), undefined);
  });

  it('puts exactly the workload kinds in the `all` category', () => {
    const all = r.inCategory('all').map((x) => `${x.resource}.${x.group}`).sort();
    assert.deepEqual(all, [
      'cronjobs.batch',
      'daemonsets.apps',
      'deployments.apps',
      'horizontalpodautoscalers.autoscaling',
      'jobs.batch',
      'pods.',
      'replicasets.apps',
      'replicationcontrollers.',
      'services.',
      'statefulsets.apps',
    ]);
  });

  const resolutions: { name: string; typed: string; want: string[] }[] = [
    { name: 'a short name', typed: 'po', want: ['pods.'] },
    { name: 'a singular name', typed: 'deployment', want: ['deployments.apps'] },
    { name: 'a kind, any case', typed: 'StatefulSet', want: ['statefulsets.apps'] },
    { name: 'a plural with its group', typed: 'events.events.k8s.io', want: ['events.events.k8s.io'] },
    { name: 'a short name two groups share, core first', typed: 'ev', want: ['events.', 'events.events.k8s.io'] },
    { name: 'hpa in its preferred version only', typed: 'hpa', want: ['horizontalpodautoscalers.autoscaling'] },
    { name: 'an unknown name', typed: 'widgets', want: [] },
  ];
  for (const c of resolutions) {
    it(`resolves ${c.name} (${c.typed})`, () => {
      assert.deepEqual(
        r.resolve(c.typed).map((x) => `${x.resource}.${x.group}`),
        c.want,
      );
    });
  }

  it('serves autoscaling in v2 (preferred) and v1', () => {
    assert.deepEqual(r.group('autoscaling'), { name: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' });
    assert.equal(r.byKind('autoscaling', 'HorizontalPodAutoscaler')?.version, 'v2');
    assert.equal(r.byKind('autoscaling', 'HorizontalPodAutoscaler', 'v1')?.preferred, false);
  });

  it('gives subresources their own kinds where Kubernetes does', () => {
    const deployments = r.lookup('apps', 'v1', 'deployments');
    assert.ok(deployments);
    assert.deepEqual(r.subresource(deployments, 'scale')?.kind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.deepEqual(r.subresource(deployments, 'status')?.kind, { group: 'apps', version: 'v1', kind: 'Deployment' });
    const pods = r.lookup('', 'v1', 'pods');
    assert.ok(pods);
    assert.deepEqual(r.subresource(pods, 'eviction')?.kind, { group: 'policy', version: 'v1', kind: 'Eviction' });
    assert.equal(r.subresource(pods, 'exec')?.role, 'node-stream');
    assert.equal(r.subresource(pods, 'log')?.role, 'node-stream');
    const sa = r.lookup('', 'v1', 'serviceaccounts');
    assert.ok(sa);
    assert.deepEqual(r.subresource(sa, 'token')?.kind, { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' });
    assert.equal(r.lookup('', 'v1', 'configmaps')?.hasStatus, false);
    assert.equal(deployments.hasStatus, true);
  });

  it('computes storage version hashes as the API server does', () => {
    // Values a v1.33 API server publishes for these resources.
    assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
    assert.equal(r.lookup('apps', 'v1', 'deployments')?.storageVersionHash, '8aSe+NMegvE=');
    assert.equal(r.lookup('', 'v1', 'endpoints')?.storageVersionHash, 'fWeeMqaN/OA=');
    assert.equal(r.lookup('', 'v1', 'limitranges')?.storageVersionHash, 'EBKMFVe6cwo=');
    // events.k8s.io Events are stored as core v1 Events, and publish that hash.
    assert.equal(r.lookup('', 'v1', 'events')?.storageVersionHash, 'r2yiGXH7wu8=');
    assert.equal(r.lookup('events.k8s.io', 'v1', 'events')?.storageVersionHash, 'r2yiGXH7wu8=');
  });

  it('can be extended with more resources without changing the original', () => {
    const extended = r.extend([{ group: 'example.com', versions: ['v1'], resource: 'widgets', singularName: 'widget', kind: 'Widget', namespaced: true, verbs: ['get', 'list'] }]);
    assert.equal(extended.lookup('example.com', 'v1', 'widgets')?.kind, 'Widget');
    assert.equal(r.lookup('example.com', 'v1', 'widgets'), undefined);
    assert.notEqual(extended.fingerprint, r.fingerprint);
  });

  it('refuses a resource defined twice in one group/version', () => {
    assert.throws(() => new ResourceRegistry([...r.definitions, { group: '', versions: ['v1'], resource: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, verbs: ['get'] }]), /defined twice/);
  });

  it('splits apiVersion strings', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
  });
});
