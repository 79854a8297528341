// Errors the patch engines throw, shaped as the Kubernetes API server reports
// the same failures (k8s.io/apiserver endpoints/handlers/patch.go). They are
// ApiErrors, so src/api/errors.ts `toApiError` passes them through unchanged.

import { ApiError } from '../errors.js';
import type { StatusCause } from '../errors.js';

/** The message apiserver's generic 422 carries; the underlying reason is not shown to clients. */
export const PATCH_REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends ApiError {
  /**
   * What actually went wrong, for the server log. For the generic 422 the API
   * server drops this from the response; kubeql keeps it here so it can be logged.
   */
  readonly detail: string;
  constructor(code: number, reason: ConstructorParameters<typeof ApiError>[1], message: string, detail?: string, causes?: StatusCause[]) {
    super(code, reason, message, causes === undefined ? undefined : { causes });
    this.detail = detail ?? message;
  }
}

/** 400: the patch document itself cannot be used (bad JSON shape, bad directive). */
export const patchBadRequest = (message: string): PatchError => new PatchError(400, 'BadRequest', message);

/**
 * 422 with apiserver's generic wording: a well-formed patch that does not apply
 * to the object (a failed `test`, a missing path, lists of lists in a strategic patch).
 */
export const patchRejected = (detail: string): PatchError => new PatchError(422, 'Invalid', PATCH_REJECTED_MESSAGE, detail);

/**
 * 422 from errors.NewInvalid(GroupKind{}, "", field.Invalid("patch", value, message)):
 * the patched document cannot be decoded as an object.
 */
export function patchResultInvalid(value: string, message: string): PatchError {
  const body = `Invalid value: ${JSON.stringify(value)}: ${message}`;
  return new PatchError(422, 'Invalid', ` "" is invalid: patch: ${body}`, message, [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }]);
}

/** 413 `Request entity too large: ...`. */
export const patchTooLarge = (message: string): PatchError => new PatchError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);

/**
 * A failure apiserver does not map to a Status reason (a strategic patch item
 * without its merge key, mismatched list element types): it answers 500 with the
 * plain message, which kubectl prints as is.
 */
export const patchInternal = (message: string): PatchError => new PatchError(500, 'InternalError', message);
