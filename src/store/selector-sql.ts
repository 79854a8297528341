// Label and field selectors as SQL conditions, so lists filter in PostgreSQL
// (GIN on labels, expression indexes for hot fields) instead of in memory.

import type { FieldSelector } from './field-selector.js';
import { fieldSpec } from './field-selector.js';
import type { LabelSelector } from './label-selector.js';

/** Positional parameters for one statement. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL expressions for the parts of a row selectors look at. */
export interface SelectorColumns {
  /** A jsonb object of labels (never null). */
  labels: string;
  /** The whole object as jsonb. */
  object: string;
  name: string;
  namespace: string;
}

// Path elements come from the field table, never from input; quoted all the same.
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export function labelConditions(selector: LabelSelector, cols: SelectorColumns, params: SqlParams): string[] {
  return selector.requirements.map((r) => {
    // Added only where used: an unused parameter has no type and fails the statement.
    const key = (): string => params.add(r.key);
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        // Containment (@>) is what the GIN index on labels answers.
        return `(${r.values.map((v) => `${cols.labels} @> ${params.add(JSON.stringify({ [r.key]: v }))}::jsonb`).join(' OR ')})`;
      case '!=':
      case 'notin':
        return `NOT COALESCE(${cols.labels}->>${key()} = ANY(${params.add(r.values)}::text[]), false)`;
      case 'exists':
        return `(${cols.labels} ? ${key()})`;
      case '!':
        return `NOT (${cols.labels} ? ${key()})`;
      case 'gt':
      case 'lt': {
        const op = r.operator === 'gt' ? '>' : '<';
        const value = `${cols.labels}->>${key()}`;
        // CASE keeps the cast from ever seeing a non-integer label.
        return `(CASE WHEN ${value} ~ '^[+-]?[0-9]{1,18}$' THEN (${value})::bigint ${op} ${params.add(r.values[0] ?? '0')}::bigint ELSE false END)`;
      }
      default:
        return 'false';
    }
  });
}

/**
 * The SQL expression a field selector compares. It must stay textually
 * identical to the expression indexes in the store migration
 * (`COALESCE("object"->'spec'->>'nodeName', '')`) for those to be used.
 */
export function fieldExpression(group: string, resource: string, field: string, cols: SelectorColumns): string {
  if (field === 'metadata.name') return cols.name;
  if (field === 'metadata.namespace') return cols.namespace;
  const spec = fieldSpec(group, resource, field);
  if (spec === undefined) return 'NULL';
  const parts = spec.path.map(literal);
  const last = parts.pop() as string;
  const chain = parts.map((p) => `->${p}`).join('');
  return `COALESCE(${cols.object}${chain}->>${last}, ${literal(spec.missing)})`;
}

export function fieldConditions(selector: FieldSelector, group: string, resource: string, cols: SelectorColumns, params: SqlParams): string[] {
  return selector.requirements.map((r) => `${fieldExpression(group, resource, r.field, cols)} ${r.operator === '=' ? '=' : '<>'} ${params.add(r.value)}`);
}
