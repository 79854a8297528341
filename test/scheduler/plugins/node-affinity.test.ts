import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Affinity, NodeSelectorTerm } from '../../../src/kube/types.js';
import { ERR_REASON_CONFLICT, ERR_REASON_POD, nodeAffinity } from '../../../src/scheduler/plugins/node-affinity.js';
import { filterVerdicts, makeNode, makePod, scores, snapshotOf, verdict } from '../fixtures.js';

const required = (...terms: NodeSelectorTerm[]): Affinity => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const rejected = `UnschedulableAndUnresolvable: ${ERR_REASON_POD}`;

describe('NodeAffinity filter', () => {
  const labels = { disktype: 'ssd', zone: 'a', cores: '16' };
  const cases: { name: string; nodeSelector?: Record<string, string>; affinity?: Affinity; want: string }[] = [
    { name: 'a pod without node selector or affinity skips the plugin', want: 'skip' },
    { name: 'a matching nodeSelector fits', nodeSelector: { disktype: 'ssd' }, want: 'fits' },
    { name: "a nodeSelector the node's labels do not satisfy is rejected", nodeSelector: { disktype: 'hdd' }, want: rejected },
    { name: 'In matches one of the values', affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'a'] }] }), want: 'fits' },
    { name: 'NotIn matches a node without the label', affinity: required({ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['yes'] }] }), want: 'fits' },
    { name: 'NotIn rejects a listed value', affinity: required({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }), want: rejected },
    { name: 'Exists needs the label', affinity: required({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }), want: rejected },
    { name: 'DoesNotExist needs its absence', affinity: required({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }), want: 'fits' },
    { name: 'Gt compares integers', affinity: required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }), want: 'fits' },
    { name: 'Lt compares integers', affinity: required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] }), want: rejected },
    { name: 'Gt on a label that is not an integer does not match', affinity: required({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }), want: rejected },
    {
      name: 'expressions within a term are ANDed',
      affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disktype', operator: 'In', values: ['hdd'] }] }),
      want: rejected,
    },
    {
      name: 'terms are ORed',
      affinity: required({ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['hdd'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }),
      want: 'fits',
    },
    { name: 'an empty term matches no node', affinity: required({}), want: rejected },
    {
      name: 'nodeSelector and required affinity must both match',
      nodeSelector: { disktype: 'hdd' },
      affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }),
      want: rejected,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1', { labels })]);
      const pod = makePod('p', { spec: { ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}), ...(c.affinity ? { affinity: c.affinity } : {}) } });
      assert.equal(verdict(nodeAffinity(), pod, cluster, 'n1'), c.want);
    });
  }

  it('matchFields on metadata.name narrows the nodes already in PreFilter', () => {
    const cluster = snapshotOf([makeNode('n1'), makeNode('n2'), makeNode('n3')]);
    const pod = makePod('p', { spec: { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2', 'n3'] }] }) } });
    const v = filterVerdicts(nodeAffinity(), pod, cluster);
    const n1 = v.n1;
    assert.equal(n1 !== null && n1 !== 'skip' && n1 !== undefined ? n1.reasons[0] : n1, 'excluded by PreFilter');
    assert.equal(v.n2, null);
    assert.equal(v.n3, null);
  });

  it('terms naming disjoint node names conflict', () => {
    const cluster = snapshotOf([makeNode('n1')]);
    const pod = makePod('p', {
      spec: { affinity: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }, { key: 'metadata.name', operator: 'In', values: ['n2'] }] }) },
    });
    assert.equal(verdict(nodeAffinity(), pod, cluster, 'n1'), `UnschedulableAndUnresolvable: ${ERR_REASON_CONFLICT}`);
  });
});

describe('NodeAffinity score', () => {
  it('sums the weights of the preferred terms a node matches, scaled so the best node gets 100', () => {
    const cluster = snapshotOf([makeNode('both', { labels: { zone: 'a', disk: 'ssd' } }), makeNode('zone', { labels: { zone: 'a' } }), makeNode('none')]);
    const pod = makePod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 60, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            ],
          },
        },
      },
    });
    assert.deepEqual(scores(nodeAffinity(), pod, cluster), { both: 100, zone: 25, none: 0 });
  });

  it('a pod without preferred terms is not scored', () => {
    assert.equal(scores(nodeAffinity(), makePod('p'), snapshotOf([makeNode('n1')])), 'skip');
  });
});
