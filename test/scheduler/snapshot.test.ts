import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulerSnapshot } from '../../src/scheduler/snapshot.js';
import { makeNode, makePod } from './fixtures.js';

const key = (p: { metadata: { uid?: string } }) => p.metadata.uid as string;

describe('the scheduler snapshot', () => {
  it('sums the requests, ports and pod counts of the pods bound to each node', () => {
    const s = new SchedulerSnapshot();
    s.upsertNode(makeNode('n1'));
    s.upsertPod(makePod('a', { nodeName: 'n1', requests: { cpu: '500m', memory: '1Gi' } }));
    s.upsertPod(makePod('b', { nodeName: 'n1', requests: { cpu: '250m' }, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '250m' } }, ports: [{ hostPort: 80 }] }] }));
    const n1 = s.nodeInfo('n1');
    assert.equal(n1?.pods.length, 2);
    assert.equal(n1?.requested.milliCPU, 750);
    assert.equal(n1?.requested.memory, 1024 ** 3);
    assert.equal(n1?.hostPortConflicts('0.0.0.0', 'TCP', 80), true);
  });

  it('an updated pod replaces its old accounting, a deleted or finished pod frees its resources', () => {
    const s = new SchedulerSnapshot();
    s.upsertNode(makeNode('n1'));
    const pod = makePod('a', { nodeName: 'n1', requests: { cpu: '1' } });
    s.upsertPod(pod);
    s.upsertPod({ ...pod, spec: { ...pod.spec, containers: [{ name: 'app', resources: { requests: { cpu: '2' } } }] } });
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 2000);
    s.upsertPod({ ...pod, status: { phase: 'Succeeded' } });
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 0);
    s.upsertPod(pod);
    s.removePod(key(pod));
    assert.equal(s.nodeInfo('n1')?.pods.length, 0);
    assert.equal(s.podCount, 0);
  });

  it('a pod moved to another node is accounted there only', () => {
    const s = new SchedulerSnapshot();
    s.upsertNode(makeNode('n1'));
    s.upsertNode(makeNode('n2'));
    const pod = makePod('a', { nodeName: 'n1', requests: { cpu: '1' } });
    s.upsertPod(pod);
    s.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } });
    assert.deepEqual([s.nodeInfo('n1')?.requested.milliCPU, s.nodeInfo('n2')?.requested.milliCPU], [0, 1000]);
  });

  it('an assumed pod counts at once, is confirmed by its bound version, and survives stale unbound versions', () => {
    const s = new SchedulerSnapshot();
    s.upsertNode(makeNode('n1'));
    const pending = makePod('a', { requests: { cpu: '1' } });
    s.assumePod(pending, 'n1');
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
    assert.equal(s.isAssumed(key(pending)), true);
    s.upsertPod(pending); // an older, still unbound version from the log
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
    s.upsertPod({ ...pending, spec: { ...pending.spec, nodeName: 'n1' } });
    assert.equal(s.isAssumed(key(pending)), false);
    assert.equal(s.nodeInfo('n1')?.pods.length, 1);
  });

  it('forgetting an assumed pod (failed bind) frees the node; confirmed pods cannot be forgotten', () => {
    const s = new SchedulerSnapshot();
    s.upsertNode(makeNode('n1'));
    const a = makePod('a', { requests: { cpu: '1' } });
    const b = makePod('b', { nodeName: 'n1', requests: { cpu: '1' } });
    s.assumePod(a, 'n1');
    s.upsertPod(b);
    s.forgetPod(key(a));
    s.forgetPod(key(b));
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
  });

  it('an assumed pod whose binding finished but never showed up expires after the TTL', () => {
    const s = new SchedulerSnapshot({ assumeTtlMs: 30_000 });
    s.upsertNode(makeNode('n1'));
    const a = makePod('a', { requests: { cpu: '1' } });
    s.assumePod(a, 'n1');
    assert.deepEqual(s.cleanupExpiredAssumedPods(1_000_000), [], 'binding not finished: never expires');
    s.finishBinding(key(a), 1_000_000);
    assert.deepEqual(s.cleanupExpiredAssumedPods(1_020_000), []);
    assert.deepEqual(s.cleanupExpiredAssumedPods(1_030_000), [key(a)]);
    assert.equal(s.nodeInfo('n1')?.pods.length, 0);
  });

  it('pods that arrive before their node, or outlive it, stay accounted', () => {
    const s = new SchedulerSnapshot();
    s.upsertPod(makePod('early', { nodeName: 'n1', requests: { cpu: '1' } }));
    assert.equal(s.nodes.length, 0);
    s.upsertNode(makeNode('n1'));
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
    s.removeNode('n1');
    assert.equal(s.nodeInfo('n1'), undefined);
    s.upsertNode(makeNode('n1'));
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
  });

  it('counts image holders and affinity pods cluster-wide', () => {
    const s = new SchedulerSnapshot();
    const images = [{ names: ['app:1'], sizeBytes: 1 }];
    s.upsertNode(makeNode('n1', { images }));
    s.upsertNode(makeNode('n2', { images }));
    s.upsertNode(makeNode('n3'));
    assert.equal(s.imageNodeCount('app:1'), 2);
    s.removeNode('n2');
    assert.equal(s.imageNodeCount('app:1'), 1);
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, topologyKey: 'kubernetes.io/hostname' }] } };
    s.upsertPod(makePod('a', { nodeName: 'n3', spec: { affinity: anti } }));
    assert.deepEqual(s.nodesWithRequiredAntiAffinityPods().map((n) => n.name), ['n3']);
    assert.deepEqual(s.nodesWithAffinityPods().map((n) => n.name), ['n3']);
  });
});
