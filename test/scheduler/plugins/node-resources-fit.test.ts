import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeResourcesFit, type NodeResourcesFitArgs } from '../../../src/scheduler/plugins/node-resources-fit.js';
import { makeNode, makePod, scores, snapshotOf, verdict, type NodeOptions, type PodOptions } from '../fixtures.js';

describe('NodeResourcesFit filter', () => {
  const cases: { name: string; node?: NodeOptions; existing?: PodOptions[]; pod: PodOptions; args?: NodeResourcesFitArgs; want: string }[] = [
    { name: 'a pod whose requests fit the free resources fits', existing: [{ requests: { cpu: '2', memory: '4Gi' } }], pod: { requests: { cpu: '2', memory: '4Gi' } }, want: 'fits' },
    { name: 'a pod needing more cpu than is left is short of cpu', existing: [{ requests: { cpu: '3500m' } }], pod: { requests: { cpu: '1' } }, want: 'Unschedulable: Insufficient cpu' },
    {
      name: 'every short resource is reported',
      existing: [{ requests: { cpu: '3500m', memory: '7Gi' } }],
      pod: { requests: { cpu: '1', memory: '2Gi' } },
      want: 'Unschedulable: Insufficient cpu, Insufficient memory',
    },
    { name: 'a pod bigger than the whole node cannot be helped by preemption', pod: { requests: { cpu: '5' } }, want: 'UnschedulableAndUnresolvable: Insufficient cpu' },
    { name: 'a full node has too many pods', node: { allocatable: { cpu: '4', memory: '8Gi', pods: '1' } }, existing: [{}], pod: {}, want: 'Unschedulable: Too many pods' },
    { name: 'a pod requesting nothing only needs a pod slot', existing: [{ requests: { cpu: '4', memory: '8Gi' } }], pod: {}, want: 'fits' },
    { name: 'ephemeral storage is checked', existing: [{ requests: { 'ephemeral-storage': '90Gi' } }], pod: { requests: { 'ephemeral-storage': '20Gi' } }, want: 'Unschedulable: Insufficient ephemeral-storage' },
    {
      name: 'an extended resource in use is short',
      node: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'example.com/gpu': '1' } },
      existing: [{ requests: { 'example.com/gpu': '1' } }],
      pod: { requests: { 'example.com/gpu': '1' } },
      want: 'Unschedulable: Insufficient example.com/gpu',
    },
    { name: 'an extended resource the node lacks is unresolvable', pod: { requests: { 'example.com/gpu': '1' } }, want: 'UnschedulableAndUnresolvable: Insufficient example.com/gpu' },
    { name: 'an ignored extended resource is not checked', pod: { requests: { 'example.com/gpu': '1' } }, args: { ignoredResources: ['example.com/gpu'] }, want: 'fits' },
    { name: 'an ignored resource group is not checked', pod: { requests: { 'example.com/gpu': '1' } }, args: { ignoredResourceGroups: ['example.com'] }, want: 'fits' },
    {
      name: 'the largest init container counts when it exceeds the app containers',
      existing: [{ requests: { cpu: '2' } }],
      pod: { initContainers: [{ name: 'init', image: 'x', resources: { requests: { cpu: '3' } } }], requests: { cpu: '1' } },
      want: 'Unschedulable: Insufficient cpu',
    },
    {
      name: 'pod overhead counts against the node',
      existing: [{ requests: { cpu: '3' } }],
      pod: { requests: { cpu: '900m' }, spec: { overhead: { cpu: '200m' } } },
      want: 'Unschedulable: Insufficient cpu',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const existing = (c.existing ?? []).map((o, i) => makePod(`e${i}`, { ...o, nodeName: 'n1' }));
      const cluster = snapshotOf([makeNode('n1', c.node)], existing);
      assert.equal(verdict(nodeResourcesFit(c.args), makePod('p', c.pod), cluster, 'n1'), c.want);
    });
  }
});

describe('NodeResourcesFit score', () => {
  const cluster = () =>
    snapshotOf([makeNode('empty'), makeNode('busy')], [makePod('e', { nodeName: 'busy', requests: { cpu: '2', memory: '4Gi' } })]);

  it('LeastAllocated prefers the node with more room left', () => {
    assert.deepEqual(scores(nodeResourcesFit(), makePod('p', { requests: { cpu: '1', memory: '2Gi' } }), cluster()), { empty: 75, busy: 25 });
  });

  it('MostAllocated prefers the fuller node', () => {
    const plugin = nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
    assert.deepEqual(scores(plugin, makePod('p', { requests: { cpu: '1', memory: '2Gi' } }), cluster()), { empty: 25, busy: 75 });
  });

  it('a pod requesting nothing is scored as if it asked for 100m cpu and 200Mi memory', () => {
    // empty: cpu (4000-100)/4000 -> 97, memory (8192-200)/8192 -> 97
    assert.deepEqual(scores(nodeResourcesFit(), makePod('p'), cluster()), { empty: 97, busy: 47 });
  });

  it('resource weights are configurable', () => {
    const plugin = nodeResourcesFit({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
    // empty: cpu 75, memory (8-1)/8 -> 87; (75*3 + 87) / 4 = 78
    assert.deepEqual(scores(plugin, makePod('p', { requests: { cpu: '1', memory: '1Gi' } }), cluster()), { empty: 78, busy: 28 });
  });
});
