import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, timestampSince } from '../../../src/api/table/human-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 1 * S, '2m1s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [2 * D + 4 * H, '2d4h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [731 * D, '2y1d'],
    [8 * 365 * D - D, '7y364d'],
    [8 * 365 * D, '8y'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms reads as ${text}`, () => assert.equal(humanDuration(ms), text));
  }

  it('an unset or unreadable timestamp has an unknown age', () => {
    assert.equal(timestampSince(undefined, 0), '<unknown>');
    assert.equal(timestampSince('yesterday', 0), '<unknown>');
  });

  it('a timestamp\'s age is measured against the given now', () => {
    assert.equal(timestampSince('2024-01-01T00:00:00Z', Date.parse('2024-01-01T03:05:00Z')), '3h5m');
  });
});
