// The object store's contract: keys, objects, options and results. Everything
// else in kubeql reads and writes objects through this surface (see store.ts).

/**
 * A collection of objects: one resource of one API group in one cluster,
 * optionally narrowed to a namespace. Parsed once from the request
 * (ARCHITECTURE.md trap 6) and used unchanged for authorization and queries.
 */
export interface CollectionKey {
  readonly cluster: string;
  /** API group; '' for the core group (pods, services, ...). */
  readonly group: string;
  /** Plural lower-case resource name as in REST paths: 'pods', 'deployments'. */
  readonly resource: string;
  /**
   * '' for cluster-scoped resources; for namespaced resources '' in list and
   * watch means every namespace.
   */
  readonly namespace: string;
}

/** The canonical key of one object. */
export interface ObjectKey extends CollectionKey {
  readonly name: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.ObjectMeta as JSON. Fields the store owns are noted. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  /** Server-owned: set on create, never changed. */
  uid?: string;
  /** Server-owned and opaque: the change-log sequence number of the last write. */
  resourceVersion?: string;
  /** Server-owned: 1 on create, +1 whenever anything outside metadata and status changes. */
  generation?: number;
  /** Server-owned: RFC 3339, seconds precision. */
  creationTimestamp?: string;
  /** Server-owned: set by delete when finalizers or a grace period keep the object. */
  deletionTimestamp?: string;
  /** Server-owned: set by delete together with deletionTimestamp. */
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}

/** A Kubernetes object as plain JSON: `{ apiVersion, kind, metadata, ... }`. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Conditions a write or delete must meet, checked inside its transaction. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface CreateOptions {
  /** Aborts waiting for the write; a write already committed stays committed. */
  signal?: AbortSignal;
  /**
   * The caller gives `object` to the store and will not read or change it
   * again, so the store keeps it as it is instead of copying it first.
   */
  handOver?: boolean;
}

export interface UpdateOptions {
  /**
   * 'status' writes only `.status` (the /status subresource): everything else
   * is kept as stored. Without it the main resource is written and `.status`
   * is kept as stored (unless `hasStatusSubresource` is false).
   */
  subresource?: 'status';
  /**
   * Whether the resource has a /status subresource. Resources without one
   * (ConfigMap, custom resources without it) write status with the main
   * resource. @defaultValue true
   */
  hasStatusSubresource?: boolean;
  /** Extra conditions, on top of metadata.resourceVersion in the object. */
  preconditions?: Preconditions;
  signal?: AbortSignal;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  preconditions?: Preconditions;
  /**
   * Foreground adds the `foregroundDeletion` finalizer, Orphan the `orphan`
   * finalizer (the garbage collector removes them), Background adds none.
   * @defaultValue 'Background'
   */
  propagationPolicy?: PropagationPolicy;
  /**
   * For resources with graceful deletion (pods) only: a positive value marks
   * the object terminating (deletionTimestamp = now + grace,
   * deletionGracePeriodSeconds) and keeps it until a delete with 0. Callers
   * pass it only for resources that support graceful deletion.
   * @defaultValue 0 (immediate, subject to finalizers)
   */
  gracePeriodSeconds?: number;
  signal?: AbortSignal;
}

export interface DeleteResult {
  /** The object as deleted (with its deletion resourceVersion), or as it now stands when it is kept. */
  object: KubeObject;
  /** True when the object is gone; false when finalizers or a grace period keep it. */
  deleted: boolean;
}

/**
 * How a list or watch's resourceVersion is interpreted (metav1.ListOptions):
 * unset = most recent; '0' = any (the store serves most recent); 'Exact' =
 * the state as of that version; 'NotOlderThan' = at least that new.
 */
export type ResourceVersionMatch = 'Exact' | 'NotOlderThan';

export interface ListOptions {
  /** Label selector as in `?labelSelector=` (e.g. `app=web,tier notin (db)`). */
  labelSelector?: string;
  /** Field selector as in `?fieldSelector=` (e.g. `spec.nodeName=n1`). */
  fieldSelector?: string;
  /** Page size; 0 or unset means everything. */
  limit?: number;
  /** Token from a previous page's `continue`. */
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  signal?: AbortSignal;
}

/** A page of a collection; items are objects, or their JSON texts (Store.listJson). */
export interface ObjectList<T = KubeObject> {
  items: T[];
  /** The snapshot the items come from; a watch from it misses nothing. */
  resourceVersion: string;
  /** Set when more items remain: pass as `continue` for the next page. */
  continue?: string;
  /** How many items remain after this page, when known. */
  remainingItemCount?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Changes after this version are delivered. Unset or '0': every current
   * object first arrives as ADDED, then the changes after that snapshot.
   */
  resourceVersion?: string;
  /** Periodic BOOKMARK events carrying the latest version this watch has passed. */
  allowBookmarks?: boolean;
  /**
   * With a resourceVersion, first send the state at that version as ADDED
   * events (watch-list); followed by a BOOKMARK annotated
   * `k8s.io/initial-events-end` when allowBookmarks is set.
   */
  sendInitialEvents?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  /**
   * The object after the change; for DELETED the last state with the
   * deletion's resourceVersion. For BOOKMARK only metadata.resourceVersion
   * (and annotations) are meaningful: the REST layer adds kind/apiVersion.
   */
  object: KubeObject;
}

/**
 * A running watch: iterate it for events. Ends (the iterator finishes) when
 * closed; ends by throwing a StoreError when it cannot continue (e.g. an
 * ExpiredError when it fell behind: resume from the last delivered version).
 */
export interface Watch extends AsyncIterable<WatchEvent> {
  /** Stops the watch; pending iteration finishes. Idempotent. */
  close(): void;
  /**
   * The next buffered event without waiting, for a consumer that delivers
   * each change synchronously as it is offered (no promise per event):
   * undefined when nothing is buffered now; done when the watch ended;
   * throws the StoreError the iterator would throw. Use either this or
   * the iterator, not both.
   */
  poll(): IteratorResult<WatchEvent> | undefined;
  /**
   * Calls `listener` synchronously whenever poll() may have something new
   * (an event was buffered or the watch ended), from inside the commit or
   * log read that offered it: it must return quickly and not throw. One
   * listener per watch; returns its removal.
   */
  onReadable(listener: () => void): () => void;
}
