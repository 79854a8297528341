import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import endpointsController from '../../src/controllers/endpoints.js';
import endpointSliceController, { MAX_ENDPOINTS_PER_SLICE } from '../../src/controllers/endpointslice.js';
import garbageCollector from '../../src/controllers/garbage-collector.js';
import type { KubeObject } from '../../src/store/types.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const webPod = (name: string, labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { name, labels },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
});

describe('endpoints and endpointslice controllers', () => {
  let h: Harness;
  let ip = 10;
  before(async () => {
    h = new Harness([endpointsController, endpointSliceController, garbageCollector]);
    for (const ns of ['e1', 'e2', 'e3', 'e4']) await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
  });
  after(() => h.close());

  /** What a node agent reports: an IP, Running, and Ready or not. */
  async function run(ns: string, name: string, ready: boolean): Promise<string> {
    const pod = await h.get('', 'v1', 'pods', ns, name);
    assert.ok(pod);
    const podIP = `10.0.0.${ip++}`;
    await h.objects.update(h.ref('', 'v1', 'pods'), ns, name, { ...pod, status: { phase: 'Running', podIP, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, { requester: ADMIN, subresource: 'status' });
    return podIP;
  }
  async function setReady(ns: string, name: string, ready: boolean): Promise<void> {
    const pod = await h.get('', 'v1', 'pods', ns, name);
    assert.ok(pod);
    const status = { ...(pod.status as object), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
    await h.objects.update(h.ref('', 'v1', 'pods'), ns, name, { ...pod, status }, { requester: ADMIN, subresource: 'status' });
  }
  const endpoints = (ns: string, name: string): Promise<KubeObject | null> => h.get('', 'v1', 'endpoints', ns, name);
  const slices = (ns: string, service: string): Promise<KubeObject[]> => h.list('discovery.k8s.io', 'v1', 'endpointslices', ns, `kubernetes.io/service-name=${service}`);

  it('ready pods are addresses, the others notReadyAddresses; targetPort resolves by name and by number', async () => {
    await h.create('', 'v1', 'services', 'e1', {
      metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 9090 }] },
    });
    await h.create('', 'v1', 'pods', 'e1', webPod('a'));
    await h.create('', 'v1', 'pods', 'e1', webPod('b'));
    await h.create('', 'v1', 'pods', 'e1', webPod('other', { app: 'db' }));
    await h.create('', 'v1', 'pods', 'e1', webPod('pending'));
    const ipA = await run('e1', 'a', true);
    const ipB = await run('e1', 'b', false);
    await run('e1', 'other', true);
    await h.settle();
    const ep = await endpoints('e1', 'web');
    assert.ok(ep);
    assert.deepEqual(ep.metadata.labels, { tier: 'front' });
    const subsets = ep.subsets as { addresses?: { ip: string; nodeName?: string; targetRef: { name: string } }[]; notReadyAddresses?: { ip: string }[]; ports: unknown[] }[];
    assert.equal(subsets.length, 1);
    assert.deepEqual(subsets[0]?.addresses?.map((a) => [a.ip, a.nodeName, a.targetRef.name]), [[ipA, 'node-1', 'a']]);
    assert.deepEqual(subsets[0]?.notReadyAddresses?.map((a) => a.ip), [ipB]);
    assert.deepEqual(subsets[0]?.ports, [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
    ]);

    const [slice, ...more] = await slices('e1', 'web');
    assert.equal(more.length, 0);
    assert.ok(slice);
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.metadata.ownerReferences?.[0]?.kind, 'Service');
    const byIp = new Map((slice.endpoints as { addresses: string[]; conditions: { ready: boolean } }[]).map((e) => [e.addresses[0], e.conditions.ready]));
    assert.deepEqual([...byIp.entries()].sort(), [[ipA, true], [ipB, false]].sort());
  });

  it('a pod turning ready moves to addresses; a deleted pod leaves', async () => {
    await setReady('e1', 'b', true);
    await h.settle();
    let subsets = (await endpoints('e1', 'web'))?.subsets as { addresses?: unknown[]; notReadyAddresses?: unknown[] }[];
    assert.equal(subsets[0]?.addresses?.length, 2);
    assert.equal(subsets[0]?.notReadyAddresses, undefined);
    await h.objects.delete(h.ref('', 'v1', 'pods'), 'e1', 'a', { requester: ADMIN, gracePeriodSeconds: 0 });
    await h.settle();
    subsets = (await endpoints('e1', 'web'))?.subsets as { addresses?: unknown[] }[];
    assert.equal(subsets[0]?.addresses?.length, 1);
    const slice = (await slices('e1', 'web'))[0];
    assert.equal((slice?.endpoints as unknown[]).length, 1);
  });

  it('a Service without a selector keeps its hand-made Endpoints', async () => {
    await h.create('', 'v1', 'services', 'e2', { metadata: { name: 'external' }, spec: { ports: [{ port: 5432 }] } });
    const manual = { metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432, protocol: 'TCP' }] }] };
    await h.create('', 'v1', 'endpoints', 'e2', manual);
    await h.create('', 'v1', 'pods', 'e2', webPod('x'));
    await run('e2', 'x', true);
    await h.settle();
    assert.deepEqual((await endpoints('e2', 'external'))?.subsets, manual.subsets);
    assert.deepEqual(await slices('e2', 'external'), []);
  });

  it('deleting the Service removes its Endpoints and slices', async () => {
    await h.objects.delete(h.ref('', 'v1', 'services'), 'e1', 'web', { requester: ADMIN });
    await h.settle();
    assert.equal(await endpoints('e1', 'web'), null);
    assert.deepEqual(await slices('e1', 'web'), []);
  });

  it('a pod without the named port serves nothing; a Service edit to a numeric targetPort brings it in', async () => {
    await h.create('', 'v1', 'services', 'e3', { metadata: { name: 'grpc' }, spec: { selector: { app: 'web' }, ports: [{ port: 50051, targetPort: 'grpc' }] } });
    await h.create('', 'v1', 'pods', 'e3', webPod('p'));
    await run('e3', 'p', true);
    await h.settle();
    assert.deepEqual((await endpoints('e3', 'grpc'))?.subsets, []);
    const svc = await h.get('', 'v1', 'services', 'e3', 'grpc');
    assert.ok(svc);
    await h.objects.update(h.ref('', 'v1', 'services'), 'e3', 'grpc', { ...svc, spec: { ...(svc.spec as object), ports: [{ port: 50051, targetPort: 8080, protocol: 'TCP' }] } }, { requester: ADMIN });
    await h.settle();
    const subsets = (await endpoints('e3', 'grpc'))?.subsets as { addresses?: unknown[]; ports?: { port: number }[] }[];
    assert.equal(subsets[0]?.addresses?.length, 1);
    assert.deepEqual(subsets[0]?.ports?.map((p) => p.port), [8080]);
  });

  it(`more than ${MAX_ENDPOINTS_PER_SLICE} pods spread over several slices, each listed once`, async () => {
    await h.create('', 'v1', 'services', 'e4', { metadata: { name: 'big' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    const count = MAX_ENDPOINTS_PER_SLICE + 20;
    await Promise.all(Array.from({ length: count }, (_, i) => h.create('', 'v1', 'pods', 'e4', webPod(`p${i}`))));
    for (let i = 0; i < count; i++) await run('e4', `p${i}`, true);
    await h.settle();
    const all = await slices('e4', 'big');
    assert.equal(all.length, 2);
    const listed = all.flatMap((s) => (s.endpoints as { addresses: string[] }[]).map((e) => e.addresses[0]));
    assert.equal(new Set(listed).size, count);
    assert.equal(((await endpoints('e4', 'big'))?.subsets as { addresses: unknown[] }[])[0]?.addresses.length, count);
  });
});
