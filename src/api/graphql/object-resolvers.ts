import { addQuantities, formatQuantity, parseQuantityJson, toMilli, type Quantity } from '../../kube/quantity.js';
import { podRequests } from '../../kube/resources.js';
import type { Pod } from '../../kube/types.js';
import type { KubeObject, ObjectMeta } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { connectionOf, type PageArgs } from './connection.js';
import { graphqlTypeOf, rawOf, TYPED_KINDS } from './kinds.js';
import { loadersFor, objectsOf } from './loaders.js';
import { eventsAbout, ownedObjects, ownerOf, podsOnNode, podsOwnedThrough, podsSelectedBy } from './relationships.js';

type Resolver<A = Record<string, never>> = (object: KubeObject, args: A, ctx: GraphqlContext) => unknown;

interface ListArgs extends PageArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
}

interface ContainerJson {
  name?: string;
  image?: string;
  resources?: unknown;
  ports?: unknown[];
}

interface ContainerStatusJson {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, Record<string, unknown> | undefined>;
  lastState?: Record<string, Record<string, unknown> | undefined>;
}

function field<T>(object: KubeObject, ...path: string[]): T | undefined {
  let value: unknown = object;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value as T | undefined;
}

/** A container state ({waiting|running|terminated: {...}}) flattened. */
export function flattenState(state: ContainerStatusJson['state']): Record<string, unknown> | null {
  if (state === undefined || state === null) return null;
  for (const name of ['running', 'waiting', 'terminated'] as const) {
    const detail = state[name];
    if (detail !== undefined && detail !== null) return { state: name, ...detail };
  }
  return { state: 'unknown' };
}

function amounts(list: ReadonlyMap<string, Quantity>): { resource: string; quantity: string; value: number }[] {
  return [...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([resource, q]) => ({ resource, quantity: formatQuantity(q), value: toMilli(q) / 1000 }));
}

function parseList(list: Record<string, unknown> | undefined): Map<string, Quantity> {
  const parsed = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(list ?? {})) {
    try {
      parsed.set(name, parseQuantityJson(value));
    } catch {
      // A malformed stored quantity is left out rather than failing the query.
    }
  }
  return parsed;
}

function isFinished(pod: KubeObject): boolean {
  const phase = field<string>(pod, 'status', 'phase');
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Requests of the given pods summed per resource. */
function allocatedBy(pods: readonly KubeObject[]): Map<string, Quantity> {
  const total = new Map<string, Quantity>();
  for (const pod of pods) {
    if (isFinished(pod)) continue;
    let requests: Map<string, Quantity>;
    try {
      requests = podRequests(pod as unknown as Pod);
    } catch {
      continue;
    }
    for (const [name, q] of requests) {
      const sum = total.get(name);
      total.set(name, sum === undefined ? q : addQuantities(sum, q));
    }
  }
  return total;
}

function quotaUsage(quotas: readonly KubeObject[]): { resource: string; hard: string; used: string }[] {
  const rows = new Map<string, { hard: Quantity; used: Quantity }>();
  for (const quota of quotas) {
    const hard = parseList(field(quota, 'status', 'hard') ?? field(quota, 'spec', 'hard'));
    const used = parseList(field(quota, 'status', 'used'));
    for (const [resource, h] of hard) {
      const u = used.get(resource) ?? parseQuantityJson('0');
      const row = rows.get(resource);
      // Several quotas on one resource: the tightest one is what binds.
      if (row === undefined || toMilli(h) < toMilli(row.hard)) rows.set(resource, { hard: h, used: u });
    }
  }
  return [...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([resource, r]) => ({ resource, hard: formatQuantity(r.hard), used: formatQuantity(r.used) }));
}

function podContainers(pod: KubeObject): unknown[] {
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatusJson[]; initContainerStatuses?: ContainerStatusJson[] };
  const podSpec = (pod.spec ?? {}) as { containers?: ContainerJson[]; initContainers?: ContainerJson[] };
  const statusOf = (name: string, init: boolean): ContainerStatusJson | undefined => (init ? status.initContainerStatuses : status.containerStatuses)?.find((s) => s.name === name);
  const rows: unknown[] = [];
  for (const [containers, init] of [[podSpec.initContainers, true], [podSpec.containers, false]] as const) {
    for (const c of containers ?? []) {
      const name = c.name ?? '';
      const s = statusOf(name, init);
      rows.push({ name, image: c.image, init, resources: c.resources, ports: c.ports, ready: s?.ready ?? false, restartCount: s?.restartCount ?? 0, state: flattenState(s?.state), status: s ?? null });
    }
  }
  return rows;
}

const common = {
  raw: (o: KubeObject) => rawOf(o),
  events: (o: KubeObject, _: unknown, ctx: GraphqlContext) => eventsAbout(loadersFor(ctx), o),
};

async function listConnection(ctx: GraphqlContext, apiVersion: string, kind: string, args: ListArgs): Promise<unknown> {
  const list = await loadersFor(ctx).list({
    apiVersion,
    kind,
    namespace: args.namespace ?? '',
    ...(args.labelSelector ? { labelSelector: args.labelSelector } : {}),
    ...(args.fieldSelector ? { fieldSelector: args.fieldSelector } : {}),
  });
  return connectionOf(list.items, list.resourceVersion, args, ctx.maxPageSize);
}

async function getObject(ctx: GraphqlContext, apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject> {
  const objects = objectsOf(ctx);
  return objects.get(objects.resourceForKind(ctx.cluster, apiVersion, kind), namespace, name, ctx.signal);
}

function queryResolvers(): Record<string, unknown> {
  const query: Record<string, unknown> = {
    resource: (_: unknown, a: { apiVersion: string; kind: string; namespace?: string | null; name: string }, ctx: GraphqlContext) => getObject(ctx, a.apiVersion, a.kind, a.namespace ?? '', a.name),
    resources: (_: unknown, a: ListArgs & { apiVersion: string; kind: string }, ctx: GraphqlContext) => listConnection(ctx, a.apiVersion, a.kind, a),
  };
  for (const k of TYPED_KINDS) {
    query[k.single] = (_: unknown, a: { namespace?: string; name: string }, ctx: GraphqlContext) => getObject(ctx, k.apiVersion, k.kind, a.namespace ?? '', a.name);
    query[k.plural] = (_: unknown, a: ListArgs, ctx: GraphqlContext) => listConnection(ctx, k.apiVersion, k.kind, a);
  }
  return query;
}

const kindResolvers: Record<string, Record<string, Resolver<never>>> = {
  Namespace: {
    resourceQuotas: (o, _, ctx) => loadersFor(ctx).items({ apiVersion: 'v1', kind: 'ResourceQuota', namespace: o.metadata.name ?? '' }),
    usage: async (o, _, ctx) => quotaUsage(await loadersFor(ctx).items({ apiVersion: 'v1', kind: 'ResourceQuota', namespace: o.metadata.name ?? '' })),
  },
  Node: {
    ready: (o) => (field<{ type: string; status: string }[]>(o, 'status', 'conditions') ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: (o) => field<boolean>(o, 'spec', 'unschedulable') === true,
    pods: (o, _, ctx) => podsOnNode(loadersFor(ctx), o),
    allocatable: (o) => amounts(parseList(field(o, 'status', 'allocatable') ?? field(o, 'status', 'capacity'))),
    allocated: async (o, _, ctx) => amounts(allocatedBy(await podsOnNode(loadersFor(ctx), o))),
  },
  Pod: {
    containers: (o) => podContainers(o),
    node: (o, _, ctx) => {
      const nodeName = field<string>(o, 'spec', 'nodeName');
      return nodeName ? loadersFor(ctx).get('v1', 'Node', '', nodeName) : null;
    },
    owner: (o, _, ctx) => ownerOf(loadersFor(ctx), o),
    restarts: (o) => (field<ContainerStatusJson[]>(o, 'status', 'containerStatuses') ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0),
  },
  Deployment: {
    replicaSets: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'apps/v1', 'ReplicaSet'),
    pods: (o, _, ctx) => podsOwnedThrough(loadersFor(ctx), o, 'apps/v1', 'ReplicaSet'),
  },
  ReplicaSet: {
    revision: (o) => {
      const revision = Number(o.metadata.annotations?.['deployment.kubernetes.io/revision']);
      return Number.isInteger(revision) ? revision : null;
    },
    pods: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'v1', 'Pod'),
    owner: (o, _, ctx) => ownerOf(loadersFor(ctx), o),
  },
  StatefulSet: { pods: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'v1', 'Pod') },
  DaemonSet: { pods: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'v1', 'Pod') },
  Job: {
    pods: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'v1', 'Pod'),
    owner: (o, _, ctx) => ownerOf(loadersFor(ctx), o),
  },
  CronJob: { jobs: (o, _, ctx) => ownedObjects(loadersFor(ctx), o, 'batch/v1', 'Job') },
  Service: {
    endpoints: (o, _, ctx) => loadersFor(ctx).get('v1', 'Endpoints', o.metadata.namespace ?? '', o.metadata.name ?? ''),
    pods: (o, _, ctx) => podsSelectedBy(loadersFor(ctx), o),
  },
  Endpoints: { subsets: (o) => (o.subsets as unknown[] | undefined) ?? [] },
  Ingress: {
    hosts: (o) => [...new Set((field<{ host?: string }[]>(o, 'spec', 'rules') ?? []).flatMap((r) => (r.host ? [r.host] : [])))],
  },
  ConfigMap: {
    data: (o) => o.data ?? {},
    binaryDataKeys: (o) => Object.keys((o.binaryData as Record<string, string> | undefined) ?? {}).sort(),
  },
  Secret: {
    keys: (o) => Object.keys((o.data as Record<string, string> | undefined) ?? {}).sort(),
    data: (o, a: { reveal: boolean }) => (a.reveal ? (o.data ?? {}) : null),
  },
  PersistentVolume: {
    claim: (o, _, ctx) => {
      const ref = field<{ namespace?: string; name?: string }>(o, 'spec', 'claimRef');
      return ref?.name ? loadersFor(ctx).get('v1', 'PersistentVolumeClaim', ref.namespace ?? '', ref.name) : null;
    },
  },
  PersistentVolumeClaim: {
    volume: (o, _, ctx) => {
      const volumeName = field<string>(o, 'spec', 'volumeName');
      return volumeName ? loadersFor(ctx).get('v1', 'PersistentVolume', '', volumeName) : null;
    },
  },
  ResourceQuota: { usage: (o) => quotaUsage([o]) },
  Event: {},
};

/** Resolvers of the object types and read queries (SDL in object-types.ts). */
export function objectResolvers(): Record<string, unknown> {
  const resolvers: Record<string, unknown> = {
    Query: queryResolvers(),
    KubeObject: { __resolveType: (o: KubeObject) => graphqlTypeOf(o) },
    GenericObject: common,
    ObjectMeta: {
      labels: (m: ObjectMeta) => m.labels ?? {},
      annotations: (m: ObjectMeta) => m.annotations ?? {},
      ownerReferences: (m: ObjectMeta) => m.ownerReferences ?? [],
      finalizers: (m: ObjectMeta) => m.finalizers ?? [],
    },
    ContainerStatus: {
      ready: (s: ContainerStatusJson) => s.ready ?? false,
      restartCount: (s: ContainerStatusJson) => s.restartCount ?? 0,
      state: (s: ContainerStatusJson) => flattenState(s.state) ?? { state: 'unknown' },
      lastState: (s: ContainerStatusJson) => flattenState(s.lastState),
    },
    PodSpec: { containers: (s: { containers?: unknown[] }) => s.containers ?? [] },
  };
  for (const k of TYPED_KINDS) resolvers[k.typeName] = { ...common, ...kindResolvers[k.typeName] };
  return resolvers;
}
