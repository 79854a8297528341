import type { KubeObject, OwnerReference } from '../../store/types.js';
import type { Loaders } from './loaders.js';

// How objects point at each other, resolved through the request's loaders so
// that a field asked for on many objects costs one read, not one per object.

function spec<T>(object: KubeObject): T {
  return (object.spec ?? {}) as T;
}

function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? '';
}

export function controllerRef(object: KubeObject): OwnerReference | undefined {
  const refs = object.metadata.ownerReferences ?? [];
  return refs.find((r) => r.controller === true) ?? refs[0];
}

// Indexes over a request's cached lists, built once per list and reused by
// every object asking (a dashboard asks "pods of this owner" hundreds of times).
type Index = Map<string, KubeObject[]>;
const indexes = new WeakMap<readonly KubeObject[], Map<string, Index>>();

function indexBy(items: readonly KubeObject[], name: string, keys: (o: KubeObject) => Iterable<string>): Index {
  let byName = indexes.get(items);
  if (byName === undefined) {
    byName = new Map();
    indexes.set(items, byName);
  }
  let index = byName.get(name);
  if (index === undefined) {
    index = new Map();
    for (const item of items) {
      for (const key of keys(item)) {
        const bucket = index.get(key);
        if (bucket === undefined) index.set(key, [item]);
        else bucket.push(item);
      }
    }
    byName.set(name, index);
  }
  return index;
}

const ownerUids = (o: KubeObject): Iterable<string> => new Set((o.metadata.ownerReferences ?? []).map((r) => r.uid));

function ownedBy(items: readonly KubeObject[], uids: Iterable<string>): KubeObject[] {
  const index = indexBy(items, 'owner', ownerUids);
  return [...uids].flatMap((uid) => index.get(uid) ?? []);
}

/** The object's controller owner, if it (still) exists with the referenced uid. */
export async function ownerOf(loaders: Loaders, object: KubeObject): Promise<KubeObject | null> {
  const ref = controllerRef(object);
  if (ref === undefined) return null;
  let owner: KubeObject | null;
  try {
    owner = await loaders.get(ref.apiVersion, ref.kind, namespaceOf(object), ref.name);
  } catch {
    // An owner of a kind this cluster does not serve cannot be shown.
    return null;
  }
  return owner !== null && owner.metadata.uid === ref.uid ? owner : null;
}

/** Objects of a kind in the object's namespace that it owns. */
export async function ownedObjects(loaders: Loaders, owner: KubeObject, apiVersion: string, kind: string): Promise<KubeObject[]> {
  const items = await loaders.items({ apiVersion, kind, namespace: namespaceOf(owner) });
  return ownedBy(items, [owner.metadata.uid ?? '']);
}

/** Pods owned by the object, or by the objects it owns of `viaKind` (Deployment -> ReplicaSet -> Pod). */
export async function podsOwnedThrough(loaders: Loaders, owner: KubeObject, viaApiVersion: string, viaKind: string): Promise<KubeObject[]> {
  // One read after the other, although the pods do not depend on the
  // intermediates: with the (large) pods list running beside the replica-set
  // list, 2-5 % of dashboard queries took ~80 ms longer (p99 132-135 ms against
  // 68-69 ms sequential, p50 equal or better sequential; bench:graphql A/B pairs,
  // API and PostgreSQL sharing 2 vCPUs as an embedded deployment does). Why the
  // overlap costs that much is not understood yet (docs/benchmarks/graphql.md).
  const intermediates = await ownedObjects(loaders, owner, viaApiVersion, viaKind);
  const pods = await loaders.items({ apiVersion: 'v1', kind: 'Pod', namespace: namespaceOf(owner) });
  return ownedBy(pods, new Set(intermediates.map((o) => o.metadata.uid ?? '')));
}

export async function podsOnNode(loaders: Loaders, node: KubeObject): Promise<KubeObject[]> {
  const pods = await loaders.items({ apiVersion: 'v1', kind: 'Pod', namespace: '' });
  const index = indexBy(pods, 'node', (p) => {
    const nodeName = spec<{ nodeName?: string }>(p).nodeName;
    return nodeName ? [nodeName] : [];
  });
  return index.get(node.metadata.name ?? '') ?? [];
}

/** Events about the object (involvedObject.uid), oldest first. */
export async function eventsAbout(loaders: Loaders, object: KubeObject): Promise<KubeObject[]> {
  // Events of a cluster-scoped object (a Node) live in the default namespace.
  const namespace = namespaceOf(object) || 'default';
  const events = await loaders.items({ apiVersion: 'v1', kind: 'Event', namespace });
  const index = indexBy(events, 'involvedObject', (e) => {
    const uid = (e.involvedObject as { uid?: string } | undefined)?.uid;
    return uid ? [uid] : [];
  });
  const about = [...(index.get(object.metadata.uid ?? '') ?? [])];
  const time = (e: KubeObject): string => String(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
  return about.sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : 0));
}

/** Pods in the service's namespace matching its selector (equality on every key, as Services select). */
export async function podsSelectedBy(loaders: Loaders, service: KubeObject): Promise<KubeObject[]> {
  const selector = spec<{ selector?: Record<string, string> }>(service).selector;
  if (selector === undefined || Object.keys(selector).length === 0) return [];
  const pods = await loaders.items({ apiVersion: 'v1', kind: 'Pod', namespace: namespaceOf(service) });
  return pods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
}
