// Shared by the validation tests: default an object as the API server would,
// then validate it and return the Invalid message kubectl would print.
import { setDefaults } from '../../../src/admission/defaults/index.js';
import type { JsonObject } from '../../../src/admission/json.js';
import type { KindRef } from '../../../src/admission/kind-ref.js';
import { errorString } from '../../../src/admission/validation/field-errors.js';
import { validateCreate, validateUpdate } from '../../../src/admission/validation/index.js';
import { invalidMessage } from '../../../src/admission/validation/invalid-error.js';

function nameOf(obj: JsonObject): string {
  const metadata = obj.metadata as JsonObject | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : '';
}

/** The field errors (as `field: body` strings) of creating `obj` after defaults. */
export function createErrors(ref: KindRef, obj: JsonObject): string[] {
  const copy = setDefaults(ref, structuredClone(obj));
  return validateCreate(ref, copy).map(errorString);
}

/** The whole Invalid message of creating `obj`, or '' when it is valid. */
export function createMessage(ref: KindRef, obj: JsonObject): string {
  const copy = setDefaults(ref, structuredClone(obj));
  const errors = validateCreate(ref, copy);
  return errors.length === 0 ? '' : invalidMessage(ref, nameOf(copy), errors);
}

/** The field errors of updating `oldObj` into `newObj`, both defaulted; resourceVersion is filled in. */
export function updateErrors(ref: KindRef, newObj: JsonObject, oldObj: JsonObject): string[] {
  const next = setDefaults(ref, structuredClone(newObj));
  const prev = setDefaults(ref, structuredClone(oldObj));
  (next.metadata as JsonObject).resourceVersion ??= '7';
  return validateUpdate(ref, next, prev).map(errorString);
}

export const POD: KindRef = { group: '', kind: 'Pod' };
export const DEPLOYMENT: KindRef = { group: 'apps', kind: 'Deployment' };

export function pod(spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...metadata }, spec };
}

export function deployment(spec: JsonObject, name = 'web'): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec };
}

export const NGINX = { name: 'nginx', image: 'nginx:1.25' };
