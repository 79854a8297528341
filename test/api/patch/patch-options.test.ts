import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { validatePatchOptions } from '../../../src/api/patch/patch-options.js';
import { patchTypeOf } from '../../../src/api/patch/patch-types.js';

function rejection(fn: () => void): ApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('patch content types and options', () => {
  it('content types map to patch types, parameters ignored; others are unknown (415)', () => {
    assert.equal(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8'), 'strategic');
    assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
    assert.equal(patchTypeOf('application/json-patch+json'), 'json');
    assert.equal(patchTypeOf('application/merge-patch+json'), 'merge');
    assert.equal(patchTypeOf('application/json'), undefined);
    assert.equal(patchTypeOf(undefined), undefined);
  });

  it('apply without a fieldManager is a 422 worded as the API server words it', () => {
    const err = rejection(() => validatePatchOptions('apply', {}));
    assert.equal(err.code, 422);
    assert.equal(err.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.deepEqual(err.details, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
  });

  it('force on a non-apply patch is forbidden', () => {
    const err = rejection(() => validatePatchOptions('merge', { force: false }));
    assert.equal(err.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('a fieldManager over 128 bytes or with control characters is invalid', () => {
    assert.match(rejection(() => validatePatchOptions('merge', { fieldManager: 'x'.repeat(129) })).message, /fieldManager: Too long: may not be more than 128 bytes$/);
    assert.match(rejection(() => validatePatchOptions('apply', { fieldManager: 'a\u0001' })).message, /invalid character U\+0001 \(at position 1\)$/);
  });

  it('valid options pass', () => {
    validatePatchOptions('apply', { fieldManager: 'kubectl', force: true });
    validatePatchOptions('strategic', { fieldManager: 'kubectl-edit' });
    validatePatchOptions('json', {});
  });
});
