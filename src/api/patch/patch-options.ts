// The PATCH query parameters the patch engines depend on, validated as the API
// server validates metav1.PatchOptions (ValidatePatchOptions): apply needs a
// fieldManager, `force` is for apply only, managers are short and printable.

import { ApiError } from '../errors.js';
import type { StatusCause } from '../errors.js';
import type { PatchType } from './patch-types.js';

/** metav1 FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);
}

export interface PatchOptionsInput {
  fieldManager?: string;
  /** Whether the `force` parameter was present at all (any value). */
  force?: boolean;
}

/** Throws 422 `PatchOptions.meta.k8s.io "" is invalid: ...` when the parameters do not fit the patch type. */
export function validatePatchOptions(type: PatchType, options: PatchOptionsInput): void {
  const causes: StatusCause[] = [];
  const manager = options.fieldManager ?? '';
  if (type === 'apply') {
    if (manager === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' });
  } else if (options.force !== undefined) {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' });
  }
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes`, field: 'fieldManager' });
  }
  let position = 0;
  for (const ch of manager) {
    if (!isPrintable(ch)) {
      const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(manager)}: invalid character ${code} (at position ${position})`, field: 'fieldManager' });
    }
    position += Buffer.byteLength(ch);
  }
  if (causes.length === 0) return;
  const messages = [...new Set(causes.map((c) => `${c.field ?? ''}: ${c.message}`))];
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  throw new ApiError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${aggregate}`, { group: 'meta.k8s.io', kind: 'PatchOptions', causes });
}
