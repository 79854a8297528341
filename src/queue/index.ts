// The queue side of the store: controller registry, reconcile job naming,
// enqueueing and the outbox dispatcher. (The worker runtime that consumes
// the queues belongs to the controller manager.)
export { ControllerRegistry, controllerOwner, ownerKeys, type ControllerRoute, type ObjectChange, type ObjectFilter, type ResourceRef, type WatchedResource } from './registry.js';
export { DEFAULT_QUEUE_PREFIX, parseReconcileJobId, queueName, reconcileJobId, type ReconcileKey } from './keys.js';
export { ReconcileQueues, reconcileJobOptions, type ReconcileJobData, type ReconcileQueuesOptions } from './enqueue.js';
export { Dispatcher, type DispatcherOptions } from './dispatcher.js';
export { checkEvictionPolicy } from './redis-policy.js';
