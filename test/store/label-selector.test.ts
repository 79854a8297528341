import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../src/store/errors.js';
import { labelsMatch, parseLabelSelector } from '../../src/store/label-selector.js';

describe('label selector parsing', () => {
  const parses: [string, string, { key: string; operator: string; values: string[] }[]][] = [
    ['an empty selector selects everything', '', []],
    ['= is equality', 'app=web', [{ key: 'app', operator: '=', values: ['web'] }]],
    ['== is equality too', 'app==web', [{ key: 'app', operator: '==', values: ['web'] }]],
    ['!= is inequality', 'app!=web', [{ key: 'app', operator: '!=', values: ['web'] }]],
    ['in takes a set (sorted, unique)', 'env in (prod, dev,prod)', [{ key: 'env', operator: 'in', values: ['dev', 'prod'] }]],
    ['notin takes a set', 'env notin (qa)', [{ key: 'env', operator: 'notin', values: ['qa'] }]],
    ['a bare key means exists', 'tier', [{ key: 'tier', operator: 'exists', values: [] }]],
    ['!key means does not exist', '!canary', [{ key: 'canary', operator: '!', values: [] }]],
    ['requirements are sorted by key', 'b=1,a=2', [{ key: 'a', operator: '=', values: ['2'] }, { key: 'b', operator: '=', values: ['1'] }]],
    ['a prefixed key is allowed', 'app.kubernetes.io/name=web', [{ key: 'app.kubernetes.io/name', operator: '=', values: ['web'] }]],
    ['an empty value is allowed', 'app=', [{ key: 'app', operator: '=', values: [''] }]],
    ['() is the set holding the empty value', 'app in ()', [{ key: 'app', operator: 'in', values: [''] }]],
    ['in and notin are plain words in value position', 'x in (in,notin)', [{ key: 'x', operator: 'in', values: ['in', 'notin'] }]],
    ['gt compares integers', 'replicas>3', [{ key: 'replicas', operator: 'gt', values: ['3'] }]],
    ['whitespace is ignored around tokens', ' app = web , !x ', [{ key: 'app', operator: '=', values: ['web'] }, { key: 'x', operator: '!', values: [] }]],
  ];
  for (const [name, input, want] of parses) {
    it(name, () => assert.deepEqual(parseLabelSelector(input).requirements, want));
  }

  const qualifiedNameRule =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const labelValueRule =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  const malformed: [string, string, string][] = [
    ['two words with no operator', 'app web', "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"],
    ['in without parentheses', 'env in prod', "unable to parse requirement: found 'prod' expected: '('"],
    ['an unclosed set', 'env in (prod', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a trailing comma', 'app=web,', "found '', expected: identifier after ','"],
    ['a leading comma', ',app=web', "found ',', expected: !, identifier, or 'end of string'"],
    ['an operator with no key', '=web', "found '=', expected: !, identifier, or 'end of string'"],
    ['a key starting with a dash', '-app=web', `unable to parse requirement: <nil>: Invalid value: "-app": ${qualifiedNameRule}`],
    ['a value with a space-free illegal character', 'app=we$b', `unable to parse requirement: values[0][app]: Invalid value: "we$b": ${labelValueRule}`],
    ['gt with a word', 'replicas>three', `unable to parse requirement: values[0]: Invalid value: "three": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['!key followed by an operator', '!app=web', "found '=', expected: ',' or 'end of string'"],
  ];
  for (const [name, input, message] of malformed) {
    it(`${name} is refused with apimachinery's message`, () => {
      assert.throws(
        () => parseLabelSelector(input),
        (err: unknown) => {
          assert.ok(err instanceof BadRequestError);
          assert.equal(err.code, 400);
          assert.equal(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('label selector matching', () => {
  const cases: [string, string, Record<string, string>, boolean][] = [
    ['= needs the label with that value', 'app=web', { app: 'web' }, true],
    ['= fails without the label', 'app=web', {}, false],
    ['!= matches when the label is absent', 'app!=web', {}, true],
    ['!= fails on that value', 'app!=web', { app: 'web' }, false],
    ['in matches any listed value', 'env in (a,b)', { env: 'b' }, true],
    ['in fails when absent', 'env in (a,b)', {}, false],
    ['notin matches when absent', 'env notin (a)', {}, true],
    ['notin fails on a listed value', 'env notin (a)', { env: 'a' }, false],
    ['exists matches any value', 'env', { env: '' }, true],
    ['!key fails when present', '!env', { env: 'x' }, false],
    ['gt compares as integers', 'n>9', { n: '10' }, true],
    ['gt fails on a non-integer label', 'n>9', { n: 'ten' }, false],
    ['all requirements must hold', 'a=1,b=2', { a: '1', b: '3' }, false],
  ];
  for (const [name, selector, labels, want] of cases) {
    it(name, () => assert.equal(labelsMatch(parseLabelSelector(selector), labels), want));
  }
});
