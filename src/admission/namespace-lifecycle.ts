// NamespaceLifecycle admission: nothing is created in a namespace that does
// not exist or is being terminated, and the immortal namespaces cannot be
// deleted. Pure: the caller looks the namespace up and passes it in.

import { ApiError, type StatusCause, type StatusDetails } from '../api/errors.js';
import { objectAt, stringAt, type JsonObject } from './json.js';
import { goQuote } from './validation/go-value.js';

export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

export interface GroupResource {
  group: string;
  /** Plural resource name: pods, deployments. */
  resource: string;
}

/** `pods`, `deployments.apps` (schema.GroupResource.String()). */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** apierrors.NewForbidden: `pods "web" is forbidden: <reason>`. */
export function forbiddenError(gr: GroupResource, name: string, reason: string, causes?: StatusCause[]): ApiError {
  const resource = groupResourceString(gr);
  const message = name === '' ? `${resource} is forbidden: ${reason}` : `${resource} ${goQuote(name)} is forbidden: ${reason}`;
  const details: StatusDetails = {};
  if (name !== '') details.name = name;
  if (gr.group !== '') details.group = gr.group;
  details.kind = gr.resource;
  if (causes !== undefined && causes.length > 0) details.causes = causes;
  return new ApiError(403, 'Forbidden', message, details);
}

/** apierrors.NewNotFound for a namespace: `namespaces "x" not found`. */
export function namespaceNotFound(name: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces ${goQuote(name)} not found`, { name, kind: 'namespaces' });
}

export interface NamespaceLifecycleRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: GroupResource;
  /** The object's name ('' when it is generated). */
  name: string;
  /** The object's namespace; '' for cluster-scoped kinds. */
  namespace: string;
}

/**
 * The refusal for this write, or undefined when it may proceed.
 * `namespace` is the stored Namespace object, or undefined when it does not exist.
 */
export function checkNamespaceLifecycle(request: NamespaceLifecycleRequest, namespace: JsonObject | undefined): ApiError | undefined {
  const isNamespace = request.resource.group === '' && request.resource.resource === 'namespaces';
  if (isNamespace) {
    if (request.operation === 'DELETE' && IMMORTAL_NAMESPACES.has(request.name)) {
      return forbiddenError(request.resource, request.name, 'this namespace may not be deleted');
    }
    return undefined;
  }
  if (request.namespace === '' || request.operation === 'DELETE') return undefined;
  if (namespace === undefined) return namespaceNotFound(request.namespace);
  if (request.operation === 'CREATE' && stringAt(objectAt(namespace, 'status'), 'phase') === 'Terminating') {
    // The cause lets clients tell this refusal from an authorization one.
    return forbiddenError(request.resource, request.name, `unable to create new content in namespace ${request.namespace} because it is being terminated`, [
      { reason: 'NamespaceTerminating', message: `namespace ${request.namespace} is being terminated`, field: 'metadata.namespace' },
    ]);
  }
  return undefined;
}
