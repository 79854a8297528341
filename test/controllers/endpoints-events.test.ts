// The endpoints controller's Warning Events, as kube-controller-manager's:
// a refused create is FailedToCreateEndpoint (and retried), except in a
// terminating namespace, where the key is dropped without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import endpointsController from '../../src/controllers/endpoints.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const service = (name: string) => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });

describe('endpoints controller events', () => {
  let h: Harness;
  before(async () => {
    h = new Harness([endpointsController], (store) => defaultAdmission({ store }));
    for (const ns of ['ev1', 'ev2']) await h.create('', 'v1', 'namespaces', '', { metadata: { name: ns } });
  });
  after(() => h.close());

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
    await h.objects.delete(h.ref('', 'v1', 'namespaces'), '', 'ev2', { requester: ADMIN });
    const ns = await h.get('', 'v1', 'namespaces', '', 'ev2');
    assert.equal((ns?.status as { phase?: string } | undefined)?.phase, 'Terminating');
    const before = h.events.length;
    await h.reconcile('endpoints', { namespace: 'ev2', name: 'api' });
    assert.equal(h.events.length, before);
    assert.equal(await h.get('', 'v1', 'endpoints', 'ev2', 'api'), null);
  });
});
