import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventName } from '../../src/kube/event-name.js';

describe('event names', () => {
  it('are the object name and the time in nanoseconds as hex, as client-go names them', () => {
    const ms = Date.UTC(2030, 0, 1);
    const name = eventName('web-1', ms);
    const [object, hex] = name.split('.');
    assert.equal(object, 'web-1');
    assert.equal(BigInt(`0x${hex ?? ''}`) / 1_000_000n, BigInt(ms));
  });

  it('sort in the order they were made, even within one millisecond', () => {
    const ms = Date.UTC(2031, 0, 1);
    const names = Array.from({ length: 50 }, () => eventName('pod', ms));
    assert.equal(new Set(names).size, 50);
    assert.deepEqual([...names].sort(), names);
  });
});
