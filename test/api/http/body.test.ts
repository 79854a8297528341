import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { MAX_BODY_BYTES, parseJson, parseYaml, parseYamlStream, readBody } from '../../../src/api/http/body.js';

function request(body: Buffer, headers: Record<string, string> = {}): IncomingMessage {
  const stream = Readable.from([body]) as unknown as IncomingMessage;
  stream.headers = headers;
  return stream;
}

function rejectsWith(fn: () => unknown, code: number, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('request bodies', () => {
  it('a body over 3 MiB is refused with 413 whether or not it declares its length', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 32);
    const variants: Record<string, string>[] = [{ 'content-length': String(big.length) }, {}];
    for (const headers of variants) {
      await assert.rejects(readBody(request(big, headers)), (err: unknown) => err instanceof ApiError && err.code === 413 && err.reason === 'RequestEntityTooLarge');
    }
  });

  it('a body within the limit is read whole', async () => {
    const body = Buffer.from('{"a":1}');
    assert.deepEqual(await readBody(request(body)), body);
  });

  it('invalid JSON is a 400 that says why', () => {
    rejectsWith(() => parseJson(Buffer.from('{"a":')), 400, 'BadRequest', /error decoding JSON/);
  });

  it('JSON nested deeper than the cap is refused before parsing', () => {
    rejectsWith(() => parseJson(Buffer.from('['.repeat(5000) + ']'.repeat(5000))), 400, 'BadRequest', /nests deeper/);
  });

  it('brackets inside strings do not count as nesting', () => {
    assert.deepEqual(parseJson(Buffer.from(JSON.stringify({ s: '['.repeat(500) }))), { s: '['.repeat(500) });
  });

  it('prototype-polluting keys are refused', () => {
    rejectsWith(() => parseJson(Buffer.from('{"metadata":{"__proto__":{"x":1}}}')), 400, 'BadRequest', /forbidden key "__proto__"/);
    rejectsWith(() => parseYaml('a:\n  constructor: 1\n'), 400, 'BadRequest', /forbidden key "constructor"/);
  });

  it('YAML alias bombs are refused', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const name of 'bcdefghi') bomb.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(',')}]`);
    rejectsWith(() => parseYaml(bomb.join('\n')), 400, 'BadRequest', /YAML/);
  });

  it('multi-document YAML yields each non-empty document', () => {
    assert.deepEqual(parseYamlStream('a: 1\n---\n---\nb: 2\n'), [{ a: 1 }, { b: 2 }]);
  });
});
