// What the bootstrap modules need from the object service: a create that runs
// admission and tolerates another replica's earlier create, and plain reads and
// writes for the one object upstream keeps reconciling (default/kubernetes).
import type { KubeObject } from '../../store/types.js';

/** Where this API replica can be reached: what the kubernetes Service's endpoints point at. */
export interface ApiEndpoint {
  address: string;
  port: number;
}

export interface BootstrapTarget {
  cluster: string;
  /** Creates the object unless it exists (a user's copy is never overwritten); AlreadyExists from a racing replica is fine. */
  ensure(group: string, version: string, resource: string, object: KubeObject): Promise<void>;
  /** The stored object, or null. */
  get(group: string, version: string, resource: string, namespace: string, name: string): Promise<KubeObject | null>;
  /** Replaces the object (its metadata.resourceVersion is the precondition: a stale one throws Conflict). */
  update(group: string, version: string, resource: string, object: KubeObject): Promise<void>;
}

/** Labels and annotations upstream puts on its bootstrap RBAC objects. */
export const RBAC_DEFAULTS_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
export const AUTOUPDATE_ANNOTATIONS = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } as const;
