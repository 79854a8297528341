import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProfile } from '../../src/scheduler/registry.js';
import { mayBecomeSchedulable, nodeUpdateActions, podUpdateActions, requeuePolicy } from '../../src/scheduler/requeue.js';
import { makeNode, makePod } from './fixtures.js';

describe('requeueing unschedulable pods', () => {
  const policy = requeuePolicy(buildProfile());
  const cases: { name: string; plugins: string[]; event: Parameters<typeof mayBecomeSchedulable>[2]; want: boolean }[] = [
    { name: 'a pod short of cpu is retried when a bound pod is deleted', plugins: ['NodeResourcesFit'], event: { resource: 'AssignedPod', action: 'Delete' }, want: true },
    { name: 'a pod short of cpu is retried when a node is added', plugins: ['NodeResourcesFit'], event: { resource: 'Node', action: 'Add' }, want: true },
    { name: "a pod short of cpu is retried when a node's allocatable grows", plugins: ['NodeResourcesFit'], event: { resource: 'Node', action: 'UpdateNodeAllocatable' }, want: true },
    { name: 'a pod short of cpu is not retried on a node label change', plugins: ['NodeResourcesFit'], event: { resource: 'Node', action: 'UpdateNodeLabel' }, want: false },
    { name: 'a pod rejected by taints is retried when taints change', plugins: ['TaintToleration'], event: { resource: 'Node', action: 'UpdateNodeTaint' }, want: true },
    { name: 'a pod rejected by node affinity is retried when labels change', plugins: ['NodeAffinity'], event: { resource: 'Node', action: 'UpdateNodeLabel' }, want: true },
    { name: 'a pod rejected by node affinity is not retried when a pod is deleted', plugins: ['NodeAffinity'], event: { resource: 'AssignedPod', action: 'Delete' }, want: false },
    { name: 'any one rejecting plugin caring about the event is enough', plugins: ['NodeAffinity', 'NodeResourcesFit'], event: { resource: 'AssignedPod', action: 'Delete' }, want: true },
    { name: 'a pod rejected by nothing in particular is retried on any event', plugins: [], event: { resource: 'Node', action: 'UpdateNodeLabel' }, want: true },
    { name: 'a cordoned node being uncordoned helps a pod rejected by NodeUnschedulable', plugins: ['NodeUnschedulable'], event: { resource: 'Node', action: 'UpdateNodeSchedulable' }, want: true },
  ];
  for (const c of cases) it(c.name, () => assert.equal(mayBecomeSchedulable(policy, new Set(c.plugins), c.event), c.want));

  it('classifies node changes', () => {
    const before = makeNode('n1', { labels: { a: '1' } });
    const after = makeNode('n1', { labels: { a: '2' }, unschedulable: true, allocatable: { cpu: '8' } });
    assert.deepEqual(nodeUpdateActions(before, after), ['UpdateNodeLabel', 'UpdateNodeAllocatable', 'UpdateNodeSchedulable']);
    assert.deepEqual(nodeUpdateActions(before, before), []);
  });

  it('classifies pod changes, including a resize that lowers requests', () => {
    const before = makePod('p', { uid: 'u', labels: { a: '1' }, requests: { cpu: '2' } });
    const smaller = makePod('p', { uid: 'u', labels: { a: '1' }, requests: { cpu: '1' } });
    const relabelled = makePod('p', { uid: 'u', labels: { a: '2' }, requests: { cpu: '2' } });
    assert.deepEqual(podUpdateActions(before, smaller), ['UpdatePodScaleDown']);
    assert.deepEqual(podUpdateActions(before, relabelled), ['UpdatePodLabel']);
  });
});
