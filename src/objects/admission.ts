import type { ApiResource } from '../api/resources/types.js';
import type { KubeObject } from '../store/types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Who asks for a write: a person, a controller, a node agent. */
export interface Requester {
  username: string;
  groups: readonly string[];
}

/** Everything an admission plugin may look at (admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  cluster: string;
  resource: ApiResource;
  /** '' for the main resource. */
  subresource: string;
  namespace: string;
  name: string;
  /** The object as it will be written; mutating plugins change it in place. Absent on DELETE. */
  object: KubeObject | undefined;
  /** The stored object, on UPDATE and DELETE. */
  oldObject: KubeObject | undefined;
  dryRun: boolean;
  requester: Requester;
}

/**
 * One admission step. Mutating plugins run first (defaults, allocation),
 * validating ones after; a plugin refuses a request by throwing an ApiError
 * (Invalid, Forbidden, ...). Every write through the ObjectService passes the
 * same chain, whether it came over REST, GraphQL or from a worker.
 */
export interface AdmissionPlugin {
  name: string;
  mutate?(attributes: AdmissionAttributes): Promise<void> | void;
  validate?(attributes: AdmissionAttributes): Promise<void> | void;
}

export async function runAdmission(plugins: readonly AdmissionPlugin[], attributes: AdmissionAttributes): Promise<void> {
  for (const plugin of plugins) if (plugin.mutate) await plugin.mutate(attributes);
  for (const plugin of plugins) if (plugin.validate) await plugin.validate(attributes);
}
