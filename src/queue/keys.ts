// What a reconcile job carries (a key, never an object) and how it is named in
// Redis. BullMQ refuses job ids containing ':' or made only of digits, and
// Kubernetes names like `system:controller` contain ':' (ARCHITECTURE.md trap 3).

/** The object a controller must reconcile; its group/resource is the controller's own. */
export interface ReconcileKey {
  cluster: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

const encodePart = (part: string): string => encodeURIComponent(part).replace(/[!'()*.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The identity of "controller X must reconcile key K": one queued job per
 * identity (BullMQ deduplication id). Parts are percent-encoded and joined
 * by '/', so it holds no ':' and is never all digits.
 */
export function reconcileJobId(controller: string, key: ReconcileKey): string {
  return [controller, key.cluster, key.namespace, key.name].map(encodePart).join('/');
}

/** Inverse of reconcileJobId. */
export function parseReconcileJobId(id: string): { controller: string; key: ReconcileKey } {
  const parts = id.split('/');
  if (parts.length !== 4) throw new Error(`not a reconcile job id: ${id}`);
  const [controller, cluster, namespace, name] = parts.map((p) => decodeURIComponent(p)) as [string, string, string, string];
  return { controller, key: { cluster, namespace, name } };
}

const QUEUE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The BullMQ queue a controller's jobs go to: the controller's name, checked. */
export function queueName(controller: string): string {
  if (!QUEUE_NAME.test(controller)) throw new Error(`controller name ${JSON.stringify(controller)} must be lower-case letters, digits and '-'`);
  return controller;
}

/** Redis key prefix of kubeql's queues. */
export const DEFAULT_QUEUE_PREFIX = 'kubeql';
