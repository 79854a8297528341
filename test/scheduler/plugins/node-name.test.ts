import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERR_REASON, nodeName } from '../../../src/scheduler/plugins/node-name.js';
import { filterVerdicts, makeNode, makePod, snapshotOf } from '../fixtures.js';

describe('NodeName', () => {
  const cases: { name: string; wanted?: string; fits: string[] }[] = [
    { name: 'a pod without spec.nodeName fits every node', fits: ['n1', 'n2'] },
    { name: 'a pod naming a node fits only that node', wanted: 'n2', fits: ['n2'] },
    { name: 'a pod naming an unknown node fits none', wanted: 'n9', fits: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1'), makeNode('n2')]);
      const pod = makePod('p', c.wanted ? { spec: { nodeName: c.wanted } } : {});
      const verdicts = filterVerdicts(nodeName(), pod, cluster);
      assert.deepEqual(Object.keys(verdicts).filter((n) => verdicts[n] === null), c.fits);
      for (const [n, v] of Object.entries(verdicts)) if (v !== null) assert.deepEqual(v, { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON] }, n);
    });
  }
});
