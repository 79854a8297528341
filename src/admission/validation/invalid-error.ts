// Turns field errors into the 422 Invalid status the API server returns
// (apierrors.NewInvalid): `Deployment.apps "web" is invalid: [a, b]`, one
// cause per field error, brackets only when more than one distinct message.

import { ApiError, type StatusCause, type StatusDetails } from '../../api/errors.js';
import { qualifiedKind, type KindRef } from '../kind-ref.js';
import { goQuote } from './go-value.js';
import { errorBody, errorString, type FieldError } from './field-errors.js';

/** The aggregated text of field errors (field.ErrorList.ToAggregate().Error()). */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const e of errors) {
    const text = errorString(e);
    if (seen.has(text)) continue;
    seen.add(text);
    messages.push(text);
  }
  if (messages.length === 1) return messages[0] ?? '';
  return `[${messages.join(', ')}]`;
}

/** `Pod "web" is invalid: spec.containers: Required value` */
export function invalidMessage(ref: KindRef, name: string, errors: readonly FieldError[]): string {
  const base = `${qualifiedKind(ref)} ${goQuote(name)} is invalid`;
  return errors.length === 0 ? base : `${base}: ${aggregateMessage(errors)}`;
}

export function statusCauses(errors: readonly FieldError[]): StatusCause[] {
  return errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
}

/** The 422 Invalid error for a kind's field errors, with details.causes as kubectl reads them. */
export function invalidError(ref: KindRef, name: string, errors: readonly FieldError[]): ApiError {
  // Empty name and group are left out, as metav1.StatusDetails' omitempty does.
  const details: StatusDetails = {};
  if (name !== '') details.name = name;
  if (ref.group !== '') details.group = ref.group;
  details.kind = ref.kind;
  details.causes = statusCauses(errors);
  return new ApiError(422, 'Invalid', invalidMessage(ref, name, errors), details);
}

/** Throws the Invalid error when there are field errors. */
export function throwIfInvalid(ref: KindRef, name: string, errors: readonly FieldError[]): void {
  if (errors.length > 0) throw invalidError(ref, name, errors);
}
