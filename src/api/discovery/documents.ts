// The discovery documents, built from a resource registry in the shapes the
// Kubernetes API server serves (meta/v1 APIVersions, APIGroupList, APIGroup,
// APIResourceList; apidiscovery.k8s.io/v2 APIGroupDiscoveryList).
import { apiVersionOf, type ApiResource, type ResourceRegistry } from '../resources/registry.js';
import type { AggregatedVersion } from './negotiate.js';

interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

const sorted = (verbs: readonly string[]): string[] => [...verbs].sort();

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(registry: ResourceRegistry, name: string): APIGroup | undefined {
  const group = registry.group(name);
  if (group === undefined) return undefined;
  return {
    name,
    versions: group.versions.map((version) => ({ groupVersion: apiVersionOf(name, version), version })),
    preferredVersion: { groupVersion: apiVersionOf(name, group.preferredVersion), version: group.preferredVersion },
  };
}

/** GET /apis/<group>. */
export function apiGroupDocument(registry: ResourceRegistry, name: string): object | undefined {
  const group = apiGroup(registry, name);
  return group && { kind: 'APIGroup', apiVersion: 'v1', ...group };
}

/** GET /apis: every named group (the core group is under /api). */
export function apiGroupList(registry: ResourceRegistry): object {
  const groups: APIGroup[] = [];
  for (const g of registry.groups()) {
    if (g.name === '') continue;
    const group = apiGroup(registry, g.name);
    if (group) groups.push(group);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** The APIResource entries of one resource: itself, then `<resource>/<subresource>` for each subresource. */
function apiResourceEntries(r: ApiResource): APIResource[] {
  const main: APIResource = { name: r.resource, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: sorted(r.verbs) };
  if (r.shortNames.length > 0) main.shortNames = [...r.shortNames];
  if (r.categories.length > 0) main.categories = [...r.categories];
  main.storageVersionHash = r.storageVersionHash;
  const entries = [main];
  for (const sub of r.subresources) {
    const entry: APIResource = { name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced, kind: sub.kind.kind, verbs: sorted(sub.verbs) };
    // Like the API server, name the group/version only when it is not the list's own.
    if (sub.kind.group !== r.group || sub.kind.version !== r.version) {
      entry.group = sub.kind.group;
      entry.version = sub.kind.version;
    }
    entries.push(entry);
  }
  return entries;
}

/** GET /api/v1 and /apis/<group>/<version>; undefined when the group/version is not served. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const resources = registry.resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  const entries = resources.flatMap(apiResourceEntries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groupVersion = apiVersionOf(group, version);
  // The core list has never carried apiVersion; the group lists do.
  return group === '' ? { kind: 'APIResourceList', groupVersion, resources: entries } : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: entries };
}

function resourceDiscovery(r: ApiResource): APIResourceDiscovery {
  const entry: APIResourceDiscovery = {
    resource: r.resource,
    // The API server leaves group/version empty for a resource's own kind.
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: sorted(r.verbs),
  };
  if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
  if (r.categories.length > 0) entry.categories = [...r.categories];
  if (r.subresources.length > 0) {
    entry.subresources = r.subresources.map((sub) => {
      const foreign = sub.kind.group !== r.group || sub.kind.version !== r.version;
      return {
        subresource: sub.name,
        responseKind: foreign ? { ...sub.kind } : { group: '', version: '', kind: sub.kind.kind },
        verbs: sorted(sub.verbs),
      };
    });
  }
  return entry;
}

function groupDiscovery(registry: ResourceRegistry, group: string): object {
  const g = registry.group(group);
  const versions = (g?.versions ?? []).map((version) => ({
    version,
    resources: registry.resourcesOf(group, version).map(resourceDiscovery),
    freshness: 'Current',
  }));
  const metadata = group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null };
  return { metadata, versions };
}

/** Aggregated discovery: the core group for /api, every named group for /apis. */
export function apiGroupDiscoveryList(registry: ResourceRegistry, root: 'api' | 'apis', version: AggregatedVersion): object {
  const groups = root === 'api' ? [''] : registry.groups().map((g) => g.name).filter((name) => name !== '');
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((name) => groupDiscovery(registry, name)),
  };
}
