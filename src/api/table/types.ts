// meta.k8s.io/v1 Table, as `kubectl get` receives it from the server
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io).

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: string, integer, number, boolean, date. */
  type: string;
  /** Extra hint: 'name' marks the column kubectl uses for `-o name`-like output. */
  format: string;
  description: string;
  /** 0 = always shown; 1 = shown by `kubectl get -o wide` only. */
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata (default), the whole object (includeObject=Object) or absent (None). */
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: Record<string, unknown>;
  columnDefinitions?: TableColumnDefinition[];
  rows: TableRow[];
}

/** Shorthand for a column: type defaults to string, format to '', priority to 0. */
export function column(name: string, description: string, options: { type?: string; format?: string; priority?: number } = {}): TableColumnDefinition {
  return { name, type: options.type ?? 'string', format: options.format ?? '', description, priority: options.priority ?? 0 };
}
