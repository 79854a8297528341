// The store's failures, worded exactly as the Kubernetes API server words them
// (k8s.io/apimachinery/pkg/api/errors) so kubectl prints what users expect.
// src/api/errors.ts `toApiError` maps every StoreError to a Status.

import type { ObjectKey } from './types.js';

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Gone' | 'BadRequest' | 'Invalid' | 'Timeout';

export interface StoreErrorCause {
  reason?: string;
  message: string;
  field?: string;
}

/** metav1.StatusDetails as the store knows them. */
export interface StoreErrorDetails {
  name?: string;
  group?: string;
  /** The resource (plural) for most errors, as Kubernetes reports it. */
  kind?: string;
  uid?: string;
  causes?: StoreErrorCause[];
  retryAfterSeconds?: number;
}

/** Base of every error the store throws on purpose; anything else is a bug or an outage. */
export abstract class StoreError extends Error {
  abstract readonly reason: StoreErrorReason;
  /** HTTP status code of the matching metav1.Status. */
  abstract readonly code: number;
  constructor(
    message: string,
    readonly details?: StoreErrorDetails,
  ) {
    super(message);
  }
}

/** `pods` for the core group, `deployments.apps` otherwise (schema.GroupResource.String()). */
export function qualifiedResource(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

function detailsFor(group: string, resource: string, name: string): StoreErrorDetails {
  const details: StoreErrorDetails = { name, kind: resource };
  if (group !== '') details.group = group;
  return details;
}

/** 404: `pods "web" not found`. */
export class NotFoundError extends StoreError {
  override readonly name = 'NotFoundError';
  readonly reason = 'NotFound';
  readonly code = 404;
  constructor(group: string, resource: string, name: string) {
    super(`${qualifiedResource(group, resource)} "${name}" not found`, detailsFor(group, resource, name));
  }

  static of(key: Pick<ObjectKey, 'group' | 'resource' | 'name'>): NotFoundError {
    return new NotFoundError(key.group, key.resource, key.name);
  }
}

/** 409: `deployments.apps "web" already exists`. */
export class AlreadyExistsError extends StoreError {
  override readonly name = 'AlreadyExistsError';
  readonly reason = 'AlreadyExists';
  readonly code = 409;
  constructor(group: string, resource: string, name: string, generated = false) {
    // A generateName collision that survived the retries (apierrors.NewGenerateNameConflict).
    const suffix = generated ? ', the server was not able to generate a unique name for the object' : '';
    const details = detailsFor(group, resource, name);
    if (generated) details.retryAfterSeconds = 1;
    super(`${qualifiedResource(group, resource)} "${name}" already exists${suffix}`, details);
  }
}

/** The optimistic-concurrency failure message (apiserver's OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** 409: `Operation cannot be fulfilled on pods "web": <why>`. */
export class ConflictError extends StoreError {
  override readonly name = 'ConflictError';
  readonly reason = 'Conflict';
  readonly code = 409;
  constructor(group: string, resource: string, name: string, why: string) {
    super(`Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`, detailsFor(group, resource, name));
  }

  /** A write carried a resourceVersion that is no longer current. */
  static stale(key: Pick<ObjectKey, 'group' | 'resource' | 'name'>): ConflictError {
    return new ConflictError(key.group, key.resource, key.name, OPTIMISTIC_LOCK_MESSAGE);
  }

  static uidPrecondition(key: Pick<ObjectKey, 'group' | 'resource' | 'name'>, wanted: string, actual: string): ConflictError {
    return new ConflictError(key.group, key.resource, key.name, `Precondition failed: UID in precondition: ${wanted}, UID in object meta: ${actual}`);
  }

  static resourceVersionPrecondition(key: Pick<ObjectKey, 'group' | 'resource' | 'name'>, wanted: string, actual: string): ConflictError {
    return new ConflictError(key.group, key.resource, key.name, `Precondition failed: ResourceVersion in precondition: ${wanted}, ResourceVersion in object meta: ${actual}`);
  }
}

/** The message Kubernetes gives for a continue token older than the log window. */
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
  'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
  'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** 410 Expired: a resourceVersion or continue token older than the compacted log. */
export class ExpiredError extends StoreError {
  override readonly name: string = 'ExpiredError';
  readonly reason = 'Expired';
  readonly code = 410;

  /** `too old resource version: 5 (9)`: the requested version and the oldest one still answerable. */
  static tooOld(requested: string, compactedRv: string): ExpiredError {
    return new ExpiredError(`too old resource version: ${requested} (${compactedRv})`);
  }

  static continueTooOld(): ExpiredError {
    return new ExpiredError(CONTINUE_EXPIRED_MESSAGE);
  }
}

/**
 * A watcher that did not keep up was closed so that memory stays bounded.
 * Nothing was lost: watching again from `resourceVersion` (the last version it
 * received) resumes exactly where it stopped, while the log still holds it.
 */
export class WatchOverflowError extends ExpiredError {
  override readonly name = 'WatchOverflowError';
  constructor(readonly resourceVersion: string) {
    super(`watch closed because the client fell behind; resume from resourceVersion ${resourceVersion}`);
  }
}

/** 400: a malformed selector, continue token or resourceVersion. */
export class BadRequestError extends StoreError {
  override readonly name = 'BadRequestError';
  readonly reason = 'BadRequest';
  readonly code = 400;
}

/** 422: `Pod "web" is invalid: metadata.name: Required value: ...`. */
export class InvalidError extends StoreError {
  override readonly name = 'InvalidError';
  readonly reason = 'Invalid';
  readonly code = 422;
  /**
   * @param kind the object's Kind, qualified by group for non-core groups (`Deployment.apps`)
   * @param causes one per field; `message` is the text after `field: `
   */
  constructor(kind: string, group: string, objectName: string, causes: { field: string; reason: string; message: string }[]) {
    const texts = causes.map((c) => `${c.field}: ${c.message}`);
    const aggregated = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
    const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
    const details: StoreErrorDetails = { name: objectName, kind, causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) };
    if (group !== '') details.group = group;
    super(`${qualifiedKind} "${objectName}" is invalid${texts.length > 0 ? `: ${aggregated}` : ''}`, details);
  }
}

/** 504 Timeout: a read asked for a resourceVersion the store has not reached. */
export class TooLargeResourceVersionError extends StoreError {
  override readonly name = 'TooLargeResourceVersionError';
  readonly reason = 'Timeout';
  readonly code = 504;
  constructor(requested: string, current: string) {
    super(`Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
}

/** Which allocation range a value belongs to (table service_allocations). */
export type AllocationRange = 'clusterip' | 'nodeport';

/**
 * 422: a cluster IP or node port another Service already holds. PostgreSQL
 * refuses the write (service_allocations' primary key), whichever API replica
 * allocated the value. The object service normally re-runs allocation, which
 * either picks another value or words upstream's exact error; this wording is
 * the fallback.
 */
export class ValueAllocatedError extends StoreError {
  override readonly name = 'ValueAllocatedError';
  readonly reason = 'Invalid';
  readonly code = 422;
  constructor(
    objectName: string,
    readonly range: AllocationRange,
    readonly value: string,
  ) {
    const field = range === 'clusterip' ? 'spec.clusterIPs' : 'spec.ports.nodePort';
    const message = range === 'clusterip' ? `Invalid value: "${value}": provided IP is already allocated` : `Invalid value: ${value}: provided port is already allocated`;
    super(`Service "${objectName}" is invalid: ${field}: ${message}`, { name: objectName, kind: 'Service', causes: [{ reason: 'FieldValueInvalid', message, field }] });
  }
}

/** The ValueAllocatedError a PostgreSQL error stands for, if it is a service_allocations collision. */
export function valueAllocatedError(err: unknown, objectName: string): ValueAllocatedError | undefined {
  const e = err as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (e?.code !== '23505' || e.constraint !== 'service_allocations_pkey' || typeof e.detail !== 'string') return undefined;
  try {
    const detail = JSON.parse(e.detail) as { range?: unknown; value?: unknown };
    if ((detail.range === 'clusterip' || detail.range === 'nodeport') && typeof detail.value === 'string') return new ValueAllocatedError(objectName, detail.range, detail.value);
  } catch {
    // A DETAIL not written by our trigger.
  }
  return undefined;
}
