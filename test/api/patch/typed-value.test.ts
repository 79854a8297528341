import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathString } from '../../../src/api/patch/field-path.js';
import type { JsonObject } from '../../../src/api/patch/json-value.js';
import { SchemaNode, type SchemaTable } from '../../../src/api/patch/patch-metadata.js';
import { compareValues, mergeValues, toFieldSet } from '../../../src/api/patch/typed-value.js';

// A root with a set of strings, a set of booleans and an associative list keyed
// by (key, id): the shapes structured-merge-diff's own merge tests use.
const TABLE: SchemaTable = {
  types: {
    root: {
      fields: {
        setStr: { listType: 'set' },
        setBool: { listType: 'set' },
        list: { type: 'element', listType: 'map', listMapKeys: ['key', 'id'] },
        atomicList: { listType: 'atomic' },
      },
    },
    element: { fields: {} },
  },
  roots: {},
};
const root = new SchemaNode(TABLE, TABLE.types.root, undefined);
const j = (text: string): JsonObject => JSON.parse(text) as JsonObject;

describe('merging an applied configuration into a live list keeps both orders (structured-merge-diff vectors)', () => {
  const cases: [string, string, string][] = [
    ['{"setStr":["a","b","c"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
    ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
    ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
    ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
    ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
    ['{"setStr":["a","b","c","d","e","f","g","h","i","j"]}', '{"setStr":["1","b","2","h","3","e","4","k","l"]}', '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
    ['{"setStr":["a","b","b"]}', '{"setStr":["c"]}', '{"setStr":["a","b","b","c"]}'],
    ['{"setStr":["a","b","b"]}', '{"setStr":["b"]}', '{"setStr":["a","b"]}'],
    ['{"setStr":["a","b","c","d","e","c"]}', '{"setStr":["1","b","2","c","e","d"]}', '{"setStr":["a","1","b","2","c","e","d"]}'],
    ['{"setStr":["a","a","b","b"]}', '{"setStr":["b","c","d"]}', '{"setStr":["a","a","b","c","d"]}'],
    ['{"setStr":["c","a","g","f","c","a"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
    ['{"setBool":[true,false,true]}', '{"setBool":[true]}', '{"setBool":[true,false]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":1}]}', '{"list":[{"key":"a","id":1},{"key":"a","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":1},{"key":"a","id":2}]}'],
    ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
    [
      '{"list":[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]}',
      '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
      '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
    ],
    ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{"list":[]}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
    ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
    ['{"key":"foo"}', '{"value":true}', '{"key":"foo","value":true}'],
  ];
  for (const [lhs, rhs, out] of cases) {
    it(`${lhs} + ${rhs}`, () => {
      assert.deepEqual(mergeValues(j(lhs), j(rhs), root), j(out));
    });
  }
});

describe('field sets and comparisons of typed values', () => {
  it('a value sets its leaves, list items, null fields and empty maps (members of a node before its children)', () => {
    const set = toFieldSet(j('{"setStr":["a"],"list":[{"key":"k","id":1,"v":{}}],"n":null,"m":{"x":1}}'), root);
    assert.deepEqual(set.paths().map(pathString), ['.n', '.list[id=1,key="k"]', '.list[id=1,key="k"].id', '.list[id=1,key="k"].key', '.list[id=1,key="k"].v', '.m.x', '.setStr[="a"]']);
  });

  it('a comparison reports added, modified and removed paths, a new map with its own path', () => {
    const change = compareValues(j('{"a":1,"b":{"c":1},"setStr":["x"]}'), j('{"a":2,"d":{"e":1},"setStr":["y"]}'), root);
    assert.deepEqual(change.modified.paths().map(pathString), ['.a']);
    assert.deepEqual(change.added.paths().map(pathString), ['.d', '.d.e', '.setStr[="y"]']);
    assert.deepEqual(change.removed.paths().map(pathString), ['.b', '.b.c', '.setStr[="x"]']);
  });
});
