// The shape of what the API serves: resources, their versions and their
// subresources, as the Kubernetes discovery documents describe them.

/** The verbs a resource lists in discovery (metav1.APIResource.verbs). */
export type ResourceVerb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface GroupVersionKind {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/**
 * How a subresource is served. `object` reads or writes a view of the parent
 * object itself (status, ephemeralcontainers, resize, finalize); the others
 * name the handler that answers it.
 */
export type SubresourceRole =
  | 'object'
  | 'scale'
  | 'binding'
  | 'eviction'
  | 'token'
  | 'proxy'
  /** Streams served by the node agent that runs the pod: log, exec, attach, portforward. */
  | 'node-stream';

export interface SubresourceDefinition {
  /** 'status', 'scale', 'log', ... */
  name: string;
  /** What the subresource reads and writes; its group/version may differ from the parent's (Scale, Eviction, TokenRequest). */
  kind: GroupVersionKind;
  verbs: readonly ResourceVerb[];
  role: SubresourceRole;
  /** Served as a connection (upgrade or stream) rather than a JSON object: exec, attach, portforward, proxy. */
  connect?: boolean;
}

/**
 * One entry of the resource table: a resource of one group with the versions it
 * is served in. Kind, scope, names and subresources are the same in every version.
 */
export interface ResourceDefinition {
  group: string;
  /** Served versions, the preferred (storage) one first. */
  versions: readonly string[];
  /** Plural, lower case: the path segment. */
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly ResourceVerb[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  /** Subresources without the `<resource>/` prefix. */
  subresources?: readonly SubresourceDefinitionInput[];
  /** The group/version the objects are stored as, when not the preferred version of their own group (events.k8s.io is stored as core v1 Events). */
  storage?: { group: string; version: string; kind: string };
}

/** A subresource as the table writes it: `kind` defaults to the parent's kind in the same group/version. */
export interface SubresourceDefinitionInput {
  name: string;
  verbs: readonly ResourceVerb[];
  role: SubresourceRole;
  kind?: GroupVersionKind;
  connect?: boolean;
}

/** A resource as served in one group/version: what REST routes and discovery publishes. */
export interface ApiResource {
  group: string;
  version: string;
  resource: string;
  singularName: string;
  kind: string;
  /** `<Kind>List`. */
  listKind: string;
  namespaced: boolean;
  verbs: readonly ResourceVerb[];
  shortNames: readonly string[];
  categories: readonly string[];
  subresources: readonly SubresourceDefinition[];
  /** True when a `status` subresource exists: writes to the main resource then ignore status, and /status ignores the rest. */
  hasStatus: boolean;
  /** True when `version` is the group's preferred version. */
  preferred: boolean;
  /** Base64 of the first 8 bytes of sha256("<group>/<version>/<Kind>") of the storage version, as the API server publishes. */
  storageVersionHash: string;
}

export interface ApiGroup {
  /** '' for the core group. */
  name: string;
  /** Served versions, preferred first. */
  versions: readonly string[];
  preferredVersion: string;
}
