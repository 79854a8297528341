// Field selectors (`spec.nodeName=n1,status.phase!=Running`) parsed as
// apimachinery's fields.ParseSelector does, limited to the fields each
// resource supports (the API server's field label conversion functions).

import { BadRequestError } from './errors.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** The AND of its requirements; empty matches everything. */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Where a selectable field lives in the object, and what a missing value reads as. */
export interface FieldSpec {
  path: readonly string[];
  /** Go's zero value as the field set prints it: '' for strings, 'false', '0'. */
  missing: string;
}

const str = (...path: string[]): FieldSpec => ({ path, missing: '' });
const bool = (...path: string[]): FieldSpec => ({ path, missing: 'false' });
const int = (...path: string[]): FieldSpec => ({ path, missing: '0' });

const META: Record<string, FieldSpec> = {
  'metadata.name': str('metadata', 'name'),
  'metadata.namespace': str('metadata', 'namespace'),
};

// Per group/resource, beyond metadata.name and metadata.namespace
// (k8s.io/kubernetes pkg/apis/*/v1 conversion.go AddFieldLabelConversionFunc).
const RESOURCE_FIELDS: Record<string, Record<string, FieldSpec>> = {
  '/pods': {
    'spec.nodeName': str('spec', 'nodeName'),
    'spec.restartPolicy': str('spec', 'restartPolicy'),
    'spec.schedulerName': str('spec', 'schedulerName'),
    'spec.serviceAccountName': str('spec', 'serviceAccountName'),
    'spec.hostNetwork': bool('spec', 'hostNetwork'),
    'status.phase': str('status', 'phase'),
    'status.podIP': str('status', 'podIP'),
    'status.nominatedNodeName': str('status', 'nominatedNodeName'),
  },
  '/events': {
    'involvedObject.kind': str('involvedObject', 'kind'),
    'involvedObject.namespace': str('involvedObject', 'namespace'),
    'involvedObject.name': str('involvedObject', 'name'),
    'involvedObject.uid': str('involvedObject', 'uid'),
    'involvedObject.apiVersion': str('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': str('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': str('involvedObject', 'fieldPath'),
    reason: str('reason'),
    reportingComponent: str('reportingComponent'),
    source: str('source', 'component'),
    type: str('type'),
  },
  '/nodes': { 'spec.unschedulable': bool('spec', 'unschedulable') },
  '/namespaces': { 'status.phase': str('status', 'phase') },
  '/secrets': { type: str('type') },
  '/replicationcontrollers': { 'status.replicas': int('status', 'replicas') },
  'batch/jobs': { 'status.successful': int('status', 'successful') },
  'events.k8s.io/events': {
    'regarding.kind': str('regarding', 'kind'),
    'regarding.namespace': str('regarding', 'namespace'),
    'regarding.name': str('regarding', 'name'),
    'regarding.uid': str('regarding', 'uid'),
    'regarding.apiVersion': str('regarding', 'apiVersion'),
    'regarding.resourceVersion': str('regarding', 'resourceVersion'),
    'regarding.fieldPath': str('regarding', 'fieldPath'),
    reason: str('reason'),
    reportingController: str('reportingController'),
    type: str('type'),
  },
  'certificates.k8s.io/certificatesigningrequests': { 'spec.signerName': str('spec', 'signerName') },
};

// Old clients' spelling the API server still accepts.
const ALIASES: Record<string, Record<string, string>> = { '/pods': { 'spec.host': 'spec.nodeName' } };

/** The field spec for a selectable field of a resource, or undefined when it cannot be selected on. */
export function fieldSpec(group: string, resource: string, field: string): FieldSpec | undefined {
  return META[field] ?? RESOURCE_FIELDS[`${group}/${resource}`]?.[field];
}

function unsupported(group: string, field: string): BadRequestError {
  // Types with their own conversion function word it one way, the rest
  // fall back to runtime.DefaultMetaV1FieldSelectorConversion.
  if (group === '' || group === 'batch' || group === 'events.k8s.io' || group === 'certificates.k8s.io') {
    return new BadRequestError(`field label not supported: ${field}`);
  }
  return new BadRequestError(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

// Splits on commas not escaped by a backslash (fields.splitTerms).
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === ',') {
      terms.push(input.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(input.slice(start));
  return terms;
}

// The first unescaped operator, trying != and == before = at each position (fields.splitTerm).
function splitTerm(term: string): [string, '=' | '!=' | '==', string] | undefined {
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new BadRequestError(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v: its code point.
      throw new BadRequestError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (escaped) throw new BadRequestError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses `?fieldSelector=` for one resource. Malformed selectors and fields the
 * resource does not support are refused with BadRequestError in the API server's words.
 */
export function parseFieldSelector(input: string | undefined, group: string, resource: string): FieldSelector {
  if (input === undefined || input.trim() === '') return { requirements: [] };
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(input).sort()) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (split === undefined) throw new BadRequestError(`invalid selector: '${input}'; can't understand '${term}'`);
    const [lhs, op, rhs] = split;
    const value = unescapeValue(rhs);
    const field = ALIASES[`${group}/${resource}`]?.[lhs] ?? lhs;
    if (fieldSpec(group, resource, field) === undefined) throw unsupported(group, lhs);
    requirements.push({ field, operator: op === '!=' ? '!=' : '=', value });
  }
  return { requirements };
}

/** The field's value as the API server's field set would print it. */
export function fieldValue(object: unknown, spec: FieldSpec): string {
  let cursor: unknown = object;
  for (const part of spec.path) {
    if (typeof cursor !== 'object' || cursor === null) return spec.missing;
    cursor = (cursor as Record<string, unknown>)[part];
  }
  if (cursor === undefined || cursor === null) return spec.missing;
  if (typeof cursor === 'string') return cursor;
  if (typeof cursor === 'number' || typeof cursor === 'boolean') return String(cursor);
  return JSON.stringify(cursor);
}

/** Whether an object satisfies the selector (the in-memory twin of the SQL form). */
export function fieldsMatch(selector: FieldSelector, group: string, resource: string, object: unknown): boolean {
  return selector.requirements.every((r) => {
    const spec = fieldSpec(group, resource, r.field);
    if (spec === undefined) return false;
    const actual = fieldValue(object, spec);
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}
