// The objects every cluster has, written by the object service's bootstrap:
// against a real PostgreSQL, with several object services (each its own store
// and pool) standing for API replicas that start together.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { builtinRegistryFor } from '../../../src/api/resources/registry.js';
import { defaultAdmission } from '../../../src/objects/default-admission.js';
import { ObjectService } from '../../../src/objects/service.js';
import { Store } from '../../../src/store/store.js';
import type { KubeObject } from '../../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../../helpers/env.js';

const stores: Store[] = [];
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

function replica(apiEndpoint?: { address: string; port: number }): ObjectService {
  const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
  stores.push(store);
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
  objects.apiEndpoint = apiEndpoint;
  return objects;
}

async function get(objects: ObjectService, cluster: string, group: string, resource: string, namespace: string, name: string): Promise<KubeObject> {
  return objects.get(objects.resource(cluster, group, 'v1', resource), namespace, name);
}

async function names(objects: ObjectService, cluster: string, group: string, resource: string, namespace = ''): Promise<string[]> {
  const list = await objects.list(objects.resource(cluster, group, 'v1', resource), namespace);
  return list.items.map((o) => o.metadata.name ?? '').sort();
}

const ROLES = ['admin', 'cluster-admin', 'edit', 'system:basic-user', 'system:discovery', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:node', 'system:public-info-viewer', 'view'];
const BINDINGS = ['cluster-admin', 'system:basic-user', 'system:discovery', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:public-info-viewer'];
const RBAC = 'rbac.authorization.k8s.io';

describe('cluster bootstrap', () => {
  it('a new cluster has the system namespaces, both system priority classes and the bootstrap RBAC objects', async () => {
    const objects = replica();
    const cluster = uniqueClusterName();
    assert.deepEqual(await names(objects, cluster, '', 'namespaces'), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const critical = await get(objects, cluster, 'scheduling.k8s.io', 'priorityclasses', '', 'system-cluster-critical');
    assert.equal(critical.value, 2000000000);
    assert.equal(critical.description, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.');
    const nodeCritical = await get(objects, cluster, 'scheduling.k8s.io', 'priorityclasses', '', 'system-node-critical');
    assert.equal(nodeCritical.value, 2000001000);
    assert.equal(nodeCritical.description, 'Used for system critical pods that must not be moved from their current node.');
    assert.deepEqual(await names(objects, cluster, RBAC, 'clusterroles'), ROLES);
    assert.deepEqual(await names(objects, cluster, RBAC, 'clusterrolebindings'), BINDINGS);
    const view = await get(objects, cluster, RBAC, 'clusterroles', '', 'view');
    assert.deepEqual(view.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
    assert.deepEqual(view.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    const admin = await get(objects, cluster, RBAC, 'clusterroles', '', 'cluster-admin');
    assert.deepEqual(admin.rules, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]);
    const publicInfo = await get(objects, cluster, RBAC, 'clusterrolebindings', '', 'system:public-info-viewer');
    assert.deepEqual(publicInfo.roleRef, { apiGroup: RBAC, kind: 'ClusterRole', name: 'system:public-info-viewer' });
    assert.deepEqual(publicInfo.subjects, [
      { apiGroup: RBAC, kind: 'Group', name: 'system:authenticated' },
      { apiGroup: RBAC, kind: 'Group', name: 'system:unauthenticated' },
    ]);
    const masters = await get(objects, cluster, RBAC, 'clusterrolebindings', '', 'cluster-admin');
    assert.deepEqual(masters.subjects, [{ apiGroup: RBAC, kind: 'Group', name: 'system:masters' }]);
  });

  it('a process that is not an API replica does not write the kubernetes Service', async () => {
    const objects = replica();
    const cluster = uniqueClusterName();
    assert.deepEqual(await names(objects, cluster, '', 'services', 'default'), []);
  });

  it('an API replica writes default/kubernetes on the first address of the service range, with Endpoints and an EndpointSlice pointing at itself', async () => {
    const objects = replica({ address: '127.0.0.1', port: 6443 });
    const cluster = uniqueClusterName();
    const service = await get(objects, cluster, '', 'services', 'default', 'kubernetes');
    assert.deepEqual(service.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    const spec = service.spec as { clusterIP: string; clusterIPs: string[]; type: string; ports: unknown[]; selector?: unknown };
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.clusterIP, '10.96.0.1');
    assert.deepEqual(spec.clusterIPs, ['10.96.0.1']);
    assert.equal(spec.selector, undefined);
    assert.deepEqual(spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    const endpoints = await get(objects, cluster, '', 'endpoints', 'default', 'kubernetes');
    assert.deepEqual(endpoints.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    assert.equal(endpoints.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const slice = await get(objects, cluster, 'discovery.k8s.io', 'endpointslices', 'default', 'kubernetes');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: ['127.0.0.1'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'https', port: 6443, protocol: 'TCP' }]);
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'kubernetes');
  });

  it('three API replicas starting at once on one cluster each get their address in and duplicate nothing', async () => {
    const cluster = uniqueClusterName();
    const replicas = ['127.0.0.3', '127.0.0.1', '127.0.0.2'].map((address) => replica({ address, port: 6443 }));
    await Promise.all(replicas.map((r) => r.ensureBootstrapped(cluster)));
    const [first] = replicas;
    assert.ok(first);
    assert.deepEqual(await names(first, cluster, '', 'services', 'default'), ['kubernetes']);
    assert.deepEqual(await names(first, cluster, RBAC, 'clusterroles'), ROLES);
    assert.deepEqual(await names(first, cluster, '', 'namespaces'), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const endpoints = await get(first, cluster, '', 'endpoints', 'default', 'kubernetes');
    assert.deepEqual(endpoints.subsets, [{ addresses: [{ ip: '127.0.0.1' }, { ip: '127.0.0.2' }, { ip: '127.0.0.3' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const slice = await get(first, cluster, 'discovery.k8s.io', 'endpointslices', 'default', 'kubernetes');
    assert.deepEqual((slice.endpoints as { addresses: string[] }[]).map((e) => e.addresses[0]), ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });

  it('a user\'s change to a bootstrap object survives the next replica, while the kubernetes Service gets its https port back', async () => {
    const cluster = uniqueClusterName();
    const first = replica({ address: '127.0.0.1', port: 6443 });
    const requester = { requester: { username: 'test', groups: ['system:masters'] } };
    const roles = first.resource(cluster, RBAC, 'v1', 'clusterroles');
    const view = await first.get(roles, '', 'view');
    await first.update(roles, '', 'view', { ...view, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, requester);
    const services = first.resource(cluster, '', 'v1', 'services');
    const service = await first.get(services, 'default', 'kubernetes');
    const spec = service.spec as Record<string, unknown>;
    await first.update(services, 'default', 'kubernetes', { ...service, metadata: { ...service.metadata, labels: { ...service.metadata.labels, mine: 'yes' } }, spec: { ...spec, ports: [{ name: 'web', port: 8443, protocol: 'TCP', targetPort: 6443 }] } }, requester);

    const second = replica({ address: '127.0.0.1', port: 6443 });
    await second.ensureBootstrapped(cluster);
    assert.deepEqual((await get(second, cluster, RBAC, 'clusterroles', '', 'view')).rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const repaired = await get(second, cluster, '', 'services', 'default', 'kubernetes');
    assert.deepEqual((repaired.spec as { ports: unknown }).ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    assert.equal(repaired.metadata.labels?.mine, 'yes');
  });

  it('a replica serving on another port rebuilds the endpoints from its own address and port, as upstream\'s reconciler does', async () => {
    const cluster = uniqueClusterName();
    await replica({ address: '127.0.0.1', port: 6443 }).ensureBootstrapped(cluster);
    const moved = replica({ address: '127.0.0.2', port: 7443 });
    await moved.ensureBootstrapped(cluster);
    const endpoints = await get(moved, cluster, '', 'endpoints', 'default', 'kubernetes');
    assert.deepEqual(endpoints.subsets, [{ addresses: [{ ip: '127.0.0.2' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
    const service = await get(moved, cluster, '', 'services', 'default', 'kubernetes');
    assert.deepEqual((service.spec as { ports: unknown }).ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 7443 }]);
  });
});
