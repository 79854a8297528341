// Helpers for the canonical keys of src/store/types.ts.

import { BadRequestError } from './errors.js';
import type { CollectionKey, ObjectKey } from './types.js';

/** A string identifying a key within one cluster (for maps; never parsed back). */
export function keyId(key: Omit<ObjectKey, 'cluster'>): string {
  return JSON.stringify([key.group, key.resource, key.namespace, key.name]);
}

export function objectKey(collection: CollectionKey, name: string): ObjectKey {
  return { cluster: collection.cluster, group: collection.group, resource: collection.resource, namespace: collection.namespace, name };
}

/** Refuses keys no request can legitimately produce (a bug in the caller, not user input). */
export function checkCollectionKey(key: CollectionKey): void {
  if (key.cluster === '') throw new BadRequestError('a cluster name is required');
  if (key.resource === '') throw new BadRequestError('a resource name is required');
}

export function checkObjectKey(key: ObjectKey): void {
  checkCollectionKey(key);
  if (key.name === '') throw new BadRequestError('resource name may not be empty');
}
