import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PATCH_REJECTED_MESSAGE, PatchError } from '../../../src/api/patch/errors.js';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../../src/api/patch/json-patch.js';
import type { JsonObject } from '../../../src/api/patch/json-value.js';

const pod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, finalizers: ['a', 'b'] },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.24' }, { name: 'sidecar', image: 'busybox' }] },
});

describe('applying RFC 6902 JSON patches', () => {
  const cases: { name: string; patch: unknown; check: (out: JsonObject) => void }[] = [
    {
      name: 'add sets a new member of an object',
      patch: [{ op: 'add', path: '/metadata/labels/tier', value: 'frontend' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).labels, { app: 'web', 'app.kubernetes.io/name': 'web', tier: 'frontend' }),
    },
    {
      name: 'add with "-" appends to a list',
      patch: [{ op: 'add', path: '/metadata/finalizers/-', value: 'c' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['a', 'b', 'c']),
    },
    {
      name: 'add at an index inserts before the item there',
      patch: [{ op: 'add', path: '/metadata/finalizers/0', value: 'z' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['z', 'a', 'b']),
    },
    {
      name: 'remove deletes a list item by index',
      patch: [{ op: 'remove', path: '/metadata/finalizers/0' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['b']),
    },
    {
      name: 'a negative index counts from the end, as the library the API server uses allows',
      patch: [{ op: 'remove', path: '/metadata/finalizers/-1' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['a']),
    },
    {
      name: 'replace changes a nested value',
      patch: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.25' }],
      check: (out) => assert.equal(((out.spec as JsonObject).containers as JsonObject[])[0]?.image, 'nginx:1.25'),
    },
    {
      name: 'replace of a missing object member adds it, as upstream does',
      patch: [{ op: 'replace', path: '/spec/nodeName', value: 'n1' }],
      check: (out) => assert.equal((out.spec as JsonObject).nodeName, 'n1'),
    },
    {
      name: '~1 and ~0 in a path token stand for "/" and "~"',
      patch: [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' }],
      check: (out) => assert.equal(((out.metadata as JsonObject).labels as JsonObject)['app.kubernetes.io/name'], 'api'),
    },
    {
      name: 'move takes a value out of one place into another',
      patch: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' }],
      check: (out) => assert.deepEqual((out.metadata as JsonObject).labels, { 'app.kubernetes.io/name': 'web', role: 'web' }),
    },
    {
      name: 'copy duplicates a value',
      patch: [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }],
      check: (out) => assert.deepEqual(((out.spec as JsonObject).containers as JsonObject[])[2], { name: 'nginx', image: 'nginx:1.24' }),
    },
    {
      name: 'a passing test lets the following operations run',
      patch: [
        { op: 'test', path: '/spec/containers/0/image', value: 'nginx:1.24' },
        { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.25' },
      ],
      check: (out) => assert.equal(((out.spec as JsonObject).containers as JsonObject[])[0]?.image, 'nginx:1.25'),
    },
    {
      name: 'test of a missing member against null passes',
      patch: [{ op: 'test', path: '/spec/nodeName', value: null }],
      check: (out) => assert.equal((out.spec as JsonObject).nodeName, undefined),
    },
    {
      name: 'a null body is an empty patch',
      patch: null,
      check: (out) => assert.deepEqual(out, pod()),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = pod();
      const out = applyJsonPatch(input, c.patch);
      c.check(out);
      assert.deepEqual(input, pod(), 'the input object is not modified');
    });
  }
});

describe('JSON patch failures answer as the API server does', () => {
  const rejected: { name: string; patch: unknown; detail: string }[] = [
    {
      name: 'a failed test is a 422 with the generic message',
      patch: [{ op: 'test', path: '/spec/containers/0/image', value: 'nginx:1.0' }],
      detail: 'testing value /spec/containers/0/image failed: test failed',
    },
    {
      name: 'adding under a missing parent is a 422',
      patch: [{ op: 'add', path: '/spec/missing/child', value: 1 }],
      detail: 'add operation does not apply: doc is missing path: "/spec/missing/child": missing value',
    },
    {
      name: 'removing a missing member is a 422',
      patch: [{ op: 'remove', path: '/metadata/labels/nope' }],
      detail: 'Unable to remove nonexistent key: nope: missing value',
    },
    {
      name: 'an index past the end of a list is a 422',
      patch: [{ op: 'replace', path: '/metadata/finalizers/5', value: 'x' }],
      detail: 'Unable to access invalid index: 5: invalid index referenced',
    },
    {
      name: 'an unknown operation is a 422',
      patch: [{ op: 'merge', path: '/spec', value: {} }],
      detail: 'Unexpected kind: merge',
    },
    {
      name: 'an operation without a path is a 422',
      patch: [{ op: 'add', value: 1 }],
      detail: 'add operation failed to decode path: missing value',
    },
  ];
  for (const c of rejected) {
    it(c.name, () => {
      assert.throws(
        () => applyJsonPatch(pod(), c.patch),
        (err: unknown) => {
          assert.ok(err instanceof PatchError);
          const status = err.toStatus();
          assert.equal(status.code, 422);
          assert.equal(status.reason, 'Invalid');
          assert.equal(status.message, PATCH_REJECTED_MESSAGE);
          assert.equal(err.detail, c.detail);
          return true;
        },
      );
    });
  }

  const bad: { name: string; patch: unknown; code: number; message: string }[] = [
    { name: 'a body that is an object is a 400', patch: { op: 'add' }, code: 400, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'an operation that is not an object is a 400', patch: ['add'], code: 400, message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
    {
      name: 'more than 10000 operations is a 413',
      patch: Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' })),
      code: 413,
      message: `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${MAX_JSON_PATCH_OPERATIONS + 1}`,
    },
    { name: 'a path token naming __proto__ is refused', patch: [{ op: 'add', path: '/__proto__/polluted', value: true }], code: 400, message: 'the patch contains the forbidden key "__proto__"' },
    { name: 'a value carrying a constructor key is refused', patch: [{ op: 'add', path: '/spec/x', value: { constructor: { prototype: 1 } } }], code: 400, message: 'the patch contains the forbidden key "constructor"' },
  ];
  for (const c of bad) {
    it(c.name, () => {
      assert.throws(
        () => applyJsonPatch(pod(), c.patch),
        (err: unknown) => err instanceof PatchError && err.code === c.code && err.message === c.message,
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('copies adding up to more than 3 MiB are refused', () => {
    const big: JsonObject = { ...pod(), data: { blob: 'x'.repeat(1024 * 1024) } };
    const patch = Array.from({ length: 4 }, (_, i) => ({ op: 'copy', from: '/data/blob', path: `/data/copy${i}` }));
    assert.throws(
      () => applyJsonPatch(big, patch),
      (err: unknown) => err instanceof PatchError && err.code === 422 && /accumulated size increase of copy/.test(err.detail),
    );
  });

  it('a patch that replaces the whole document with a list cannot be decoded as an object', () => {
    assert.throws(
      () => applyJsonPatch(pod(), [{ op: 'replace', path: '', value: [1] }]),
      (err: unknown) => err instanceof PatchError && err.code === 422 && err.message.startsWith(' "" is invalid: patch: Invalid value: "[1]"'),
    );
  });
});
