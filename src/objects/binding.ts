// Binding a pod to a node (pods/<name>/binding): the one code path the REST
// subresource and the scheduler worker share. Optimistic: the write is
// conditional on the pod version read, so a concurrent binder gets Conflict,
// never a double bind. Before writing, the node's allocatable is re-checked
// against the pods bound to it now (bind-check.ts), with binds to one node
// serialized (NodeBindLock: within a process by default, across processes
// with the scheduler's PostgreSQL advisory lock), so scheduler replicas
// working from different snapshots cannot overcommit a node.

import { ApiError } from '../api/errors.js';
import type { Node, Pod } from '../kube/types.js';
import { bindConflicts } from '../scheduler/bind-check.js';
import { NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import type { ObjectService, ResourceRef, WriteOptions } from './service.js';

export interface BindResult {
  /** The pod as bound (before the PodScheduled condition was written). */
  pod: KubeObject;
  /** Whether the PodScheduled=True condition was written too. */
  conditionWritten: boolean;
}

/** What a lock may hand the bind it admits. */
export interface HeldNodeLock {
  /**
   * The pods bound to the node, read under the lock (a lock that takes a
   * database round trip anyway reads them in it). Undefined: bindPod lists them.
   */
  boundPods?: KubeObject[];
}

/**
 * Serializes binds to one node: `fn` (check, then write and commit) runs
 * while no other holder of the same lock binds to that node.
 */
export interface NodeBindLock {
  run<T>(cluster: string, nodeName: string, fn: (held: HeldNodeLock) => Promise<T>): Promise<T>;
}

export interface BindOptions extends WriteOptions {
  /** The pod's resourceVersion the caller decided on; a newer pod means Conflict. */
  resourceVersion?: string;
  /** Across which binders a node's binds are serialized. @defaultValue objects.nodeBindLock, else this process (PROCESS_NODE_LOCK) */
  nodeLock?: NodeBindLock;
  /**
   * The pod as the caller last saw it (a scheduler's cache), instead of a
   * read: the write is conditional on its resourceVersion, so a stale copy
   * means Conflict, never a wrong bind. @defaultValue read from the store
   */
  knownPod?: KubeObject;
  /** The node as the caller last saw it, for its allocatable. @defaultValue read from the store */
  knownNode?: KubeObject;
}

function conflict(name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": ${why}`, { name, kind: 'pods/binding' });
}

/**
 * Binds to one node through this lock run one at a time, in memory: enough
 * for binders sharing one process (the pods/binding handler, one scheduler).
 */
export class InProcessNodeLock implements NodeBindLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(cluster: string, nodeName: string, fn: (held: HeldNodeLock) => Promise<T>): Promise<T> {
    const key = `${cluster}\u0000${nodeName}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const admitted = (): Promise<T> => fn({});
    const run = previous.then(admitted, admitted);
    const settled = run.catch(() => undefined);
    this.tails.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    }
  }
}

/** The lock of binders that name none: one per process. */
export const PROCESS_NODE_LOCK: NodeBindLock = new InProcessNodeLock();

/** Places pod `namespace/name` on `nodeName` and marks it PodScheduled=True. */
export async function bindPod(objects: ObjectService, podsRef: ResourceRef, namespace: string, name: string, nodeName: string, options: BindOptions): Promise<BindResult> {
  // The pod and the node are read while the lock is being taken: the pod's
  // write is conditional on the version read anyway. Only the pods bound to
  // the node must be read under the lock. (The no-op catches keep a failed
  // read from being reported unhandled while the lock is awaited; awaiting
  // the read below still throws.)
  const podRead = options.knownPod !== undefined ? Promise.resolve(options.knownPod) : objects.get(podsRef, namespace, name, options.signal);
  const nodeRead = options.knownNode !== undefined ? Promise.resolve(options.knownNode) : nodeOrUndefined(objects, podsRef.cluster, nodeName, options.signal);
  podRead.catch(() => undefined);
  nodeRead.catch(() => undefined);
  return (options.nodeLock ?? objects.nodeBindLock ?? PROCESS_NODE_LOCK).run(podsRef.cluster, nodeName, async (held) => {
    const [pod, node, boundPods] = await Promise.all([
      podRead,
      nodeRead,
      held.boundPods ?? objects.list(podsRef, '', { fieldSelector: `spec.nodeName=${nodeName}`, ...(options.signal ? { signal: options.signal } : {}) }).then((list) => list.items),
    ]);
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw conflict(name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict(name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    if (options.resourceVersion !== undefined && pod.metadata.resourceVersion !== options.resourceVersion) {
      throw conflict(name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    // A node that does not exist is not checked: the API server accepts such
    // bindings too (the pod then waits for its node to register).
    if (node !== undefined) {
      const others = boundPods.filter((p) => p.metadata.uid !== pod.metadata.uid) as unknown as Pod[];
      const reasons = bindConflicts(pod as unknown as Pod, node as unknown as Node, others);
      if (reasons.length > 0) throw conflict(name, `node "${nodeName}" cannot fit the pod: ${reasons.join(', ')}`);
    }
    const writeOptions: WriteOptions = { requester: options.requester, ...(options.dryRun ? { dryRun: true } : {}), ...(options.fieldManager ? { fieldManager: options.fieldManager } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    const status = (pod.status ?? {}) as { conditions?: { type: string }[] };
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as { type: string });
    // One write for nodeName and the condition, as the API server's binding
    // storage does: the resource is addressed without its status split so
    // status travels with spec. Conditional on the version read: a concurrent
    // binder makes this a Conflict.
    const bindingRef: ResourceRef = { cluster: podsRef.cluster, resource: { ...podsRef.resource, hasStatus: false } };
    const next = { ...pod, spec: { ...(pod.spec as object), nodeName }, status: { ...status, conditions } };
    // The pod just read (or the caller's copy) is the update's current object:
    // no second read. The store checks its resourceVersion in the commit.
    const bound = await objects.update(bindingRef, namespace, name, next, { ...writeOptions, subresource: 'binding', current: pod });
    return { pod: bound, conditionWritten: !options.dryRun };
  });
}

async function nodeOrUndefined(objects: ObjectService, cluster: string, nodeName: string, signal: AbortSignal | undefined): Promise<KubeObject | undefined> {
  try {
    return await objects.get(objects.resource(cluster, '', 'v1', 'nodes'), '', nodeName, signal);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}
