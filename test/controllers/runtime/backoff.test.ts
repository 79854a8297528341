import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyBackoff } from '../../../src/controllers/runtime/backoff.js';

describe('per-key backoff', () => {
  it('doubles from 5 ms per consecutive failure of one key, capped at 1000 s', () => {
    const b = new KeyBackoff();
    const delays = Array.from({ length: 20 }, () => b.next('k'));
    assert.deepEqual(delays.slice(0, 4), [5, 10, 20, 40]);
    assert.equal(delays[19], 1_000_000);
    assert.equal(Math.max(...Array.from({ length: 100 }, () => b.next('k'))), 1_000_000);
  });

  it('keys back off independently and a success forgets the failures', () => {
    const b = new KeyBackoff({ baseMs: 1, maxMs: 100 });
    b.next('a');
    b.next('a');
    assert.equal(b.next('b'), 1);
    b.forget('a');
    assert.equal(b.next('a'), 1);
  });
});
