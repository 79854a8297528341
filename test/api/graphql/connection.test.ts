import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionOf } from '../../../src/api/graphql/connection.js';
import type { KubeObject } from '../../../src/store/types.js';

const obj = (namespace: string, name: string): KubeObject => ({ metadata: { namespace, name } });
const names = (c: ReturnType<typeof connectionOf>): string[] => c.nodes.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);

describe('GraphQL connections', () => {
  const items = [obj('b', 'x'), obj('a', 'z'), obj('a', 'y'), obj('c', 'a')];

  it('orders by namespace then name and counts every match', () => {
    const c = connectionOf(items, '42', {});
    assert.deepEqual(names(c), ['a/y', 'a/z', 'b/x', 'c/a']);
    assert.equal(c.totalCount, 4);
    assert.equal(c.resourceVersion, '42');
    assert.equal(c.pageInfo.hasNextPage, false);
  });

  it('pages with after = the previous endCursor, without gaps or repeats', () => {
    const first = connectionOf(items, '1', { first: 3 });
    assert.deepEqual(names(first), ['a/y', 'a/z', 'b/x']);
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = connectionOf(items, '1', { first: 3, after: first.pageInfo.endCursor });
    assert.deepEqual(names(second), ['c/a']);
    assert.equal(second.pageInfo.hasPreviousPage, true);
    assert.equal(second.pageInfo.hasNextPage, false);
  });

  it('keeps a cursor meaningful when the object it names is gone', () => {
    const first = connectionOf(items, '1', { first: 2 });
    const withoutZ = items.filter((o) => o.metadata.name !== 'z');
    assert.deepEqual(names(connectionOf(withoutZ, '2', { after: first.pageInfo.endCursor })), ['b/x', 'c/a']);
  });

  it('caps first at the page-size limit', () => {
    const many = Array.from({ length: 20 }, (_, i) => obj('ns', `o${String(i).padStart(2, '0')}`));
    const c = connectionOf(many, '1', { first: 1000 }, 5);
    assert.equal(c.nodes.length, 5);
    assert.equal(c.totalCount, 20);
    assert.equal(connectionOf(many, '1', {}, 7).nodes.length, 7);
  });

  it('refuses a negative first and a cursor it did not issue', () => {
    assert.throws(() => connectionOf(items, '1', { first: -1 }), { reason: 'BadRequest' });
    assert.throws(() => connectionOf(items, '1', { after: Buffer.from('{"a":1}').toString('base64url') }), { reason: 'BadRequest' });
  });
});
