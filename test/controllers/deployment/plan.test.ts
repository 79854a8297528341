import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fenceposts, newReplicaSetReplicas, podTemplateHash, sameTemplate, scaleDownOld, scaledValue, type ReplicaSetView } from '../../../src/controllers/deployment/plan.js';

const rs = (name: string, replicas: number, available: number, created = 0): ReplicaSetView => ({ object: { metadata: { name } }, name, replicas, statusReplicas: replicas, available, ready: available, revision: 1, created });

describe('deployment arithmetic', () => {
  const scaled: [string, number | string | undefined, number, boolean, number][] = [
    ['a number is taken as is', 3, 10, true, 3],
    ['25% of 10 rounds up for surge', '25%', 10, true, 3],
    ['25% of 10 rounds down for unavailable', '25%', 10, false, 2],
    ['an absent value uses the 25% default', undefined, 4, true, 1],
    ['0% is zero', '0%', 10, true, 0],
  ];
  for (const [name, value, total, up, want] of scaled) it(name, () => assert.equal(scaledValue(value, total, up, '25%'), want));

  it('both fenceposts zero means one unavailable', () => {
    assert.deepEqual(fenceposts({ replicas: 3, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), { maxSurge: 0, maxUnavailable: 1 });
  });

  it('a new deployment scales its first ReplicaSet straight to replicas', () => {
    assert.equal(newReplicaSetReplicas({ replicas: 4 }, [], rs('new', 0, 0)), 4);
  });

  it('a rolling update surges by at most maxSurge above replicas', () => {
    const spec = { replicas: 4, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } };
    const old = rs('old', 4, 4);
    assert.equal(newReplicaSetReplicas(spec, [old, rs('new', 0, 0)], rs('new', 0, 0)), 1);
    assert.equal(newReplicaSetReplicas(spec, [rs('old', 4, 4), rs('new', 1, 0)], rs('new', 1, 0)), 1, 'no room while 5 pods exist');
  });

  it('old ReplicaSets scale down only as far as maxUnavailable allows, counting the new one\'s unavailable pods', () => {
    const spec = { replicas: 4, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } };
    const next = rs('new', 1, 0);
    const old = rs('old', 4, 4);
    // 5 pods, min available 3, 1 new unavailable: 1 old pod may go.
    assert.deepEqual(scaleDownOld(spec, [next, old], next, [old]), new Map([['old', 3]]));
    const ready = rs('new', 2, 2);
    const old3 = rs('old', 3, 3);
    // 5 pods, 5 available, min 3: two may go.
    assert.deepEqual(scaleDownOld(spec, [ready, old3], ready, [old3]), new Map([['old', 1]]));
  });

  it('unhealthy old replicas go first, costing no availability', () => {
    const spec = { replicas: 2, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } };
    const next = rs('new', 0, 0);
    const old = rs('old', 2, 0);
    assert.deepEqual(scaleDownOld(spec, [next, old], next, [old]), new Map([['old', 1]]));
  });

  it('the pod-template hash is stable, safe-encoded and changes with the template and collisionCount', () => {
    const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const h = podTemplateHash(t, undefined);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(podTemplateHash(structuredClone(t), undefined), h);
    assert.notEqual(podTemplateHash(t, 1), h);
    assert.notEqual(podTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'y' }] } }, undefined), h);
  });

  it('templates compare equal ignoring the pod-template-hash label', () => {
    const t = { metadata: { labels: { app: 'a' } }, spec: {} };
    assert.ok(sameTemplate(t, { metadata: { labels: { app: 'a', 'pod-template-hash': 'abc' } }, spec: {} }));
    assert.ok(!sameTemplate(t, { metadata: { labels: { app: 'b' } }, spec: {} }));
  });
});

describe('template equality after kubectl rollout undo', () => {
  it('nulls and empty objects from a Go client compare equal to their absence', () => {
    const stored = { metadata: { labels: { app: 'a', 'pod-template-hash': 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const fromKubectl = { metadata: { creationTimestamp: null, labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i', resources: {} }] } };
    assert.ok(sameTemplate(stored, fromKubectl as never));
    assert.equal(podTemplateHash(stored.spec as never, undefined), podTemplateHash(fromKubectl.spec as never, undefined));
  });
});
