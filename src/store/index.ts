// The object store's public surface.
export { Store, type StoreOptions } from './store.js';
export * from './types.js';
export * from './errors.js';
export { keyId, objectKey } from './keys.js';
