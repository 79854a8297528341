// The registry of served resources: what REST routes by, discovery publishes
// and OpenAPI documents. Built from the table in builtin.ts; a cluster can get
// its own registry later (custom resources) through `extend`.
import crypto from 'node:crypto';
import { BUILTIN_RESOURCES, GROUP_ORDER } from './builtin.js';
import type { ApiGroup, ApiResource, GroupVersionKind, ResourceDefinition, SubresourceDefinition } from './types.js';

export type * from './types.js';
export { BUILTIN_RESOURCES } from './builtin.js';

/** base64(sha256("<group>/<version>/<Kind>")[0:8]), as k8s.io/apiserver's storageversionhash computes it. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return crypto.createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** The apiVersion string of a group/version: `v1` for core, `apps/v1` otherwise. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion (`v1`, `apps/v1`) into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function key(group: string, version: string, name: string): string {
  return `${group}/${version}/${name}`;
}

function groupRank(group: string): number {
  const index = GROUP_ORDER.indexOf(group);
  return index < 0 ? GROUP_ORDER.length : index;
}

function expand(def: ResourceDefinition): ApiResource[] {
  const preferredVersion = def.versions[0];
  if (preferredVersion === undefined) throw new Error(`resource ${def.resource}.${def.group} has no version`);
  const storage = def.storage ?? { group: def.group, version: preferredVersion, kind: def.kind };
  const hash = storageVersionHash(storage.group, storage.version, storage.kind);
  return def.versions.map((version) => {
    const subresources: SubresourceDefinition[] = (def.subresources ?? []).map((sub) => {
      const kind: GroupVersionKind = sub.kind ?? { group: def.group, version, kind: def.kind };
      const resolved: SubresourceDefinition = { name: sub.name, kind, verbs: sub.verbs, role: sub.role };
      if (sub.connect === true) resolved.connect = true;
      return resolved;
    });
    return {
      group: def.group,
      version,
      resource: def.resource,
      singularName: def.singularName,
      kind: def.kind,
      listKind: `${def.kind}List`,
      namespaced: def.namespaced,
      verbs: def.verbs,
      shortNames: def.shortNames ?? [],
      categories: def.categories ?? [],
      subresources,
      hasStatus: subresources.some((s) => s.name === 'status'),
      preferred: version === preferredVersion,
      storageVersionHash: hash,
    };
  });
}

/**
 * An immutable set of served resources with lookups by path, kind and the
 * names kubectl accepts. Build a new one (`extend`) to add resources.
 */
export class ResourceRegistry {
  readonly definitions: readonly ResourceDefinition[];
  private readonly all: readonly ApiResource[];
  private readonly byPath = new Map<string, ApiResource>();
  private readonly byKindKey = new Map<string, ApiResource>();
  private readonly groupList: readonly ApiGroup[];
  /** Changes whenever the set of served resources changes: discovery and OpenAPI ETags derive from it. */
  readonly fingerprint: string;

  constructor(definitions: readonly ResourceDefinition[]) {
    this.definitions = definitions;
    const all: ApiResource[] = [];
    const groups = new Map<string, string[]>();
    for (const def of definitions) {
      const versions = groups.get(def.group) ?? [];
      for (const v of def.versions) if (!versions.includes(v)) versions.push(v);
      groups.set(def.group, versions);
      for (const r of expand(def)) {
        const pathKey = key(r.group, r.version, r.resource);
        if (this.byPath.has(pathKey)) throw new Error(`resource ${r.resource} is defined twice in ${apiVersionOf(r.group, r.version)}`);
        this.byPath.set(pathKey, r);
        this.byKindKey.set(key(r.group, r.version, r.kind), r);
        all.push(r);
      }
    }
    this.all = all;
    this.groupList = [...groups.entries()]
      .sort(([a], [b]) => groupRank(a) - groupRank(b) || a.localeCompare(b))
      .map(([name, versions]) => {
        // The preferred version is the first one any resource of the group lists first.
        const preferredVersion = definitions.find((d) => d.group === name)?.versions[0] ?? versions[0] ?? 'v1';
        const ordered = [preferredVersion, ...versions.filter((v) => v !== preferredVersion)];
        return { name, versions: ordered, preferredVersion };
      });
    this.fingerprint = crypto.createHash('sha256').update(JSON.stringify(definitions)).digest('hex').slice(0, 32);
  }

  /** A registry with these resources added (custom resources of one cluster, later). */
  extend(definitions: readonly ResourceDefinition[]): ResourceRegistry {
    return new ResourceRegistry([...this.definitions, ...definitions]);
  }

  /** Every served resource in every version. */
  resources(): readonly ApiResource[] {
    return this.all;
  }

  /** Groups in discovery order, the core group ('') first. */
  groups(): readonly ApiGroup[] {
    return this.groupList;
  }

  group(name: string): ApiGroup | undefined {
    return this.groupList.find((g) => g.name === name);
  }

  /** The resources of one group/version, sorted by name as discovery lists them. */
  resourcesOf(group: string, version: string): ApiResource[] {
    return this.all.filter((r) => r.group === group && r.version === version).sort((a, b) => a.resource.localeCompare(b.resource));
  }

  /** The resource a REST path names: (group, version, plural). */
  lookup(group: string, version: string, resource: string): ApiResource | undefined {
    return this.byPath.get(key(group, version, resource));
  }

  /** A subresource of a resource, or undefined when it has none of that name. */
  subresource(resource: ApiResource, name: string): SubresourceDefinition | undefined {
    return resource.subresources.find((s) => s.name === name);
  }

  /** The resource serving a kind: in `version` when given, else in the group's preferred version. */
  byKind(group: string, kind: string, version?: string): ApiResource | undefined {
    if (version !== undefined) return this.byKindKey.get(key(group, version, kind));
    const preferred = this.group(group)?.preferredVersion;
    if (preferred !== undefined) {
      const found = this.byKindKey.get(key(group, preferred, kind));
      if (found) return found;
    }
    return this.all.find((r) => r.group === group && r.kind === kind);
  }

  /** Resources (preferred versions) with this short name; several groups may share one (`ev`). */
  byShortName(shortName: string): ApiResource[] {
    const name = shortName.toLowerCase();
    return this.all.filter((r) => r.preferred && r.shortNames.includes(name));
  }

  /**
   * Resolves what a person types (`po`, `pod`, `pods`, `Pod`, `deployments.apps`)
   * to resources in their preferred versions, core group first, the way kubectl's
   * RESTMapper does. An empty list means nothing matches.
   */
  resolve(name: string): ApiResource[] {
    const dot = name.indexOf('.');
    const bare = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
    const group = dot < 0 ? undefined : name.slice(dot + 1);
    const candidates = this.all.filter((r) => r.preferred && (group === undefined || r.group === group));
    const exact = candidates.filter((r) => r.resource === bare || r.singularName === bare || r.kind.toLowerCase() === bare);
    const matches = exact.length > 0 ? exact : candidates.filter((r) => r.shortNames.includes(bare));
    return matches.sort((a, b) => groupRank(a.group) - groupRank(b.group));
  }

  /** Resources in a category (`all`), preferred versions only. */
  inCategory(category: string): ApiResource[] {
    return this.all.filter((r) => r.preferred && r.categories.includes(category));
  }
}

/** The resources every cluster has. */
export const builtinRegistry = new ResourceRegistry(BUILTIN_RESOURCES);

/** Gives the registry that serves a cluster; every cluster shares the built-in one until custom resources exist. */
export type RegistryFor = (cluster: string) => ResourceRegistry;

export const builtinRegistryFor: RegistryFor = () => builtinRegistry;
