// Label selectors (`app=web,tier notin (db,cache),!canary`) parsed as
// apimachinery's labels.Parse does, with its grammar and its error messages,
// so a malformed selector is refused with the words kubectl users know.

import { BadRequestError } from './errors.js';
// Key and value syntax is apimachinery's util/validation, kept in one module.
import { isQualifiedName as qualifiedNameErrors, isValidLabelValue as labelValueErrors } from '../admission/validation/names.js';

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and unique, as apimachinery's sets.String.List() gives them. */
  values: string[];
}

/** A parsed label selector: the AND of its requirements (sorted by key). Empty matches everything. */
export interface LabelSelector {
  requirements: LabelRequirement[];
}

// field.Invalid(path, value, detail).Error(); a nil path prints as <nil>.
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

function goQuote(value: string): string {
  return JSON.stringify(value);
}

function goStringSlice(values: string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

// ---- lexer ----

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item {
  tok: Token;
  lit: string;
}

const LITERALS: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] as string)) pos++;
    if (pos >= input.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    const ch = input[pos] as string;
    if (isSpecial(ch)) {
      // Longest run of special symbols that is still an operator.
      let buffer = '';
      let last: Item | undefined;
      while (pos < input.length && isSpecial(input[pos] as string)) {
        buffer += input[pos];
        const tok = LITERALS[buffer];
        if (tok !== undefined) {
          last = { tok, lit: buffer };
          pos++;
        } else if (last !== undefined) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      while (pos < input.length && !isSpecial(input[pos] as string) && !isWhitespace(input[pos] as string)) buffer += input[pos++];
      const tok = LITERALS[buffer];
      items.push({ tok: tok ?? 'id', lit: buffer });
    }
  }
}

// ---- parser ----

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class ParseError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  // In a values context 'in' and 'notin' are plain identifiers.
  private lookahead(values: boolean): Item {
    const item = this.items[this.position] ?? { tok: 'eos', lit: '' };
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  private consume(values: boolean): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'eos') return requirements;
      if (tok !== 'id' && tok !== '!') throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof ParseError) throw new ParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.consume(true);
      if (next.tok === 'eos') return requirements;
      if (next.tok !== ',') throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.tok !== 'id' && after.tok !== '!') throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let operator: '!' | undefined;
    let item = this.consume(true);
    if (item.tok === '!') {
      operator = '!';
      item = this.consume(true);
    }
    if (item.tok !== 'id') throw new ParseError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw new ParseError(invalid('<nil>', key, keyErrors.join('; ')));
    // `!key` is complete by itself; whatever follows is the next token's problem.
    if (operator === '!') return newRequirement(key, '!', []);
    const next = this.lookahead(true).tok;
    if (next === 'eos' || next === ',') return newRequirement(key, 'exists', []);
    const op = this.consume(false);
    let binary: LabelOperator;
    switch (op.tok) {
      case 'in':
        binary = 'in';
        break;
      case 'notin':
        binary = 'notin';
        break;
      case '=':
        binary = '=';
        break;
      case '==':
        binary = '==';
        break;
      case '!=':
        binary = '!=';
        break;
      case '>':
        binary = 'gt';
        break;
      case '<':
        binary = 'lt';
        break;
      default:
        throw new ParseError(`found '${op.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const values = binary === 'in' || binary === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, binary, [...new Set(values)].sort());
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== '(') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === ')') {
      this.consume(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume(true).tok !== ')') throw new ParseError(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const item = this.consume(true);
      if (item.tok === 'id') {
        values.add(item.lit);
        const next = this.lookahead(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') return [...values];
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (item.tok === ',') {
        if (values.size === 0) values.add('');
        const next = this.lookahead(true);
        if (next.tok === ')') {
          values.add('');
          return [...values];
        }
        if (next.tok === ',') {
          this.consume(true);
          values.add('');
        }
      } else {
        throw new ParseError(`found '${item.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true);
    if (next.tok === 'eos' || next.tok === ',') return [''];
    const item = this.consume(true);
    if (item.tok === 'id') return [item.lit];
    throw new ParseError(`found '${item.lit}', expected: identifier`);
  }
}

// labels.NewRequirement's checks, aggregated as apimachinery aggregates them.
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) errs.push(invalid('key', key, keyErrors.join('; ')));
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    errs.push(`values: Invalid value: ${goStringSlice(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) {
    errs.push(`values: Invalid value: ${goStringSlice(values)}: exact-match compatibility requires one single value`);
  }
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errs.push(`values: Invalid value: ${goStringSlice(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
        errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const valueErrors = labelValueErrors(v);
    if (valueErrors.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, valueErrors.join('; ')));
  });
  if (errs.length === 1) throw new ParseError(errs[0]);
  if (errs.length > 1) throw new ParseError(`[${errs.join(', ')}]`);
  return { key, operator, values };
}

/** Parses `?labelSelector=`; throws BadRequestError with apimachinery's message when malformed. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (input === undefined || input.trim() === '') return { requirements: [] };
  try {
    const requirements = new Parser(lex(input)).parse();
    requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { requirements };
  } catch (err) {
    if (err instanceof ParseError) throw new BadRequestError(err.message);
    throw err;
  }
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value as string)) return false;
      const actual = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** Whether an object's labels satisfy the selector (the in-memory twin of the SQL form). */
export function labelsMatch(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}
