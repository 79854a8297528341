import type { ApiResource } from '../resources/types.js';
import type { KubeObject } from '../../store/types.js';
import type { JsonObject } from '../patch/json-value.js';
import { buildTable, type IncludeObject } from '../table/index.js';

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  /** `includeObject` query parameter: None, Metadata (default) or Object. */
  includeObject: string | null;
  listMeta: Record<string, unknown>;
}

const INCLUDE: ReadonlySet<string> = new Set(['None', 'Metadata', 'Object']);

/** A meta.k8s.io Table of objects, with the columns kubectl shows for the kind. */
export function renderTable(resource: ApiResource, objects: KubeObject[], options: TableOptions): Record<string, unknown> {
  const include = options.includeObject !== null && INCLUDE.has(options.includeObject) ? (options.includeObject as IncludeObject) : 'Metadata';
  return buildTable({ group: resource.group, kind: resource.kind }, objects as unknown as JsonObject[], {
    version: options.version,
    includeObject: include,
    listMetadata: options.listMeta,
  }) as unknown as Record<string, unknown>;
}
