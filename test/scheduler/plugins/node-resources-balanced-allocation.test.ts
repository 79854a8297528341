import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balancedResourceScore, nodeResourcesBalancedAllocation } from '../../../src/scheduler/plugins/node-resources-balanced-allocation.js';
import { makeNode, makePod, scores, snapshotOf } from '../fixtures.js';

describe('NodeResourcesBalancedAllocation', () => {
  const cluster = () =>
    snapshotOf([makeNode('empty'), makeNode('cpu-heavy')], [makePod('e', { nodeName: 'cpu-heavy', requests: { cpu: '2', memory: '1Gi' } })]);

  it('a node whose cpu and memory fractions stay equal scores 100, a lopsided one less', () => {
    // cpu-heavy: cpu 3/4 = .75, memory 3/8 = .375 -> std .1875 -> 81
    assert.deepEqual(scores(nodeResourcesBalancedAllocation(), makePod('p', { requests: { cpu: '1', memory: '2Gi' } }), cluster()), { empty: 100, 'cpu-heavy': 81 });
  });

  it('a best-effort pod is not scored (so best-effort pods do not pile onto one node)', () => {
    assert.equal(scores(nodeResourcesBalancedAllocation(), makePod('p'), cluster()), 'skip');
  });

  const table: { name: string; requested: number[]; allocatable: number[]; want: number }[] = [
    { name: 'two equal fractions give 100', requested: [1, 2], allocatable: [2, 4], want: 100 },
    { name: 'fractions above 1 count as 1', requested: [8, 4], allocatable: [4, 4], want: 100 },
    { name: 'a resource the node lacks is left out', requested: [1, 9], allocatable: [2, 0], want: 100 },
    { name: 'three resources use the standard deviation', requested: [1, 2, 3], allocatable: [4, 4, 4], want: 79 },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(balancedResourceScore(c.requested, c.allocatable), c.want));
  }
});
