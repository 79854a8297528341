// ResourceQuota admission on updates (the evaluators' Handles): a Service
// turning NodePort or LoadBalancer is charged services.nodeports and
// services.loadbalancers for what it grows; updates that grow nothing pass
// even when a namespace is over its quota; count-only resources and plain
// pod updates are not charged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { quotaHandles } from '../../src/admission/quota.js';
import { usageIncrease, usageOf } from '../../src/admission/quota-usage.js';
import { ApiError } from '../../src/api/errors.js';
import type { ApiResource } from '../../src/api/resources/types.js';
import { formatQuantity } from '../../src/kube/quantity.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import type { KubeObject } from '../../src/store/types.js';
import { ADMIN, Harness } from '../controllers/reconcile-harness.js';

const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, port: 80 + i, protocol: 'TCP' }));
const service = (name: string, type: string, portCount: number): KubeObject => ({ metadata: { name }, spec: { type, selector: { app: name }, ports: ports(portCount) } });
const isForbidden = (message: string) => (err: unknown) => {
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, 403);
  assert.equal(err.message, message);
  return true;
};

describe('quota admission on update', () => {
  let h: Harness;
  const ns = 'quota-update';
  const svc = () => h.ref('', 'v1', 'services');
  /** Re-reads a Service and writes it back with `spec` merged in. */
  const change = async (name: string, spec: Record<string, unknown>): Promise<KubeObject> => {
    const current = await h.get('', 'v1', 'services', ns, name);
    assert.ok(current !== null);
    return h.objects.update(svc(), ns, name, { ...current, spec: { ...(current.spec as object), ...spec } }, { requester: ADMIN });
  };
  const used = async (name: string): Promise<unknown> => ((await h.get('', 'v1', 'resourcequotas', ns, name))?.status as { used?: unknown } | undefined)?.used;

  before(async () => {
    h = new Harness([], (store) => defaultAdmission({ store }));
    await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
    await h.create('', 'v1', 'resourcequotas', ns, { metadata: { name: 'ports' }, spec: { hard: { 'services.nodeports': '2', 'services.loadbalancers': '1', services: '10' } } });
  });
  after(() => h.close());

  it('a ClusterIP Service turning NodePort with more ports than the quota allows is refused', async () => {
    await h.create('', 'v1', 'services', ns, service('wide', 'ClusterIP', 3));
    await assert.rejects(change('wide', { type: 'NodePort' }), isForbidden('services "wide" is forbidden: exceeded quota: ports, requested: services.nodeports=3, used: services.nodeports=0, limited: services.nodeports=2'));
    const stored = await h.get('', 'v1', 'services', ns, 'wide');
    assert.equal((stored?.spec as { type?: string }).type, 'ClusterIP', 'nothing written');
  });

  it('turning NodePort within the quota is charged to status.used at once', async () => {
    await h.create('', 'v1', 'services', ns, service('narrow', 'ClusterIP', 1));
    await change('narrow', { type: 'NodePort' });
    assert.deepEqual(await used('ports'), { services: '2', 'services.nodeports': '1' });
  });

  it('a second Service turning LoadBalancer is refused for services.loadbalancers', async () => {
    await h.create('', 'v1', 'services', ns, service('lb1', 'ClusterIP', 1));
    await change('lb1', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
    await h.create('', 'v1', 'services', ns, service('lb2', 'ClusterIP', 1));
    await assert.rejects(
      change('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }),
      isForbidden('services "lb2" is forbidden: exceeded quota: ports, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1'),
    );
  });

  it('an update that grows nothing passes even when the namespace is over its quota', async () => {
    // Lower the quota under what is already used.
    const q = await h.get('', 'v1', 'resourcequotas', ns, 'ports');
    assert.ok(q !== null);
    await h.objects.update(h.ref('', 'v1', 'resourcequotas'), ns, 'ports', { ...q, spec: { hard: { 'services.nodeports': '0', 'services.loadbalancers': '0', services: '10' } } }, { requester: ADMIN });
    const current = await h.get('', 'v1', 'services', ns, 'narrow');
    assert.ok(current !== null);
    await h.objects.update(svc(), ns, 'narrow', { ...current, metadata: { ...current.metadata, labels: { edited: 'yes' } } }, { requester: ADMIN });
    // Back to ClusterIP frees the node port and is never refused.
    await change('narrow', { type: 'ClusterIP', ports: ports(1).map((p) => ({ ...p })) });
  });
});

describe('which requests quota admission charges', () => {
  const resource = (resource: string, group = ''): ApiResource => ({ group, resource }) as ApiResource;
  const cases: { name: string; operation: 'CREATE' | 'UPDATE' | 'DELETE'; subresource: string; resource: ApiResource; want: boolean }[] = [
    { name: 'every create of a main resource', operation: 'CREATE', subresource: '', resource: resource('configmaps'), want: true },
    { name: 'a Service update (its type can change)', operation: 'UPDATE', subresource: '', resource: resource('services'), want: true },
    { name: 'a PersistentVolumeClaim update (expansion)', operation: 'UPDATE', subresource: '', resource: resource('persistentvolumeclaims'), want: true },
    { name: 'a pod resize', operation: 'UPDATE', subresource: 'resize', resource: resource('pods'), want: true },
    { name: 'not a plain pod update (resources are immutable there)', operation: 'UPDATE', subresource: '', resource: resource('pods'), want: false },
    { name: 'not a pod status update', operation: 'UPDATE', subresource: 'status', resource: resource('pods'), want: false },
    { name: 'not a Service status update', operation: 'UPDATE', subresource: 'status', resource: resource('services'), want: false },
    { name: 'not an update of a count-only resource', operation: 'UPDATE', subresource: '', resource: resource('deployments', 'apps'), want: false },
    { name: 'not a delete', operation: 'DELETE', subresource: '', resource: resource('services'), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(quotaHandles(c), c.want));

  it('an update is charged only for what grows', () => {
    const before = usageOf({ group: '', resource: 'services' }, service('s', 'NodePort', 2));
    const after = usageOf({ group: '', resource: 'services' }, service('s', 'LoadBalancer', 3));
    const grown = usageIncrease(after, before);
    assert.deepEqual(Object.fromEntries([...grown].map(([k, q]) => [k, formatQuantity(q)])), { 'services.loadbalancers': '1', 'services.nodeports': '1' });
    assert.equal(usageIncrease(before, after).size, 0, 'shrinking charges nothing');
  });
});
