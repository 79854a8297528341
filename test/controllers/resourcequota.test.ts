import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resourceQuotaAdmission } from '../../src/admission/quota.js';
import { ApiError } from '../../src/api/errors.js';
import resourceQuotaController, { podKeys } from '../../src/controllers/resourcequota.js';
import type { ObjectChange } from '../../src/queue/registry.js';
import type { KubeObject } from '../../src/store/types.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const pod = (name: string, resources?: Record<string, Record<string, string>>): KubeObject => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx', ...(resources ? { resources } : {}) }] },
});
const quota = (name: string, hard: Record<string, string>): KubeObject => ({ metadata: { name }, spec: { hard } });
const isForbidden = (message: string) => (err: unknown) => {
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, 403);
  assert.equal(err.reason, 'Forbidden');
  assert.equal(err.message, message);
  return true;
};
const used = async (h: Harness, ns: string, name: string): Promise<unknown> => ((await h.get('', 'v1', 'resourcequotas', ns, name))?.status as { used?: unknown } | undefined)?.used;

describe('resource quota', () => {
  let h: Harness;
  before(async () => {
    h = new Harness([resourceQuotaController], (store) => [resourceQuotaAdmission({ store })]);
    for (const ns of ['q1', 'q2', 'q3', 'q4', 'q5']) await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
  });
  after(() => h.close());

  it('a quota of 2 pods refuses the third with the exceeded quota message', async () => {
    await h.create('', 'v1', 'resourcequotas', 'q1', quota('pod-limit', { pods: '2' }));
    await h.create('', 'v1', 'pods', 'q1', pod('a'));
    await h.create('', 'v1', 'pods', 'q1', pod('b'));
    await assert.rejects(h.create('', 'v1', 'pods', 'q1', pod('c')), isForbidden('pods "c" is forbidden: exceeded quota: pod-limit, requested: pods=1, used: pods=2, limited: pods=2'));
    await h.settle();
    assert.deepEqual(await used(h, 'q1', 'pod-limit'), { pods: '2' });
  });

  it('deleting a pod frees its place once the controller has measured', async () => {
    await h.objects.delete(h.ref('', 'v1', 'pods'), 'q1', 'a', { requester: ADMIN });
    await h.settle();
    assert.deepEqual(await used(h, 'q1', 'pod-limit'), { pods: '1' });
    await h.create('', 'v1', 'pods', 'q1', pod('c'));
  });

  it('concurrent creates never overshoot the quota', async () => {
    await h.create('', 'v1', 'resourcequotas', 'q2', quota('five', { 'count/configmaps': '5', configmaps: '5' }));
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => h.create('', 'v1', 'configmaps', 'q2', { metadata: { name: `cm-${i}` } })));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.code === 403).length;
    assert.equal(ok, 5);
    assert.equal(refused, 15);
    assert.equal((await h.list('', 'v1', 'configmaps', 'q2')).length, 5);
  });

  it('cpu and memory requests and limits add up across containers, and each container must state them', async () => {
    await h.create('', 'v1', 'resourcequotas', 'q3', quota('compute', { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' }));
    await assert.rejects(
      h.create('', 'v1', 'pods', 'q3', pod('bare')),
      isForbidden('pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app; requests.cpu for: app; requests.memory for: app'),
    );
    const sized = { requests: { cpu: '600m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    await h.create('', 'v1', 'pods', 'q3', pod('one', sized));
    await assert.rejects(
      h.create('', 'v1', 'pods', 'q3', pod('two', sized)),
      isForbidden('pods "two" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1'),
    );
    await h.settle();
    assert.deepEqual(await used(h, 'q3', 'compute'), { 'limits.cpu': '1', 'limits.memory': '1Gi', 'requests.cpu': '600m', 'requests.memory': '512Mi' });
  });

  it('services, node ports and load balancers are counted by type', async () => {
    await h.create('', 'v1', 'resourcequotas', 'q4', quota('svc', { services: '10', 'services.nodeports': '2', 'services.loadbalancers': '0' }));
    await h.create('', 'v1', 'services', 'q4', { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] } });
    await assert.rejects(
      h.create('', 'v1', 'services', 'q4', { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }),
      isForbidden('services "lb" is forbidden: exceeded quota: svc, requested: services.loadbalancers=1,services.nodeports=1, used: services.loadbalancers=0,services.nodeports=2, limited: services.loadbalancers=0,services.nodeports=2'),
    );
    await h.create('', 'v1', 'services', 'q4', { metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
    await h.settle();
    assert.deepEqual(await used(h, 'q4', 'svc'), { services: '2', 'services.loadbalancers': '0', 'services.nodeports': '2' });
  });

  it('finished pods stop counting, and secrets, configmaps and claims are counted', async () => {
    await h.create('', 'v1', 'resourcequotas', 'q5', quota('mixed', { pods: '5', secrets: '5', configmaps: '5', persistentvolumeclaims: '5', 'requests.storage': '10Gi' }));
    await h.create('', 'v1', 'pods', 'q5', pod('done'));
    await h.create('', 'v1', 'secrets', 'q5', { metadata: { name: 's' } });
    await h.create('', 'v1', 'configmaps', 'q5', { metadata: { name: 'c' } });
    await h.create('', 'v1', 'persistentvolumeclaims', 'q5', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Gi' } } } });
    await h.settle();
    assert.deepEqual(await used(h, 'q5', 'mixed'), { configmaps: '1', persistentvolumeclaims: '1', pods: '1', 'requests.storage': '4Gi', secrets: '1' });
    const finished = await h.get('', 'v1', 'pods', 'q5', 'done');
    assert.ok(finished);
    await h.objects.update(h.ref('', 'v1', 'pods'), 'q5', 'done', { ...finished, status: { phase: 'Succeeded' } }, { requester: ADMIN, subresource: 'status' });
    await h.settle();
    assert.equal(((await used(h, 'q5', 'mixed')) as Record<string, string>).pods, '0');
  });
});

describe('which pod changes re-measure quotas', () => {
  const base: KubeObject = { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }] }, status: { phase: 'Pending' } };
  const change = (prev: KubeObject | null, object: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED'): ObjectChange => ({ cluster: 'c', rv: 2, group: '', resource: 'pods', namespace: 'ns', name: 'p', type, object, prev });
  const withSpec = (spec: object): KubeObject => ({ ...base, spec: { ...(base.spec as object), ...spec } });
  const withStatus = (status: object): KubeObject => ({ ...base, status });
  const cases: { name: string; change: ObjectChange; want: boolean }[] = [
    { name: 'a new pod is measured', change: change(null, base, 'ADDED'), want: true },
    { name: 'a deleted pod is measured', change: change(base, base, 'DELETED'), want: true },
    { name: 'binding (spec.nodeName) is not', change: change(base, withSpec({ nodeName: 'n1' })), want: false },
    { name: 'becoming Running is not', change: change(base, withStatus({ phase: 'Running' })), want: false },
    { name: 'finishing (Succeeded) is', change: change(withStatus({ phase: 'Running' }), withStatus({ phase: 'Succeeded' })), want: true },
    { name: 'failing is', change: change(withStatus({ phase: 'Running' }), withStatus({ phase: 'Failed' })), want: true },
    { name: 'the start of a graceful deletion is', change: change(base, { ...base, metadata: { ...base.metadata, deletionTimestamp: '2030-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } }), want: true },
    { name: 'a resize (container resources) is', change: change(base, withSpec({ containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '200m' } } }] })), want: true },
    { name: 'a label edit is not', change: change(base, { ...base, metadata: { ...base.metadata, labels: { a: 'b' } } }), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(podKeys(c.change).length > 0, c.want));
});
