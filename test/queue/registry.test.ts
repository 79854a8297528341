import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectChange } from '../../src/queue/index.js';
import type { KubeObject } from '../../src/store/index.js';
import { testRegistry } from './helpers.js';

const rsOwner = (name: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: '00000000-0000-0000-0000-000000000001', controller: true });

function change(resource: string, object: KubeObject, prev: KubeObject | null = null, group = ''): ObjectChange {
  return { cluster: 'c1', rv: 7, group, resource, namespace: 'default', name: object.metadata.name ?? '', type: prev === null ? 'ADDED' : 'MODIFIED', object, prev };
}

describe('controller registry', () => {
  const registry = testRegistry();

  it('a change to a controller\'s own resource maps to its own key', () => {
    assert.deepEqual(registry.jobsFor(change('replicasets', { metadata: { name: 'web' } }, null, 'apps')), [
      { controller: 'replicaset', key: { cluster: 'c1', namespace: 'default', name: 'web' } },
    ]);
  });

  it('a pod change maps to its controller owner ReplicaSet', () => {
    const jobs = registry.jobsFor(change('pods', { metadata: { name: 'web-x', ownerReferences: [rsOwner('web')] } }));
    assert.deepEqual(jobs, [{ controller: 'replicaset', key: { cluster: 'c1', namespace: 'default', name: 'web' } }]);
  });

  it('a pod that changed owner concerns both owners', () => {
    const jobs = registry.jobsFor(change('pods', { metadata: { name: 'p', ownerReferences: [rsOwner('new')] } }, { metadata: { name: 'p', ownerReferences: [rsOwner('old')] } }));
    assert.deepEqual(jobs.map((j) => j.key.name).sort(), ['new', 'old']);
  });

  it('owners that are not the controller, or of another kind, are ignored', () => {
    const notController = { ...rsOwner('web'), controller: false };
    const otherKind = { ...rsOwner('web'), kind: 'StatefulSet' };
    assert.deepEqual(registry.jobsFor(change('pods', { metadata: { name: 'p', ownerReferences: [notController, otherKind] } })), []);
  });

  it('a watched resource maps through its own function', () => {
    assert.deepEqual(registry.jobsFor(change('services', { metadata: { name: 'svc' } })), [
      { controller: 'endpoints', key: { cluster: 'c1', namespace: 'default', name: 'svc' } },
    ]);
  });

  it('a resource nobody watches maps to nothing', () => {
    assert.deepEqual(registry.jobsFor(change('configmaps', { metadata: { name: 'cm' } })), []);
  });

  it('a controller name is registered once', () => {
    assert.throws(() => registry.register({ name: 'replicaset', for: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet' } }));
  });
});
