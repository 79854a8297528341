import type { ApiResource } from '../resources/types.js';
import type { KubeObject } from '../../store/types.js';

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  /** `includeObject` query parameter: None, Metadata (default) or Object. */
  includeObject: string | null;
  listMeta: Record<string, unknown>;
}

/** How long ago, as kubectl prints ages (HumanDuration). */
export function humanAge(from: string | undefined, now: number = Date.now()): string {
  if (from === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 === 0 ? '' : `${seconds % 60}s`}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 === 0 ? '' : `${minutes % 60}m`}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 === 0 ? '' : `${hours % 24}h`}`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

function rowObject(object: KubeObject, version: string, includeObject: string | null): unknown {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: object.metadata };
}

/**
 * A meta.k8s.io Table of objects. Kind-specific printers plug in here; kinds
 * without one get NAME and AGE, as the API server's default table does.
 */
export function renderTable(resource: ApiResource, objects: KubeObject[], options: TableOptions): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: options.listMeta,
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
    ],
    rows: objects.map((object) => {
      const row: Record<string, unknown> = { cells: [object.metadata.name ?? '', humanAge(object.metadata.creationTimestamp)] };
      const embedded = rowObject(object, options.version, options.includeObject);
      if (embedded !== undefined) row.object = embedded;
      return row;
    }),
    ...(resource.kind === '' ? {} : {}),
  };
}
