import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseReconcileJobId, queueName, reconcileJobId } from '../../src/queue/index.js';

describe('reconcile job ids', () => {
  const keys: [string, string, { cluster: string; namespace: string; name: string }][] = [
    ['a namespaced key', 'replicaset', { cluster: 'c1', namespace: 'default', name: 'web' }],
    ['a name with colons', 'clusterrole', { cluster: 'c1', namespace: '', name: 'system:controller:replicaset' }],
    ['an all-digit name in an all-digit cluster', 'node', { cluster: '123', namespace: '', name: '456' }],
    ['slashes and percent signs', 'x', { cluster: 'a/b', namespace: 'n%1', name: 'weird/na:me' }],
  ];
  for (const [name, controller, key] of keys) {
    it(`${name}: no ':', not all digits, and round-trips`, () => {
      const id = reconcileJobId(controller, key);
      assert.ok(!id.includes(':'), id);
      assert.ok(!/^\d+$/.test(id), id);
      assert.deepEqual(parseReconcileJobId(id), { controller, key });
    });
  }

  it('distinct keys get distinct ids', () => {
    assert.notEqual(reconcileJobId('a', { cluster: 'c', namespace: 'x/y', name: 'z' }), reconcileJobId('a', { cluster: 'c', namespace: 'x', name: 'y/z' }));
  });

  it('queue names must be plain controller names', () => {
    assert.equal(queueName('replicaset'), 'replicaset');
    assert.throws(() => queueName('bad:name'));
  });
});
