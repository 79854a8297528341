import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Taint, Toleration } from '../../../src/kube/types.js';
import { taintToleration } from '../../../src/scheduler/plugins/taint-toleration.js';
import { makeNode, makePod, scores, snapshotOf, verdict } from '../fixtures.js';

describe('TaintToleration filter', () => {
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const untolerated = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}';
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; want: string }[] = [
    { name: 'a pod with no tolerations can\'t be scheduled onto a tainted node', taints: [gpu], want: untolerated },
    { name: 'a pod fits an untainted node', taints: [], want: 'fits' },
    { name: 'an Equal toleration with the same key, value and effect tolerates the taint', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], want: 'fits' },
    { name: 'an unset operator means Equal', taints: [gpu], tolerations: [{ key: 'dedicated', value: 'gpu' }], want: 'fits' },
    { name: 'an Equal toleration with another value does not tolerate it', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], want: untolerated },
    { name: 'Exists tolerates any value of the key', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Exists' }], want: 'fits' },
    { name: 'Exists without a key tolerates every taint', taints: [gpu, { key: 'x', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: 'fits' },
    { name: 'a toleration for another effect does not count', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], want: untolerated },
    { name: 'NoExecute taints filter too', taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
    { name: 'PreferNoSchedule taints only affect the score', taints: [{ key: 'soft', value: 'x', effect: 'PreferNoSchedule' }], want: 'fits' },
    {
      name: 'the first untolerated taint is the one reported',
      taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'b', value: '2', effect: 'NoSchedule' }],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {b: 2}',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1', { taints: c.taints })]);
      assert.equal(verdict(taintToleration(), makePod('p', c.tolerations ? { tolerations: c.tolerations } : {}), cluster, 'n1'), c.want);
    });
  }
});

describe('TaintToleration score', () => {
  const soft = (key: string): Taint => ({ key, value: 'x', effect: 'PreferNoSchedule' });
  const cluster = () => snapshotOf([makeNode('clean'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b')] })]);

  it('fewer untolerated PreferNoSchedule taints score higher', () => {
    assert.deepEqual(scores(taintToleration(), makePod('p'), cluster()), { clean: 100, one: 50, two: 0 });
  });

  it('tolerated PreferNoSchedule taints do not count, and an unset effect covers PreferNoSchedule', () => {
    const pod = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists' }] });
    assert.deepEqual(scores(taintToleration(), pod, cluster()), { clean: 100, one: 100, two: 0 });
  });

  it('every node gets 100 when no node has such taints', () => {
    assert.deepEqual(scores(taintToleration(), makePod('p'), snapshotOf([makeNode('a'), makeNode('b')])), { a: 100, b: 100 });
  });
});
