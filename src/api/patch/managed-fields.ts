// metadata.managedFields: decoding entries into per-manager field sets and
// encoding them back in the order and shape the API server writes
// (apimachinery managedfields/internal/managedfields.go).

import { FieldSet } from './field-set.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** One metav1.ManagedFieldsEntry as JSON. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: ManagedFieldsOperation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: JsonObject;
  subresource?: string;
}

/** Who a manager is: the manager name, its operation and, for Update, the version it wrote. */
export interface ManagerInfo {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  subresource?: string;
}

/** What one manager owns. */
export interface ManagedSet {
  readonly info: ManagerInfo;
  readonly set: FieldSet;
  /** RFC 3339; absent when never recorded. */
  readonly time?: string;
}

/** Manager identifier -> what it owns. */
export type ManagedFields = Map<string, ManagedSet>;

export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

/**
 * The identifier that makes two entries the same manager (BuildManagerIdentifier):
 * the entry without time and fields, and, for Apply, without apiVersion, so one
 * applier keeps one entry across versions. Key order is metav1's JSON order.
 */
export function managerIdentifier(info: ManagerInfo): string {
  const id: Record<string, string> = {};
  if (info.manager !== '') id.manager = info.manager;
  id.operation = info.operation;
  if (info.operation === 'Update' && info.apiVersion !== '') id.apiVersion = info.apiVersion;
  if (info.subresource !== undefined && info.subresource !== '') id.subresource = info.subresource;
  return JSON.stringify(id);
}

/** Reads metadata.managedFields; throws ManagedFieldsError with upstream's wording for malformed entries. */
export function decodeManagedFields(entries: JsonValue | undefined): ManagedFields {
  const out: ManagedFields = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw, i) => {
    if (!isJsonObject(raw)) throw new ManagedFieldsError(`managed fields entry ${i} must be an object`);
    const entry = raw as ManagedFieldsEntry;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') throw new ManagedFieldsError('apiVersion must not be empty');
    if (entry.fieldsType === undefined || (entry.fieldsType as string) === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType "${String(entry.fieldsType)}" in managed fields entry ${i}`);
    const info: ManagerInfo = {
      manager: typeof entry.manager === 'string' ? entry.manager : '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      ...(typeof entry.subresource === 'string' && entry.subresource !== '' ? { subresource: entry.subresource } : {}),
    };
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(entry.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: error decoding set: ${(err as Error).message}`);
    }
    out.set(managerIdentifier(info), { info, set, ...(typeof entry.time === 'string' ? { time: entry.time } : {}) });
  });
  return out;
}

const seconds = (time: string | undefined): number => {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

/** metadata.managedFields for the managers, in the API server's order (operation, time, manager, version, subresource). */
export function encodeManagedFields(managed: ManagedFields): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [...managed.values()].map(({ info, set, time }) => {
    const entry: ManagedFieldsEntry = {};
    if (info.manager !== '') entry.manager = info.manager;
    entry.operation = info.operation;
    entry.apiVersion = info.apiVersion;
    if (time !== undefined) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = set.toFieldsV1();
    if (info.subresource !== undefined && info.subresource !== '') entry.subresource = info.subresource;
    return entry;
  });
  const text = (v: string | undefined): string => v ?? '';
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  entries.sort(
    (p, q) =>
      cmp(text(p.operation), text(q.operation)) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(text(p.manager), text(q.manager)) ||
      cmp(text(p.apiVersion), text(q.apiVersion)) ||
      cmp(text(p.subresource), text(q.subresource)),
  );
  return entries;
}

/** metav1.Time as the API server writes it: RFC 3339 in UTC, whole seconds. */
export function formatTime(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  // Every write in the same second stamps the same text: format it once.
  if (second !== lastSecond || Number.isNaN(second)) {
    lastText = `${now.toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastText;
}
let lastSecond = NaN;
let lastText = '';
