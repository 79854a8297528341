// Field-level validation errors, as apimachinery's field.Error: a type (the
// Status cause's reason), the field path, the offending value and a detail.
// `errorBody` and `errorString` print them exactly as the API server does.

import type { FieldPath } from './field-path.js';
import { formatBadValue, goQuote } from './go-value.js';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue: unknown;
  detail: string;
}

/** Marks a value that is not printed (the error shows only its type). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

const TYPE_TEXT: Readonly<Record<FieldErrorType, string>> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

const f = (p: FieldPath | string): string => (typeof p === 'string' ? p : p.toString());

export const required = (p: FieldPath | string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: f(p), badValue: '', detail });
export const invalid = (p: FieldPath | string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: f(p), badValue: value, detail });
export const duplicate = (p: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: f(p), badValue: value, detail: '' });
export const forbidden = (p: FieldPath | string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: f(p), badValue: '', detail });
export const notFound = (p: FieldPath | string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: f(p), badValue: value, detail: '' });
export const tooLong = (p: FieldPath | string, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: f(p),
  badValue: '<value omitted>',
  detail: maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long',
});
export const tooMany = (p: FieldPath | string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field: f(p),
  badValue: actual >= 0 ? actual : OMIT_VALUE,
  detail: max >= 0 ? `must have at most ${max} items` : 'has too many items',
});

/** `Unsupported value: "x": supported values: "A", "B"` */
export function notSupported(p: FieldPath | string, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field: f(p), badValue: value, detail };
}

/** The message without the field: `Invalid value: "x": must be ...` (field.Error.ErrorBody). */
export function errorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      s = TYPE_TEXT[e.type];
      break;
    default:
      s = e.badValue === OMIT_VALUE ? TYPE_TEXT[e.type] : `${TYPE_TEXT[e.type]}: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail.length > 0) s += `: ${e.detail}`;
  return s;
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0` (field.Error.Error). */
export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** Message for a value below zero (apimachinery's IsNegativeErrorMsg). */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** Message for a changed immutable field (apimachinery's FieldImmutableErrorMsg). */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
