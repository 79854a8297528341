// The objects every cluster has, written when a process first serves the
// cluster. Each is created only if absent, so a user's change survives and
// replicas starting together race harmlessly (AlreadyExists is success);
// only default/kubernetes is reconciled, as upstream's API server does.
import { systemNamespaces } from './namespaces.js';
import { systemPriorityClasses } from './priority-classes.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbac.js';
import { reconcileKubernetesService } from './kubernetes-service.js';
import type { ApiEndpoint, BootstrapTarget } from './types.js';

export type { ApiEndpoint, BootstrapTarget } from './types.js';
export { SYSTEM_NAMESPACES } from './namespaces.js';
export { advertisedAddress, KUBERNETES_SERVICE } from './kubernetes-service.js';

export interface BootstrapOptions {
  /** Set in API replicas: the kubernetes Service's endpoints point here. Workers leave the Service alone. */
  apiEndpoint?: ApiEndpoint;
}

export async function bootstrapCluster(target: BootstrapTarget, options: BootstrapOptions = {}): Promise<void> {
  // Namespaces first: everything namespaced below needs `default`.
  await Promise.all(systemNamespaces().map((ns) => target.ensure('', 'v1', 'namespaces', ns)));
  await Promise.all([
    ...systemPriorityClasses().map((pc) => target.ensure('scheduling.k8s.io', 'v1', 'priorityclasses', pc)),
    ...bootstrapClusterRoles().map((role) => target.ensure('rbac.authorization.k8s.io', 'v1', 'clusterroles', role)),
    ...bootstrapClusterRoleBindings().map((binding) => target.ensure('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', binding)),
  ]);
  if (options.apiEndpoint !== undefined) await reconcileKubernetesService(target, options.apiEndpoint);
}
