// Builds the meta.k8s.io Table for a list or a single object, as the API
// server's TableConvertor does: the kind's printer in wide form (kubectl
// hides priority-1 columns itself), or Name and Created At for kinds with
// no printer; each row carries its object as the client asked.

import type { JsonObject } from '../../admission/json.js';
import type { KindRef } from '../../admission/kind-ref.js';
import { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './descriptions.js';
import { printerFor } from './printers/index.js';
import { column, type Table, type TableColumnDefinition, type TableRow } from './types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** meta.k8s.io version asked for in the Accept header. */
  version?: 'v1' | 'v1beta1';
  /** includeObject query parameter; Metadata (PartialObjectMetadata) by default. */
  includeObject?: IncludeObject;
  /** TableOptions.noHeaders: leave out the column definitions (kubectl asks for it on watch events after the first). */
  noHeaders?: boolean;
  /** The list's metadata (resourceVersion, continue, remainingItemCount). */
  listMetadata?: Record<string, unknown>;
  /** Milliseconds since the epoch that ages are measured against (Date.now() by default). */
  now?: number;
}

/** The default table's columns (registry/rest/table.go). */
export const DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [
  column('Name', NAME_DESCRIPTION, { format: 'name' }),
  column('Created At', CREATION_TIMESTAMP_DESCRIPTION, { type: 'date' }),
];

/** creationTimestamp in RFC 3339 UTC seconds; Go's zero time when absent. */
function createdAt(obj: JsonObject): string {
  const ts = (obj.metadata as JsonObject | undefined)?.creationTimestamp;
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function embedded(obj: JsonObject, version: string, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

export function buildTable(ref: KindRef, objects: readonly JsonObject[], options: TableOptions = {}): Table {
  const version = options.version ?? 'v1';
  const include = options.includeObject ?? 'Metadata';
  const now = options.now ?? Date.now();
  const printer = printerFor(ref);
  const rows: TableRow[] = objects.map((obj) => {
    const printed = printer !== undefined ? printer.print(obj, now) : { cells: [(obj.metadata as JsonObject | undefined)?.name ?? '', createdAt(obj)] };
    const row: TableRow = { cells: printed.cells };
    if ('conditions' in printed && printed.conditions !== undefined) row.conditions = printed.conditions;
    const object = embedded(obj, version, include);
    if (object !== undefined) row.object = object;
    return row;
  });
  const table: Table = { kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata: options.listMetadata ?? {}, rows };
  if (options.noHeaders !== true) table.columnDefinitions = [...(printer?.columns ?? DEFAULT_COLUMNS)];
  return table;
}

/** The column names kubectl prints for a kind (upper-cased), without and with -o wide. */
export function kubectlColumns(ref: KindRef, wide = false): string[] {
  const columns = printerFor(ref)?.columns ?? DEFAULT_COLUMNS;
  return columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
}
