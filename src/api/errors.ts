// The one place where failures become Kubernetes API errors. REST writes them
// as metav1.Status bodies; GraphQL puts the same reason in extensions.code.

import { StoreError } from '../store/errors.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details !== undefined) status.details = this.details;
    return status;
  }
}

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');
export const forbidden = (message: string, details?: StatusDetails): ApiError => new ApiError(403, 'Forbidden', message, details);
export const notFound = (message: string, details?: StatusDetails): ApiError => new ApiError(404, 'NotFound', message, details);
export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);
export const serviceUnavailable = (message: string): ApiError => new ApiError(503, 'ServiceUnavailable', message);
/** 415 with Kubernetes' wording; `accepted` lists the media types the endpoint reads. */
export const unsupportedMediaType = (accepted: readonly string[]): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);

/** Maps any thrown value to an API error; unknown failures are masked (details go to the log). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The object store's errors already carry Kubernetes' reason, code and wording.
  if (err instanceof StoreError) return new ApiError(err.code, err.reason, err.message, err.details);
  return new ApiError(500, 'InternalError', 'Internal error occurred: the server could not complete the request; see the server log');
}
