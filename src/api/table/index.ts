// Server-side Table output (Accept: application/json;as=Table;g=meta.k8s.io).
export { buildTable, kubectlColumns, DEFAULT_COLUMNS, type IncludeObject, type TableOptions } from './build-table.js';
export { humanDuration, timestampSince } from './human-duration.js';
export { printerFor, type Printer, type PrintedRow } from './printers/index.js';
export type { Table, TableColumnDefinition, TableRow, TableRowCondition } from './types.js';
