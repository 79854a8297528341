// LabelSelector (matchLabels + matchExpressions) validation and matching, as
// metav1's ValidateLabelSelector and LabelSelectorAsSelector do them.

import { arrayAt, isObject, objectAt, stringAt } from '../json.js';
import { forbidden, invalid, required, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { isValidLabelValue } from './names.js';
import { validateLabelName, validateLabels } from './object-meta.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function validateLabelSelector(selector: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(selector)) return errs;
  errs.push(...validateLabels(objectAt(selector, 'matchLabels'), p.child('matchLabels')));
  (arrayAt(selector, 'matchExpressions') ?? []).forEach((expr, i) => {
    const ep = p.child('matchExpressions').index(i);
    const operator = stringAt(expr, 'operator') ?? '';
    const values = (arrayAt(expr, 'values') ?? []).map(String);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(required(ep.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(ep.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(ep.child('operator'), operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(stringAt(expr, 'key') ?? '', ep.child('key')));
    values.forEach((value, vi) => {
      for (const msg of isValidLabelValue(value)) errs.push(invalid(ep.child('values').index(vi), value, msg));
    });
  });
  return errs;
}

/** Whether a selector has neither matchLabels nor matchExpressions (it would select everything). */
export function isEmptySelector(selector: unknown): boolean {
  const labels = objectAt(selector, 'matchLabels');
  const exprs = arrayAt(selector, 'matchExpressions');
  return (labels === undefined || Object.keys(labels).length === 0) && (exprs === undefined || exprs.length === 0);
}

/**
 * Whether a label set satisfies a selector (labels.Selector.Matches). A
 * missing selector matches nothing; an empty one matches everything; an
 * unknown operator matches nothing.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  for (const [key, value] of Object.entries(objectAt(selector, 'matchLabels') ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of arrayAt(selector, 'matchExpressions') ?? []) {
    const key = stringAt(expr, 'key') ?? '';
    const operator = stringAt(expr, 'operator') ?? '';
    const values = (arrayAt(expr, 'values') ?? []).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const value = labels[key];
    if (!OPERATORS.includes(operator)) return false;
    if (operator === 'In' && !(has && value !== undefined && values.includes(value))) return false;
    if (operator === 'NotIn' && has && value !== undefined && values.includes(value)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
