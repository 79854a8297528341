import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindConflicts } from '../../src/scheduler/bind-check.js';
import { failureOutcome, needsScheduling, scheduledEvent, truncateNote } from '../../src/scheduler/outcome.js';
import { newPodInfo } from '../../src/scheduler/pod-info.js';
import { makeNode, makePod } from './fixtures.js';

describe('scheduling outcomes', () => {
  it('a bound pod gets a Scheduled event worded like kube-scheduler', () => {
    assert.deepEqual(scheduledEvent(makePod('web', { namespace: 'shop' }), 'node-1'), { type: 'Normal', reason: 'Scheduled', action: 'Binding', note: 'Successfully assigned shop/web to node-1' });
  });

  it('an unschedulable pod gets PodScheduled=False/Unschedulable and a FailedScheduling warning', () => {
    const pod = makePod('p');
    const message = '0/1 nodes are available: 1 Insufficient cpu.';
    const out = failureOutcome({ kind: 'Unschedulable', podInfo: newPodInfo(pod), message, fitError: undefined, unschedulablePlugins: new Set(), preemptionCandidates: [] });
    assert.deepEqual(out.condition, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    assert.deepEqual(out.event, { type: 'Warning', reason: 'FailedScheduling', action: 'Scheduling', note: message });
    assert.equal(failureOutcome({ kind: 'Error', podInfo: newPodInfo(pod), message: 'boom' }).condition.reason, 'SchedulerError');
  });

  it('event notes are cut to 1024 characters with a marker', () => {
    const long = 'x'.repeat(2000);
    assert.equal(truncateNote(long).length, 1024);
    assert.ok(truncateNote(long).endsWith(' ...'));
    assert.equal(truncateNote('short'), 'short');
  });

  it('only pending pods for this scheduler, not gated and not being deleted, need scheduling', () => {
    assert.equal(needsScheduling(makePod('p')), true);
    assert.equal(needsScheduling(makePod('p', { nodeName: 'n1' })), false);
    assert.equal(needsScheduling(makePod('p', { deleting: true })), false);
    assert.equal(needsScheduling(makePod('p', { spec: { schedulerName: 'other' } })), false);
    assert.equal(needsScheduling(makePod('p', { spec: { schedulerName: 'other' } }), 'other'), true);
    assert.equal(needsScheduling(makePod('p', { spec: { schedulingGates: [{ name: 'wait' }] } })), false);
  });
});

describe('the bind-time check', () => {
  const node = makeNode('n1', { allocatable: { cpu: '2', memory: '4Gi', pods: '3' } });

  it('accepts a pod that still fits', () => {
    assert.deepEqual(bindConflicts(makePod('p', { requests: { cpu: '1' } }), node, [makePod('a', { nodeName: 'n1', requests: { cpu: '1' } })]), []);
  });

  it('refuses a pod another replica already filled the node for', () => {
    const bound = [makePod('a', { nodeName: 'n1', requests: { cpu: '1500m', memory: '1Gi' } })];
    assert.deepEqual(bindConflicts(makePod('p', { requests: { cpu: '1', memory: '1Gi' } }), node, bound), ['Insufficient cpu']);
  });

  it('ignores finished pods and checks the pod count and host ports', () => {
    const bound = [
      makePod('done', { nodeName: 'n1', requests: { cpu: '2' } }),
      makePod('a', { nodeName: 'n1', containers: [{ name: 'c', ports: [{ hostPort: 80 }] }] }),
      makePod('b', { nodeName: 'n1' }),
      makePod('c', { nodeName: 'n1' }),
    ];
    const finished = [{ ...bound[0], status: { phase: 'Succeeded' } }, ...bound.slice(1)] as typeof bound;
    const incoming = makePod('p', { containers: [{ name: 'c', ports: [{ hostPort: 80 }] }] });
    assert.deepEqual(bindConflicts(incoming, node, finished), ['Too many pods', "node(s) didn't have free ports for the requested pod ports"]);
  });
});
