import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERR_REASON_UNSCHEDULABLE, nodeUnschedulable } from '../../../src/scheduler/plugins/node-unschedulable.js';
import { makeNode, makePod, snapshotOf, verdict, type PodOptions } from '../fixtures.js';

describe('NodeUnschedulable', () => {
  const cases: { name: string; cordoned: boolean; pod: PodOptions; want: string }[] = [
    { name: 'a pod fits a node that is not cordoned', cordoned: false, pod: {}, want: 'fits' },
    { name: 'a pod without tolerations cannot go to a cordoned node', cordoned: true, pod: {}, want: `UnschedulableAndUnresolvable: ${ERR_REASON_UNSCHEDULABLE}` },
    {
      name: 'a pod tolerating node.kubernetes.io/unschedulable:NoSchedule may go to a cordoned node',
      cordoned: true,
      pod: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] },
      want: 'fits',
    },
    { name: 'a toleration of everything covers cordoning too', cordoned: true, pod: { tolerations: [{ operator: 'Exists' }] }, want: 'fits' },
    {
      name: 'a toleration for NoExecute only does not cover cordoning',
      cordoned: true,
      pod: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] },
      want: `UnschedulableAndUnresolvable: ${ERR_REASON_UNSCHEDULABLE}`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1', { unschedulable: c.cordoned })]);
      assert.equal(verdict(nodeUnschedulable(), makePod('p', c.pod), cluster, 'n1'), c.want);
    });
  }
});
