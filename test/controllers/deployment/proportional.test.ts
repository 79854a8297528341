import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DESIRED_REPLICAS, MAX_REPLICAS, type DeploymentSpec, type ReplicaSetView } from '../../../src/controllers/deployment/plan.js';
import { isScalingEvent, scaleTargets } from '../../../src/controllers/deployment/proportional.js';

const NEW = 3;
const OLD = 2;
const OLDER = 1;

/** A Deployment spec as upstream's test helper makes it: RollingUpdate with maxSurge and maxUnavailable 0 unless given. */
const deployment = (replicas: number, maxSurge = 0, maxUnavailable = 0): DeploymentSpec => ({ replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } });

/** A ReplicaSet sized by a Deployment of `desired` replicas and `surge` maxSurge (its annotations), all available. */
function rs(name: string, replicas: number, created: number, desired: number | undefined, surge = 0, available = replicas): ReplicaSetView {
  const annotations: Record<string, string> = desired === undefined ? {} : { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(desired + surge) };
  return { object: { metadata: { name, annotations }, status: { availableReplicas: available } }, name, replicas, statusReplicas: replicas, available, ready: available, revision: 1, created };
}

interface Case {
  name: string;
  spec: DeploymentSpec;
  /** The Deployment before the change: replicas and maxSurge the ReplicaSets' annotations record. */
  before: { replicas: number; maxSurge?: number };
  next?: [string, number, number?];
  old: [string, number, number][];
  want: Record<string, number>;
  desiredOverride?: Record<string, number>;
}

// The cases of upstream's TestScale (pkg/controller/deployment/sync_test.go).
const cases: Case[] = [
  { name: 'normal scaling event: 10 -> 12', spec: deployment(12), before: { replicas: 10 }, next: ['foo-v1', 10], old: [], want: { 'foo-v1': 12 } },
  { name: 'normal scaling event: 10 -> 5', spec: deployment(5), before: { replicas: 10 }, next: ['foo-v1', 10], old: [], want: { 'foo-v1': 5 } },
  { name: 'proportional scaling: 5 -> 10', spec: deployment(10), before: { replicas: 5 }, next: ['foo-v2', 2], old: [['foo-v1', 3, OLD]], want: { 'foo-v2': 4, 'foo-v1': 6 } },
  { name: 'proportional scaling: 5 -> 3', spec: deployment(3), before: { replicas: 5 }, next: ['foo-v2', 2], old: [['foo-v1', 3, OLD]], want: { 'foo-v2': 1, 'foo-v1': 2 } },
  { name: 'proportional scaling: 9 -> 4', spec: deployment(4), before: { replicas: 9 }, next: ['foo-v2', 8], old: [['foo-v1', 1, OLD]], want: { 'foo-v2': 4, 'foo-v1': 0 } },
  { name: 'proportional scaling: 7 -> 10', spec: deployment(10), before: { replicas: 7 }, next: ['foo-v3', 2], old: [['foo-v2', 3, OLD], ['foo-v1', 2, OLDER]], want: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 } },
  { name: 'proportional scaling: 13 -> 8', spec: deployment(8), before: { replicas: 13 }, next: ['foo-v3', 2], old: [['foo-v2', 8, OLD], ['foo-v1', 3, OLDER]], want: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 } },
  { name: 'leftover distribution: 3 -> 4 scales up the newest of equal sizes', spec: deployment(4), before: { replicas: 3 }, next: ['foo-v3', 1], old: [['foo-v2', 1, OLD], ['foo-v1', 1, OLDER]], want: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 } },
  { name: 'leftover distribution: 3 -> 2 scales down the oldest of equal sizes', spec: deployment(2), before: { replicas: 3 }, next: ['foo-v3', 1], old: [['foo-v2', 1, OLD], ['foo-v1', 1, OLDER]], want: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 } },
  { name: 'proportional scaling (no new rs): 4 -> 5 scales up the latest first', spec: deployment(5), before: { replicas: 4 }, old: [['foo-v2', 2, OLD], ['foo-v1', 2, OLDER]], want: { 'foo-v2': 3, 'foo-v1': 2 } },
  { name: 'proportional scaling: 6 -> 0', spec: deployment(0), before: { replicas: 6 }, next: ['foo-v3', 3], old: [['foo-v2', 2, OLD], ['foo-v1', 1, OLDER]], want: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 } },
  { name: 'proportional scaling: 0 -> 6 scales up only the new replica set', spec: deployment(6), before: { replicas: 6 }, next: ['foo-v3', 0], old: [['foo-v2', 0, OLD], ['foo-v1', 0, OLDER]], want: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 } },
  { name: 'a replica set last sized for another count gets its share from its own max-replicas', spec: deployment(5), before: { replicas: 5 }, next: ['foo-v3', 2], old: [['foo-v2', 1, OLD], ['foo-v1', 1, OLDER]], desiredOverride: { 'foo-v2': 3 }, want: { 'foo-v3': 2, 'foo-v2': 2, 'foo-v1': 1 } },
  { name: 'deployment with surge pods', spec: deployment(20, 2), before: { replicas: 10, maxSurge: 2 }, next: ['foo-v2', 6], old: [['foo-v1', 6, OLD]], want: { 'foo-v2': 11, 'foo-v1': 11 } },
  { name: 'change both surge and size', spec: deployment(50, 6), before: { replicas: 10, maxSurge: 3 }, next: ['foo-v2', 5], old: [['foo-v1', 8, OLD]], want: { 'foo-v2': 22, 'foo-v1': 34 } },
  { name: 'change both size and template (no new rs yet)', spec: deployment(14), before: { replicas: 10 }, old: [['foo-v2', 7, NEW], ['foo-v1', 3, OLD]], want: { 'foo-v2': 10, 'foo-v1': 4 } },
  { name: 'saturated but broken new replica set does not affect old pods', spec: deployment(2, 1, 1), before: { replicas: 2, maxSurge: 1 }, next: ['foo-v2', 2, 0], old: [['foo-v1', 1, OLD]], want: { 'foo-v2': 2, 'foo-v1': 1 } },
  // Beyond upstream's table.
  { name: 'a saturated new replica set scales adopted old ones to zero', spec: deployment(3, 1, 1), before: { replicas: 3, maxSurge: 1 }, next: ['foo-v2', 3, 3], old: [['foo-v1', 2, OLD]], want: { 'foo-v2': 3, 'foo-v1': 0 } },
  { name: 'the docs example: 10 -> 15 with maxSurge 3 mid-rollout (8 old, 5 new)', spec: deployment(15, 3, 2), before: { replicas: 10, maxSurge: 3 }, next: ['new', 5, 0], old: [['old', 8, OLD]], want: { new: 7, old: 11 } },
];

describe('proportional scaling (deployment controller scale())', () => {
  for (const c of cases) {
    it(c.name, () => {
      const surge = c.before.maxSurge ?? 0;
      const desired = (name: string): number => c.desiredOverride?.[name] ?? c.before.replicas;
      const next = c.next ? rs(c.next[0], c.next[1], NEW, desired(c.next[0]), surge, c.next[2]) : undefined;
      const old = c.old.map(([name, replicas, created]) => rs(name, replicas, created, desired(name), surge));
      const sizes: Record<string, number> = Object.fromEntries([...(next ? [next] : []), ...old].map((r) => [r.name, r.replicas]));
      for (const t of scaleTargets(c.spec, c.before.replicas, next, old)) sizes[t.rs.name] = t.replicas;
      assert.deepEqual(sizes, c.want);
    });
  }

  it('the replica sets add up to replicas + maxSurge after scaling up or down', () => {
    for (let replicas = 1; replicas <= 40; replicas += 3) {
      const spec = deployment(replicas, 2, 1);
      const targets = scaleTargets(spec, 10, rs('n', 3, NEW, 7, 2), [rs('o', 6, OLD, 7, 2), rs('p', 1, OLDER, 7, 2)]);
      const total = targets.reduce((n, t) => n + t.replicas, 0);
      assert.equal(total, replicas + 2, `replicas ${replicas}`);
      assert.ok(targets.every((t) => t.replicas >= 0));
    }
  });

  it('every active replica set is written so that it carries the new annotations, even when its size stays', () => {
    const targets = scaleTargets(deployment(5), 5, rs('foo-v3', 2, NEW, 5), [rs('foo-v2', 1, OLD, 3), rs('foo-v1', 1, OLDER, 5)]);
    assert.deepEqual(targets.map((t) => t.rs.name).sort(), ['foo-v1', 'foo-v2', 'foo-v3']);
  });

  it('the write order is largest first (where the leftover went)', () => {
    const targets = scaleTargets(deployment(10), 7, rs('foo-v3', 2, NEW, 7), [rs('foo-v2', 3, OLD, 7), rs('foo-v1', 2, OLDER, 7)]);
    assert.deepEqual(targets.map((t) => t.rs.name), ['foo-v2', 'foo-v3', 'foo-v1']);
  });
});

describe('isScalingEvent', () => {
  const cases: { name: string; spec: DeploymentSpec; all: ReplicaSetView[]; want: boolean }[] = [
    { name: 'an active replica set annotated for another count is a scaling event', spec: deployment(5), all: [rs('a', 3, NEW, 3)], want: true },
    { name: 'annotations matching the spec are not', spec: deployment(5), all: [rs('a', 3, NEW, 5), rs('b', 2, OLD, 5)], want: false },
    { name: 'inactive replica sets do not count', spec: deployment(5), all: [rs('a', 5, NEW, 5), rs('b', 0, OLD, 2)], want: false },
    { name: 'a replica set without annotations does not count', spec: deployment(5), all: [rs('a', 4, NEW, undefined)], want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isScalingEvent(c.spec, c.all), c.want));
});
