import type { ApiResource } from '../resources/types.js';
import { apiVersionOf } from '../resources/registry.js';
import type { KubeObject, ObjectList } from '../../store/types.js';
import type { Representation } from './negotiate.js';
import { renderTable } from './tables.js';

/** metav1.PartialObjectMetadata of an object. */
function partial(object: KubeObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: object.metadata };
}

/** One object in the representation the client asked for. */
export function renderObject(resource: ApiResource, object: KubeObject, representation: Representation, query: URLSearchParams): unknown {
  switch (representation.kind) {
    case 'json':
      return object;
    case 'partial-metadata':
      return partial(object, representation.version);
    case 'table':
      return renderTable(resource, [object], { version: representation.version, includeObject: query.get('includeObject'), listMeta: {} });
  }
}

/** metav1.ListMeta of a list. */
export function listMeta(list: ObjectList<unknown>): Record<string, unknown> {
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  return metadata;
}

/** A list in the representation the client asked for. */
export function renderList(resource: ApiResource, list: ObjectList, representation: Representation, query: URLSearchParams): unknown {
  const metadata = listMeta(list);
  switch (representation.kind) {
    case 'json':
      return { kind: resource.listKind, apiVersion: apiVersionOf(resource.group, resource.version), metadata, items: list.items };
    case 'partial-metadata':
      return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${representation.version}`, metadata, items: list.items.map((o) => partial(o, representation.version)) };
    case 'table':
      return renderTable(resource, list.items, { version: representation.version, includeObject: query.get('includeObject'), listMeta: metadata });
  }
}
