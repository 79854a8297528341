import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopologySpreadConstraint } from '../../../src/kube/types.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, podTopologySpread } from '../../../src/scheduler/plugins/pod-topology-spread.js';
import { filterVerdicts, makeNode, makePod, scores, snapshotOf, type NodeOptions, type PodOptions } from '../fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const web = { app: 'web' };
const zoneSpread = (extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: ZONE,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: web },
  ...extra,
});

const skew = `Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`;
const missing = `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_LABEL_NOT_MATCH}`;

function verdicts(nodes: [string, NodeOptions][], existing: PodOptions[], pod: PodOptions): Record<string, string> {
  const cluster = snapshotOf(
    nodes.map(([n, o]) => makeNode(n, o)),
    existing.map((o, i) => makePod(`e${i}`, o)),
  );
  const v = filterVerdicts(podTopologySpread(), makePod('p', pod), cluster);
  return Object.fromEntries(Object.entries(v).map(([n, s]) => [n, s === null ? 'fits' : s === 'skip' ? 'skip' : `${s.code}: ${s.reasons.join(', ')}`]));
}

const zones: [string, NodeOptions][] = [
  ['a1', { labels: { [ZONE]: 'a' } }],
  ['a2', { labels: { [ZONE]: 'a' } }],
  ['b1', { labels: { [ZONE]: 'b' } }],
  ['nolabel', {}],
];
/** Two web pods in zone a, one in zone b. */
const twoOne: PodOptions[] = [
  { nodeName: 'a1', labels: web },
  { nodeName: 'a2', labels: web },
  { nodeName: 'b1', labels: web },
];

describe('PodTopologySpread filter', () => {
  it('a pod without DoNotSchedule constraints skips the filter', () => {
    assert.deepEqual(verdicts(zones, twoOne, { labels: web }).a1, 'skip');
  });

  it('placing the pod must not push a zone more than maxSkew above the emptiest one', () => {
    assert.deepEqual(verdicts(zones, twoOne, { labels: web, spec: { topologySpreadConstraints: [zoneSpread()] } }), { a1: skew, a2: skew, b1: 'fits', nolabel: missing });
  });

  it('a pod that does not match its own selector does not count itself', () => {
    assert.deepEqual(verdicts(zones, twoOne, { labels: { app: 'other' }, spec: { topologySpreadConstraints: [zoneSpread()] } }).a1, 'fits');
  });

  it('with fewer domains than minDomains the global minimum is 0', () => {
    assert.deepEqual(verdicts(zones, twoOne, { labels: web, spec: { topologySpreadConstraints: [zoneSpread({ minDomains: 3 })] } }), { a1: skew, a2: skew, b1: skew, nolabel: missing });
  });

  it('pods in other namespaces and terminating pods are not counted', () => {
    const existing: PodOptions[] = [
      { nodeName: 'a1', labels: web, namespace: 'other' },
      { nodeName: 'a2', labels: web, deleting: true },
      { nodeName: 'b1', labels: web },
    ];
    assert.deepEqual(verdicts(zones, existing, { labels: web, spec: { topologySpreadConstraints: [zoneSpread()] } }), { a1: 'fits', a2: 'fits', b1: skew, nolabel: missing });
  });

  it("nodes outside the pod's node affinity do not count (nodeAffinityPolicy Honor), unless told to Ignore", () => {
    const nodes: [string, NodeOptions][] = [
      ['a1', { labels: { [ZONE]: 'a', disk: 'ssd' } }],
      ['a2', { labels: { [ZONE]: 'a' } }],
      ['b1', { labels: { [ZONE]: 'b', disk: 'ssd' } }],
    ];
    const existing: PodOptions[] = [{ nodeName: 'a2', labels: web }];
    const honor = verdicts(nodes, existing, { labels: web, spec: { nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [zoneSpread()] } });
    assert.equal(honor.a1, 'fits');
    const ignore = verdicts(nodes, existing, { labels: web, spec: { nodeSelector: { disk: 'ssd' }, topologySpreadConstraints: [zoneSpread({ nodeAffinityPolicy: 'Ignore' })] } });
    assert.equal(ignore.a1, skew);
  });

  it('tainted nodes do not count when nodeTaintsPolicy is Honor', () => {
    const nodes: [string, NodeOptions][] = [
      ['a1', { labels: { [ZONE]: 'a' } }],
      ['b1', { labels: { [ZONE]: 'b' } }],
      ['c1', { labels: { [ZONE]: 'c' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }],
    ];
    const existing: PodOptions[] = [
      { nodeName: 'a1', labels: web },
      { nodeName: 'b1', labels: web },
    ];
    // Ignore (default): zone c counts with 0 pods, so zones a and b are at the limit.
    assert.equal(verdicts(nodes, existing, { labels: web, spec: { topologySpreadConstraints: [zoneSpread()] } }).a1, skew);
    assert.equal(verdicts(nodes, existing, { labels: web, spec: { topologySpreadConstraints: [zoneSpread({ nodeTaintsPolicy: 'Honor' })] } }).a1, 'fits');
  });

  it('matchLabelKeys narrows the selector to pods sharing the label values', () => {
    const existing: PodOptions[] = [
      { nodeName: 'a1', labels: { ...web, version: 'v1' } },
      { nodeName: 'a2', labels: { ...web, version: 'v1' } },
    ];
    const pod = { labels: { ...web, version: 'v2' }, spec: { topologySpreadConstraints: [zoneSpread({ matchLabelKeys: ['version'] })] } };
    assert.equal(verdicts(zones, existing, pod).a1, 'fits');
    assert.equal(verdicts(zones, existing, { ...pod, spec: { topologySpreadConstraints: [zoneSpread()] } }).a1, skew);
  });
});

describe('PodTopologySpread score', () => {
  it('ScheduleAnyway prefers the host with fewer matching pods', () => {
    const cluster = snapshotOf(
      [makeNode('n1'), makeNode('n2'), makeNode('n3')],
      [makePod('e1', { nodeName: 'n1', labels: web }), makePod('e2', { nodeName: 'n1', labels: web }), makePod('e3', { nodeName: 'n2', labels: web })],
    );
    const pod = makePod('p', { labels: web, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: web } }] } });
    assert.deepEqual(scores(podTopologySpread(), pod, cluster), { n1: 0, n2: 33, n3: 100 });
  });

  it('nodes missing a topology key of an explicit constraint are ignored (score 0)', () => {
    const cluster = snapshotOf([makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('nolabel')], [makePod('e1', { nodeName: 'a1', labels: web })]);
    const pod = makePod('p', { labels: web, spec: { topologySpreadConstraints: [zoneSpread({ whenUnsatisfiable: 'ScheduleAnyway' })] } });
    assert.deepEqual(scores(podTopologySpread(), pod, cluster), { a1: 100, nolabel: 0 });
  });

  it("by default, pods of one owner are spread across nodes", () => {
    const cluster = snapshotOf(
      [makeNode('n1'), makeNode('n2')],
      [makePod('e1', { nodeName: 'n1', owner: 'rs-1' }), makePod('e2', { nodeName: 'n1', owner: 'rs-1' }), makePod('other', { nodeName: 'n2', owner: 'rs-2' })],
    );
    assert.deepEqual(scores(podTopologySpread(), makePod('p', { owner: 'rs-1' }), cluster), { n1: 40, n2: 100 });
  });

  it('a pod with neither constraints nor an owner is not spread', () => {
    assert.equal(scores(podTopologySpread(), makePod('p'), snapshotOf([makeNode('n1'), makeNode('n2')])), 'skip');
  });

  it("the worker's default selector (a Service's) replaces owner matching", () => {
    const cluster = snapshotOf(
      [makeNode('n1'), makeNode('n2')],
      [makePod('e1', { nodeName: 'n2', labels: web }), makePod('e2', { nodeName: 'n2', labels: web })],
      { defaultSpreadSelector: () => ({ matchLabels: web }) },
    );
    assert.deepEqual(scores(podTopologySpread(), makePod('p', { labels: web }), cluster), { n1: 100, n2: 40 });
  });

  it('List defaulting uses the configured default constraints', () => {
    const cluster = snapshotOf([makeNode('n1'), makeNode('n2')], [makePod('e1', { nodeName: 'n1', owner: 'rs-1' })]);
    const plugin = podTopologySpread({ defaultingType: 'List', defaultConstraints: [] });
    assert.equal(scores(plugin, makePod('p', { owner: 'rs-1' }), cluster), 'skip');
  });
});
