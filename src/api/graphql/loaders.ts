import DataLoader from 'dataloader';
import { serviceUnavailable } from '../errors.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import { NotFoundError } from '../../store/errors.js';
import type { KubeObject, ListOptions, ObjectList } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { parsedObjects } from './object-cache.js';

/** What one list read asks for; namespace '' means every namespace (or a cluster-scoped resource). */
export interface ListQuery {
  apiVersion: string;
  kind: string;
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}

const SEP = '\u0000';

function listKey(q: ListQuery): string {
  return [q.apiVersion, q.kind, q.labelSelector ?? '', q.fieldSelector ?? '', q.namespace].join(SEP);
}

function parseListKey(key: string): ListQuery {
  const [apiVersion = '', kind = '', labelSelector = '', fieldSelector = '', namespace = ''] = key.split(SEP);
  return { apiVersion, kind, namespace, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
}

/**
 * Per-request batched reads, so that a query walking relationships costs a
 * fixed number of store round trips however many objects it visits:
 * - every list of one resource asked for in one tick is one store list (lists
 *   of several namespaces become one all-namespaces list, partitioned here:
 *   the store has no "namespace IN (...)" read);
 * - gets of several objects of one resource become one list.
 * Results are cached for the request, so relationship fields share reads.
 */
export class Loaders {
  private readonly lists: DataLoader<string, ObjectList>;
  private readonly gets: DataLoader<string, KubeObject | null>;

  constructor(
    private readonly objects: ObjectService,
    private readonly cluster: string,
    private readonly signal: AbortSignal,
  ) {
    this.lists = new DataLoader((keys) => this.batchLists(keys));
    this.gets = new DataLoader((keys) => this.batchGets(keys));
  }

  ref(apiVersion: string, kind: string): ResourceRef {
    return this.objects.resourceForKind(this.cluster, apiVersion, kind);
  }

  /** Every object of a kind in a namespace ('' = all), with optional selectors. */
  list(query: ListQuery): Promise<ObjectList> {
    const ref = this.ref(query.apiVersion, query.kind);
    return this.lists.load(listKey({ ...query, namespace: ref.resource.namespaced ? query.namespace : '' }));
  }

  async items(query: ListQuery): Promise<KubeObject[]> {
    return (await this.list(query)).items;
  }

  /** One object, or null when it does not exist. */
  get(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | null> {
    const ref = this.ref(apiVersion, kind);
    return this.gets.load([apiVersion, kind, ref.resource.namespaced ? namespace : '', name].join(SEP));
  }

  private async batchLists(keys: readonly string[]): Promise<ObjectList[]> {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const prefix = key.slice(0, key.lastIndexOf(SEP));
      const namespaces = groups.get(prefix) ?? [];
      namespaces.push(key.slice(key.lastIndexOf(SEP) + 1));
      groups.set(prefix, namespaces);
    }
    const results = new Map<string, ObjectList>();
    await Promise.all(
      [...groups].map(async ([prefix, namespaces]) => {
        const query = parseListKey(`${prefix}${SEP}`);
        const ref = this.ref(query.apiVersion, query.kind);
        const options = { ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}), ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}), signal: this.signal };
        const unique = [...new Set(namespaces)];
        if (unique.length === 1) {
          const namespace = unique[0] ?? '';
          results.set(`${prefix}${SEP}${namespace}`, await this.readList(ref, namespace, options));
          return;
        }
        const all = await this.readList(ref, '', options);
        for (const namespace of unique) {
          const items = namespace === '' ? all.items : all.items.filter((o) => o.metadata.namespace === namespace);
          results.set(`${prefix}${SEP}${namespace}`, { items, resourceVersion: all.resourceVersion });
        }
      }),
    );
    return keys.map((key) => results.get(key) ?? { items: [], resourceVersion: '' });
  }

  /**
   * One store list. Items come from the process's parsed-object cache
   * (object-cache.ts): shared and frozen, never to be modified. Secrets are
   * parsed per request so their values do not outlive it in memory.
   */
  private async readList(ref: ResourceRef, namespace: string, options: ListOptions): Promise<ObjectList> {
    if (ref.resource.group === '' && ref.resource.kind === 'Secret') return this.objects.list(ref, namespace, options);
    const list = await this.objects.listJson(ref, namespace, options);
    return { ...list, items: list.items.map((text) => parsedObjects.parse(text)) };
  }

  private async batchGets(keys: readonly string[]): Promise<(KubeObject | null)[]> {
    const groups = new Map<string, Set<string>>();
    for (const key of keys) {
      const [apiVersion = '', kind = '', namespace = '', name = ''] = key.split(SEP);
      const group = [apiVersion, kind, namespace].join(SEP);
      const names = groups.get(group) ?? new Set<string>();
      names.add(name);
      groups.set(group, names);
    }
    const found = new Map<string, KubeObject | null>();
    await Promise.all(
      [...groups].map(async ([group, names]) => {
        const [apiVersion = '', kind = '', namespace = ''] = group.split(SEP);
        if (names.size === 1) {
          const name = [...names][0] ?? '';
          found.set(`${group}${SEP}${name}`, await this.getOne(apiVersion, kind, namespace, name));
          return;
        }
        const items = await this.items({ apiVersion, kind, namespace });
        const byName = new Map(items.map((o) => [o.metadata.name ?? '', o]));
        for (const name of names) found.set(`${group}${SEP}${name}`, byName.get(name) ?? null);
      }),
    );
    return keys.map((key) => found.get(key) ?? null);
  }

  private async getOne(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | null> {
    try {
      return await this.objects.get(this.ref(apiVersion, kind), namespace, name, this.signal);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }
}

// One set of loaders per request. A subscription's context lives as long as
// the subscription, so each delivered event starts afresh (resetLoaders).
const perContext = new WeakMap<GraphqlContext, Loaders>();

/** The request's loaders, created on first use. */
export function loadersFor(ctx: GraphqlContext): Loaders {
  let loaders = perContext.get(ctx);
  if (loaders === undefined) {
    loaders = new Loaders(objectsOf(ctx), ctx.cluster, ctx.signal);
    perContext.set(ctx, loaders);
  }
  return loaders;
}

/** Forgets cached reads: a subscription calls it before resolving each event. */
export function resetLoaders(ctx: GraphqlContext): void {
  perContext.delete(ctx);
}

export function objectsOf(ctx: GraphqlContext): ObjectService {
  if (ctx.objects === undefined) throw serviceUnavailable('objects are not served by this GraphQL endpoint');
  return ctx.objects;
}
