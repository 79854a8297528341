import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDuration, backoffExpiry, isBackingOff } from '../../src/scheduler/backoff.js';

describe('per-pod backoff', () => {
  it('starts at 1 s and doubles per failed attempt up to 10 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map((a) => backoffDuration(a)), [1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it('counts from the last attempt', () => {
    assert.equal(backoffExpiry(5_000, 3), 9_000);
    assert.equal(isBackingOff(8_999, 5_000, 3), true);
    assert.equal(isBackingOff(9_000, 5_000, 3), false);
  });

  it('a pod that has waited longer than its backoff is retried at once', () => {
    // Unschedulable since t=0 after 6 attempts; capacity appears at t=60 s.
    assert.equal(isBackingOff(60_000, 0, 6), false);
  });

  it('other policies are honoured', () => {
    assert.deepEqual([1, 2, 3].map((a) => backoffDuration(a, { initialMs: 5, maxMs: 12 })), [5, 10, 12]);
  });
});
