// IntOrString fields that hold a count or a percentage (maxSurge,
// maxUnavailable, minAvailable): ValidatePositiveIntOrPercent and friends
// from pkg/apis/apps/validation.

import { invalid, IS_NEGATIVE_ERROR_MSG, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { goIntOrString } from './go-value.js';
import { isValidPercent } from './names.js';

export function validatePositiveIntOrPercent(value: unknown, p: FieldPath): FieldError[] {
  if (typeof value === 'string') return isValidPercent(value).map((msg) => invalid(p, goIntOrString(value), msg));
  if (typeof value === 'number') return value < 0 ? [invalid(p, value, IS_NEGATIVE_ERROR_MSG)] : [];
  if (value === undefined || value === null) return [];
  return [invalid(p, goIntOrString(value), "must be an integer or percentage (e.g '5%')")];
}

/** The number in an IntOrString ("25%" -> 25, 3 -> 3, "7" -> 7); 0 for anything else, as Go's IntValue gives. */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number(value.slice(0, -1));
  if (typeof value === 'string' && /^[+-]?[0-9]+$/.test(value)) return Number(value);
  return 0;
}

export function isNotMoreThan100Percent(value: unknown, p: FieldPath): FieldError[] {
  if (typeof value !== 'string' || !/^[0-9]+%$/.test(value)) return [];
  return intOrPercentValue(value) > 100 ? [invalid(p, goIntOrString(value), 'must not be greater than 100%')] : [];
}
