import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../src/kube/types.js';
import type { ClusterListers } from '../../src/scheduler/cluster-view.js';
import { buildProfile, ProfileError, type ProfileOptions } from '../../src/scheduler/registry.js';
import { numFeasibleNodesToFind, Scheduler, type ScheduleResult } from '../../src/scheduler/schedule-one.js';
import { makeNode, makePod, snapshotOf, type NodeOptions } from './fixtures.js';

function schedule(nodes: [string, NodeOptions][], existing: Pod[], pod: Pod, options: ProfileOptions = {}, random?: () => number, listers?: ClusterListers): ScheduleResult {
  const cluster = snapshotOf(
    nodes.map(([n, o]) => makeNode(n, o)),
    existing,
    listers,
  );
  return new Scheduler(buildProfile(options), cluster, random ? { random } : {}).schedule(pod);
}

function messageOf(r: ScheduleResult): string {
  assert.equal(r.kind, 'Unschedulable', `expected Unschedulable, got ${JSON.stringify(r.kind === 'Scheduled' ? r.nodeName : r)}`);
  return r.kind === 'Unschedulable' ? r.message : '';
}

const master = { taints: [{ key: 'node-role', value: 'master', effect: 'NoSchedule' }] };

describe('the summary message when no node fits', () => {
  it("counts each reason like kube-scheduler, including the preemption dry run's verdict", () => {
    const r = schedule([['m', master], ['w1', {}], ['w2', {}]], [makePod('e1', { nodeName: 'w1', requests: { cpu: '3' } }), makePod('e2', { nodeName: 'w2', requests: { cpu: '3' } })], makePod('p', { requests: { cpu: '2' } }));
    assert.equal(
      messageOf(r),
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role: master}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    assert.deepEqual(r.kind === 'Unschedulable' ? [...r.unschedulablePlugins].sort() : [], ['NodeResourcesFit', 'TaintToleration']);
  });

  it('sorts the counted reasons as strings, so 10 comes before 9', () => {
    const nodes: [string, NodeOptions][] = [];
    for (let i = 0; i < 10; i++) nodes.push([`t${i}`, master]);
    for (let i = 0; i < 9; i++) nodes.push([`c${i}`, { unschedulable: true }]);
    assert.equal(
      messageOf(schedule(nodes, [], makePod('p'))),
      '0/19 nodes are available: 10 node(s) had untolerated taint {node-role: master}, 9 node(s) were unschedulable. preemption: 0/19 nodes are available: 19 Preemption is not helpful for scheduling.',
    );
  });

  it('reports only the first failing plugin per node, in profile order', () => {
    const r = schedule([['m', { ...master, allocatable: { cpu: '1', memory: '1Gi', pods: '10' } }]], [], makePod('p', { requests: { cpu: '2' } }));
    assert.equal(messageOf(r), '0/1 nodes are available: 1 node(s) had untolerated taint {node-role: master}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
  });

  it('a pod that may not preempt says so', () => {
    const r = schedule([['w1', {}]], [makePod('e', { nodeName: 'w1', requests: { cpu: '4' } })], makePod('p', { requests: { cpu: '1' }, spec: { preemptionPolicy: 'Never' } }));
    assert.equal(messageOf(r), '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('when evicting lower-priority pods would not free enough, the dry run says what is still missing', () => {
    const existing = [makePod('low', { nodeName: 'w1', requests: { cpu: '1' }, priority: 0 }), makePod('high', { nodeName: 'w1', requests: { cpu: '3' }, priority: 1000 })];
    const r = schedule([['w1', {}]], existing, makePod('p', { requests: { cpu: '2' }, priority: 100 }));
    assert.equal(messageOf(r), '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('when evicting lower-priority pods would make room, the node is a preemption candidate and no preemption tail is added', () => {
    const existing = [makePod('low', { nodeName: 'w1', requests: { cpu: '3' }, priority: 0 })];
    const r = schedule([['w1', {}]], existing, makePod('p', { requests: { cpu: '2' }, priority: 100 }));
    assert.equal(messageOf(r), '0/1 nodes are available: 1 Insufficient cpu.');
    assert.deepEqual(r.kind === 'Unschedulable' ? r.preemptionCandidates.map((c) => [c.nodeName, c.victims.map((v) => v.name)]) : [], [['w1', ['low']]]);
  });

  it("the dry run keeps inter-pod affinity counts right when it removes pods", () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    const existing = [makePod('old', { nodeName: 'w1', labels: { app: 'web' }, priority: 0 })];
    const r = schedule([['w1', {}]], existing, makePod('p', { labels: { app: 'web' }, priority: 10, spec: { affinity: anti } }));
    assert.equal(messageOf(r), "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.");
    assert.equal(r.kind === 'Unschedulable' ? r.preemptionCandidates.length : -1, 1);
  });

  it('a PreFilter rejection is reported once, not per node', () => {
    const listers: ClusterListers = { persistentVolumeClaim: () => undefined };
    const pod = makePod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } });
    assert.equal(
      messageOf(schedule([['w1', {}], ['w2', {}]], [], pod, {}, undefined, listers)),
      '0/2 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('nodes excluded by a PreFilter result are counted under the plugin that excluded them', () => {
    const pod = makePod('p', {
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['m'] }] }] } } } },
    });
    assert.equal(
      messageOf(schedule([['m', master], ['w1', {}], ['w2', {}]], [], pod)),
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role: master}, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  it('an empty cluster has no nodes available', () => {
    assert.equal(messageOf(schedule([], [], makePod('p'))), 'no nodes available to schedule pods');
  });
});

describe('choosing a node', () => {
  it('places the pod on the only node that fits', () => {
    const r = schedule([['m', master], ['w1', {}]], [], makePod('p'));
    assert.equal(r.kind === 'Scheduled' ? r.nodeName : r.kind, 'w1');
  });

  it('the highest total score wins', () => {
    const r = schedule([['busy', {}], ['idle', {}]], [makePod('e', { nodeName: 'busy', requests: { cpu: '3', memory: '6Gi' } })], makePod('p', { requests: { cpu: '100m' } }));
    assert.equal(r.kind === 'Scheduled' ? r.nodeName : r.kind, 'idle');
  });

  it('ties are broken at random, each tied node equally likely', () => {
    const nodes: [string, NodeOptions][] = [['a', {}], ['b', {}], ['c', {}]];
    const cluster = snapshotOf(nodes.map(([n, o]) => makeNode(n, o)));
    const scheduler = new Scheduler(buildProfile(), cluster);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 600; i++) {
      const r = scheduler.schedule(makePod(`p${i}`));
      if (r.kind === 'Scheduled') counts[r.nodeName] = (counts[r.nodeName] ?? 0) + 1;
    }
    for (const n of ['a', 'b', 'c']) assert.ok((counts[n] ?? 0) > 120, `node ${n} chosen ${counts[n]} times of 600: ${JSON.stringify(counts)}`);
  });

  it('the random source decides among tied nodes', () => {
    const nodes: [string, NodeOptions][] = [['a', {}], ['b', {}], ['c', {}]];
    const always = (value: number) => () => value;
    const first = schedule(nodes, [], makePod('p'), {}, always(0.99));
    const last = schedule(nodes, [], makePod('p'), {}, always(0));
    assert.deepEqual([first.kind === 'Scheduled' && first.nodeName, last.kind === 'Scheduled' && last.nodeName], ['a', 'c']);
  });

  it('score weights decide between plugins that disagree', () => {
    // "soft" has a PreferNoSchedule taint (TaintToleration prefers "busy"); "busy" has less room (NodeResourcesFit prefers "soft").
    const nodes: [string, NodeOptions][] = [
      ['soft', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] }],
      ['busy', {}],
    ];
    const existing = [makePod('e', { nodeName: 'busy', requests: { cpu: '2', memory: '4Gi' } })];
    const pod = () => makePod('p', { requests: { cpu: '1', memory: '2Gi' } });
    const only = (extra: ProfileOptions): ProfileOptions => ({ disabled: ['NodeResourcesBalancedAllocation', 'ImageLocality', 'PodTopologySpread', 'InterPodAffinity', 'NodeAffinity'], ...extra });
    const byDefault = schedule(nodes, existing, pod(), only({}));
    const fitHeavy = schedule(nodes, existing, pod(), only({ weights: { NodeResourcesFit: 10 } }));
    assert.equal(byDefault.kind === 'Scheduled' ? byDefault.nodeName : byDefault.kind, 'busy');
    assert.equal(fitHeavy.kind === 'Scheduled' ? fitHeavy.nodeName : fitHeavy.kind, 'soft');
  });

  it('stops filtering once enough feasible nodes are found in a large cluster', () => {
    const nodes: [string, NodeOptions][] = Array.from({ length: 300 }, (_, i) => [`n${i}`, {}] as [string, NodeOptions]);
    const r = schedule(nodes, [], makePod('p'));
    assert.equal(r.kind === 'Scheduled' ? r.evaluatedNodes : -1, numFeasibleNodesToFind(0, 300));
    const all = schedule(nodes, [], makePod('p'), { percentageOfNodesToScore: 100 });
    assert.equal(all.kind === 'Scheduled' ? all.evaluatedNodes : -1, 300);
  });

  it('a plugin that throws turns into an Error result naming it', () => {
    const cluster = snapshotOf([makeNode('a'), makeNode('b')]);
    const profile = buildProfile();
    const broken = { ...profile, plugins: [...profile.plugins, { name: 'Broken', filter: () => { throw new Error('boom'); } }] };
    const r = new Scheduler(broken, cluster).schedule(makePod('p'));
    assert.deepEqual(r.kind === 'Error' ? r.message : r.kind, 'running Filter plugin "Broken": boom');
  });
});

describe('profiles', () => {
  it('how many feasible nodes are enough follows kube-scheduler (at least 100, 50% minus 1% per 125 nodes, at least 5%)', () => {
    assert.deepEqual([50, 100, 1000, 5000, 20000].map((n) => numFeasibleNodesToFind(0, n)), [50, 100, 420, 500, 1000]);
    assert.equal(numFeasibleNodesToFind(10, 5000), 500);
  });

  it('rejects a weight outside 1..100 and an unknown plugin', () => {
    assert.throws(() => buildProfile({ weights: { NodeAffinity: 0 } }), ProfileError);
    assert.throws(() => buildProfile({ plugins: [{ name: 'Nope' as 'NodeName' }] }), /unknown scheduler plugin "Nope"/);
  });

  it('the default profile has kube-scheduler weights', () => {
    assert.deepEqual(Object.fromEntries(buildProfile().weights), {
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
  });
});
