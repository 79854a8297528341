import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNamespaceLifecycle } from '../../src/admission/namespace-lifecycle.js';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };
const active = { metadata: { name: 'team' }, status: { phase: 'Active' } };
const terminating = { metadata: { name: 'team' }, status: { phase: 'Terminating' } };

describe('namespace lifecycle admission', () => {
  it('creating in a namespace that does not exist is NotFound', () => {
    const err = checkNamespaceLifecycle({ operation: 'CREATE', resource: pods, name: 'web', namespace: 'ghost' }, undefined);
    assert.deepEqual(err?.toStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'namespaces "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', kind: 'namespaces' },
      code: 404,
    });
  });

  it('creating in a terminating namespace is Forbidden with the NamespaceTerminating cause', () => {
    const err = checkNamespaceLifecycle({ operation: 'CREATE', resource: deployments, name: 'web', namespace: 'team' }, terminating);
    assert.equal(err?.code, 403);
    assert.equal(err?.message, 'deployments.apps "web" is forbidden: unable to create new content in namespace team because it is being terminated');
    assert.deepEqual(err?.details, {
      name: 'web',
      group: 'apps',
      kind: 'deployments',
      causes: [{ reason: 'NamespaceTerminating', message: 'namespace team is being terminated', field: 'metadata.namespace' }],
    });
  });

  it('updates in a terminating namespace and writes in an active one pass', () => {
    assert.equal(checkNamespaceLifecycle({ operation: 'UPDATE', resource: pods, name: 'web', namespace: 'team' }, terminating), undefined);
    assert.equal(checkNamespaceLifecycle({ operation: 'CREATE', resource: pods, name: 'web', namespace: 'team' }, active), undefined);
  });

  it('deletes always pass, and cluster-scoped objects are not checked', () => {
    assert.equal(checkNamespaceLifecycle({ operation: 'DELETE', resource: pods, name: 'web', namespace: 'ghost' }, undefined), undefined);
    assert.equal(checkNamespaceLifecycle({ operation: 'CREATE', resource: { group: '', resource: 'nodes' }, name: 'n1', namespace: '' }, undefined), undefined);
  });

  it('the default, kube-system and kube-public namespaces may not be deleted', () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const err = checkNamespaceLifecycle({ operation: 'DELETE', resource: { group: '', resource: 'namespaces' }, name, namespace: '' }, undefined);
      assert.equal(err?.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    assert.equal(checkNamespaceLifecycle({ operation: 'DELETE', resource: { group: '', resource: 'namespaces' }, name: 'team', namespace: '' }, active), undefined);
  });
});
