import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Affinity, PodAffinityTerm, WeightedPodAffinityTerm } from '../../../src/kube/types.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY, interPodAffinity } from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import { filterVerdicts, makeNode, makePod, scores, snapshotOf, type PodOptions } from '../fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });
const affinity = (...terms: PodAffinityTerm[]): Affinity => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });
const antiAffinity = (...terms: PodAffinityTerm[]): Affinity => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });

/** a1, a2 in zone a; b1 in zone b; nolabel has no zone. */
const nodes = () => [makeNode('a1', { labels: { [ZONE]: 'a' } }), makeNode('a2', { labels: { [ZONE]: 'a' } }), makeNode('b1', { labels: { [ZONE]: 'b' } }), makeNode('nolabel')];

function fitting(existing: PodOptions[], pod: PodOptions, namespaceLabels?: Record<string, Record<string, string>>): Record<string, string> {
  const cluster = snapshotOf(
    nodes(),
    existing.map((o, i) => makePod(`e${i}`, o)),
    namespaceLabels ? { namespaceLabels: (ns) => namespaceLabels[ns] } : {},
  );
  const v = filterVerdicts(interPodAffinity(), makePod('p', pod), cluster);
  return Object.fromEntries(Object.entries(v).map(([n, s]) => [n, s === null ? 'fits' : s === 'skip' ? 'skip' : `${s.code}: ${s.reasons.join(', ')}`]));
}

describe('InterPodAffinity filter', () => {
  const noAffinity = `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY}`;
  const noAnti = `Unschedulable: ${ERR_REASON_ANTI_AFFINITY}`;
  const existingAnti = `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY}`;

  it('a pod without affinity in a cluster without anti-affinity skips the plugin', () => {
    assert.deepEqual(fitting([{ nodeName: 'a1', labels: { app: 'db' } }], {}), { a1: 'skip', a2: 'skip', b1: 'skip', nolabel: 'skip' });
  });

  it('required affinity admits every node in the zone of a matching pod', () => {
    assert.deepEqual(fitting([{ nodeName: 'a1', labels: { app: 'db' } }], { spec: { affinity: affinity(term({ app: 'db' }, ZONE)) } }), {
      a1: 'fits',
      a2: 'fits',
      b1: noAffinity,
      nolabel: noAffinity,
    });
  });

  it('the first pod of a group with affinity to itself may go anywhere the topology label exists', () => {
    assert.deepEqual(fitting([], { labels: { app: 'web' }, spec: { affinity: affinity(term({ app: 'web' }, ZONE)) } }), {
      a1: 'fits',
      a2: 'fits',
      b1: 'fits',
      nolabel: noAffinity,
    });
  });

  it('required affinity to pods that exist nowhere fits no node', () => {
    assert.deepEqual(fitting([], { labels: { app: 'web' }, spec: { affinity: affinity(term({ app: 'db' }, ZONE)) } }), { a1: noAffinity, a2: noAffinity, b1: noAffinity, nolabel: noAffinity });
  });

  it('affinity terms only see pods in the namespaces they name', () => {
    const existing = [{ nodeName: 'a1', labels: { app: 'db' }, namespace: 'data' }];
    assert.deepEqual(fitting(existing, { spec: { affinity: affinity(term({ app: 'db' }, ZONE)) } }).a1, noAffinity);
    assert.deepEqual(fitting(existing, { spec: { affinity: affinity(term({ app: 'db' }, ZONE, { namespaces: ['data'] })) } }).a1, 'fits');
  });

  it('a namespaceSelector picks namespaces by their labels', () => {
    const existing = [{ nodeName: 'b1', labels: { app: 'db' }, namespace: 'data' }];
    const pod = { spec: { affinity: affinity(term({ app: 'db' }, ZONE, { namespaceSelector: { matchLabels: { team: 'storage' } } })) } };
    assert.deepEqual(fitting(existing, pod, { data: { team: 'storage' } }).b1, 'fits');
    assert.deepEqual(fitting(existing, pod, { data: { team: 'web' } }).b1, noAffinity);
  });

  it('required anti-affinity per host keeps the pod off hosts running a matching pod', () => {
    assert.deepEqual(fitting([{ nodeName: 'a1', labels: { app: 'web' } }], { labels: { app: 'web' }, spec: { affinity: antiAffinity(term({ app: 'web' }, HOST)) } }), {
      a1: noAnti,
      a2: 'fits',
      b1: 'fits',
      nolabel: 'fits',
    });
  });

  it('required anti-affinity per zone keeps the pod out of the whole zone', () => {
    assert.deepEqual(fitting([{ nodeName: 'a1', labels: { app: 'web' } }], { spec: { affinity: antiAffinity(term({ app: 'web' }, ZONE)) } }), {
      a1: noAnti,
      a2: noAnti,
      b1: 'fits',
      nolabel: 'fits',
    });
  });

  it("an existing pod's anti-affinity keeps matching pods out of its topology domain", () => {
    const existing = [{ nodeName: 'b1', labels: { app: 'db' }, spec: { affinity: antiAffinity(term({ app: 'web' }, ZONE)) } }];
    assert.deepEqual(fitting(existing, { labels: { app: 'web' } }), { a1: 'fits', a2: 'fits', b1: existingAnti, nolabel: 'fits' });
    assert.deepEqual(fitting(existing, { labels: { app: 'api' } }), { a1: 'fits', a2: 'fits', b1: 'fits', nolabel: 'fits' });
  });
});

describe('InterPodAffinity score', () => {
  const weighted = (weight: number, t: PodAffinityTerm): WeightedPodAffinityTerm => ({ weight, podAffinityTerm: t });

  it('preferred affinity favours the zone with matching pods, preferred anti-affinity disfavours it', () => {
    const cluster = snapshotOf(nodes().slice(0, 3), [makePod('db', { nodeName: 'a1', labels: { app: 'db' } }), makePod('cache', { nodeName: 'b1', labels: { app: 'cache' } })]);
    const pod = makePod('p', {
      spec: {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(10, term({ app: 'db' }, ZONE))] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, term({ app: 'cache' }, ZONE))] },
        },
      },
    });
    // zone a: +10, zone b: -5 -> normalized over [-5, 10]
    assert.deepEqual(scores(interPodAffinity(), pod, cluster), { a1: 100, a2: 100, b1: 0 });
  });

  it("an existing pod's preferred affinity to the incoming pod counts too", () => {
    const cluster = snapshotOf(nodes().slice(0, 3), [
      makePod('fan', { nodeName: 'b1', spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(7, term({ app: 'web' }, HOST))] } } } }),
    ]);
    assert.deepEqual(scores(interPodAffinity(), makePod('p', { labels: { app: 'web' } }), cluster), { a1: 0, a2: 0, b1: 100 });
  });

  it('nothing to score when neither side has preferences', () => {
    assert.equal(scores(interPodAffinity(), makePod('p'), snapshotOf(nodes(), [makePod('e', { nodeName: 'a1' })])), 'skip');
  });
});
