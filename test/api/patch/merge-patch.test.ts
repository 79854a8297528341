import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatchError } from '../../../src/api/patch/errors.js';
import type { JsonObject } from '../../../src/api/patch/json-value.js';
import { applyMergePatch } from '../../../src/api/patch/merge-patch.js';

const configMap = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  data: { one: '1', two: '2' },
});

describe('applying RFC 7386 merge patches', () => {
  const cases: { name: string; patch: unknown; result: JsonObject }[] = [
    {
      name: 'members merge recursively',
      patch: { metadata: { labels: { tier: 'frontend' } }, data: { three: '3' } },
      result: { ...configMap(), metadata: { name: 'cfg', labels: { app: 'web', tier: 'frontend' }, finalizers: ['a', 'b'] }, data: { one: '1', two: '2', three: '3' } },
    },
    {
      name: 'null removes a member',
      patch: { metadata: { labels: { app: null } }, data: { one: null } },
      result: { ...configMap(), metadata: { name: 'cfg', labels: {}, finalizers: ['a', 'b'] }, data: { two: '2' } },
    },
    {
      name: 'lists are replaced whole',
      patch: { metadata: { finalizers: ['c'] } },
      result: { ...configMap(), metadata: { name: 'cfg', labels: { app: 'web' }, finalizers: ['c'] } },
    },
    {
      name: 'null removes a whole list, as `kubectl patch --type=merge` uses to drop finalizers',
      patch: { metadata: { finalizers: null } },
      result: { ...configMap(), metadata: { name: 'cfg', labels: { app: 'web' } } },
    },
    {
      name: 'nulls inside a new object are dropped, not stored',
      patch: { binaryData: { a: 'YQ==', b: null } },
      result: { ...configMap(), binaryData: { a: 'YQ==' } },
    },
    {
      name: 'an object replaces a scalar',
      patch: { data: 'text' },
      result: { ...configMap(), data: 'text' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = configMap();
      assert.deepEqual(applyMergePatch(input, c.patch), c.result);
      assert.deepEqual(input, configMap(), 'the input object is not modified');
    });
  }

  it('a patch that is not an object is a 400 "Invalid JSON Patch"', () => {
    for (const patch of [null, 'x', 3]) {
      assert.throws(
        () => applyMergePatch(configMap(), patch),
        (err: unknown) => err instanceof PatchError && err.code === 400 && err.message === 'Invalid JSON Patch',
      );
    }
  });

  it('a patch that is a list replaces the object and cannot be decoded: 422', () => {
    assert.throws(
      () => applyMergePatch(configMap(), [1]),
      (err: unknown) => err instanceof PatchError && err.code === 422 && err.toStatus().reason === 'Invalid',
    );
  });

  it('a patch with a __proto__ key is refused and pollutes nothing', () => {
    assert.throws(
      () => applyMergePatch(configMap(), JSON.parse('{"metadata": {"__proto__": {"polluted": true}}}')),
      (err: unknown) => err instanceof PatchError && err.code === 400,
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
