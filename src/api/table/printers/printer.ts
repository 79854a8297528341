// What a printer is: the columns of a kind and how one object becomes a row
// (pkg/printers/internalversion). The server always prints the wide form;
// kubectl hides priority-1 columns unless asked for -o wide.

import type { JsonObject } from '../../../admission/json.js';
import { timestampSince } from '../human-duration.js';
import type { TableColumnDefinition, TableRowCondition } from '../types.js';

export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

export interface Printer {
  columns: readonly TableColumnDefinition[];
  print(obj: JsonObject, now: number): PrintedRow;
}

/** The object's name and age, the first and usual last cells. */
export function nameOf(obj: JsonObject): string {
  const metadata = obj.metadata;
  return metadata !== null && typeof metadata === 'object' && typeof (metadata as JsonObject).name === 'string' ? ((metadata as JsonObject).name as string) : '';
}

export function ageOf(obj: JsonObject, now: number): string {
  const metadata = obj.metadata;
  return timestampSince(metadata !== null && typeof metadata === 'object' ? (metadata as JsonObject).creationTimestamp : undefined, now);
}
