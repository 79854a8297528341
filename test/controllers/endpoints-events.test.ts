// The endpoints and endpointslice controllers' Warning Events, as
// kube-controller-manager's: a refused create is FailedToCreateEndpoint /
// FailedToUpdateEndpointSlices (and retried), except in a terminating
// namespace, where the key is dropped without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import endpointsController from '../../src/controllers/endpoints.js';
import endpointSliceController from '../../src/controllers/endpointslice.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const service = (name: string) => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
let ip = 20;

describe('endpoints controller events', () => {
  let h: Harness;
  before(async () => {
    h = new Harness([endpointsController, endpointSliceController], (store) => defaultAdmission({ store }));
    for (const ns of ['ev1', 'ev2', 'ev3', 'ev4']) await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
  });
  after(() => h.close());

  /** A Running pod with an IP behind Service `app` (what a node agent reports). */
  async function servingPod(ns: string, app: string): Promise<void> {
    const pod = await h.create('', 'v1', 'pods', ns, { metadata: { name: `${app}-pod`, labels: { app } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
    await h.objects.update(h.ref('', 'v1', 'pods'), ns, `${app}-pod`, { ...pod, status: { phase: 'Running', podIP: `10.1.0.${ip++}`, conditions: [{ type: 'Ready', status: 'True' }] } }, { requester: ADMIN, subresource: 'status' });
  }

  it('a create the API refuses is a FailedToCreateEndpoint Warning with its message, and the reconcile fails to be retried', async () => {
    await h.create('', 'v1', 'resourcequotas', 'ev1', { metadata: { name: 'no-endpoints' }, spec: { hard: { 'count/endpoints': '0' } } });
    await h.create('', 'v1', 'services', 'ev1', service('web'));
    await assert.rejects(h.reconcile('endpoints', { namespace: 'ev1', name: 'web' }), /exceeded quota/);
    const events = h.events.filter((e) => e.reason === 'FailedToCreateEndpoint');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'Warning');
    assert.equal(events[0]?.object.kind, 'Endpoints');
    assert.equal(events[0]?.object.metadata.name, 'web');
    assert.equal(events[0]?.message, 'Failed to create endpoint for service ev1/web: endpoints "web" is forbidden: exceeded quota: no-endpoints, requested: count/endpoints=1, used: count/endpoints=0, limited: count/endpoints=0');
  });

  it('in a terminating namespace the refused create is dropped without an Event', async () => {
    await h.create('', 'v1', 'services', 'ev2', service('api'));
    await servingPod('ev2', 'api');
    await h.objects.delete(h.ref('', 'v1', 'namespaces'), '', 'ev2', { requester: ADMIN });
    const ns = await h.get('', 'v1', 'namespaces', '', 'ev2');
    assert.equal((ns?.status as { phase?: string } | undefined)?.phase, 'Terminating');
    const before = h.events.length;
    await h.reconcile('endpoints', { namespace: 'ev2', name: 'api' });
    assert.equal(h.events.length, before);
    assert.equal(await h.get('', 'v1', 'endpoints', 'ev2', 'api'), null);
  });

  it('a refused EndpointSlice write is a FailedToUpdateEndpointSlices Warning on the Service', async () => {
    await h.create('', 'v1', 'resourcequotas', 'ev3', { metadata: { name: 'no-slices' }, spec: { hard: { 'count/endpointslices.discovery.k8s.io': '0' } } });
    await h.create('', 'v1', 'services', 'ev3', service('web'));
    await servingPod('ev3', 'web');
    await assert.rejects(h.reconcile('endpointslice', { namespace: 'ev3', name: 'web' }), /exceeded quota/);
    const events = h.events.filter((e) => e.reason === 'FailedToUpdateEndpointSlices');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'Warning');
    assert.equal(events[0]?.object.kind, 'Service');
    assert.match(events[0]?.message ?? '', /^Error updating Endpoint Slices for Service ev3\/web: endpointslices\.discovery\.k8s\.io "[^"]*" is forbidden: exceeded quota: no-slices, requested: count\/endpointslices\.discovery\.k8s\.io=1, used: count\/endpointslices\.discovery\.k8s\.io=0, limited: count\/endpointslices\.discovery\.k8s\.io=0$/);
  });

  it('in a terminating namespace a refused EndpointSlice create is dropped without an Event', async () => {
    const before = h.events.length;
    await h.reconcile('endpointslice', { namespace: 'ev2', name: 'api' });
    assert.equal(h.events.length, before);
    assert.deepEqual(await h.list('discovery.k8s.io', 'v1', 'endpointslices', 'ev2'), []);
  });

  it('with the API\u2019s validation in the path, a Service\u2019s pods get an EndpointSlice named as generateName would name it', async () => {
    await h.create('', 'v1', 'services', 'ev4', service('shop'));
    await servingPod('ev4', 'shop');
    await h.reconcile('endpointslice', { namespace: 'ev4', name: 'shop' });
    const slices = await h.list('discovery.k8s.io', 'v1', 'endpointslices', 'ev4');
    assert.equal(slices.length, 1);
    assert.match(slices[0]?.metadata.name ?? '', /^shop-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(slices[0]?.metadata.generateName, 'shop-');
  });
});
