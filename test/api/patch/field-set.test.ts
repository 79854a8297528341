import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldElement, keyElement, parseElement, pathString, serializeElement, valueElement, type PathElement } from '../../../src/api/patch/field-path.js';
import { FieldSet } from '../../../src/api/patch/field-set.js';
import type { JsonObject } from '../../../src/api/patch/json-value.js';

const f = fieldElement;

describe('field path elements', () => {
  const cases: { name: string; pe: PathElement; fieldsV1: string; printed: string }[] = [
    { name: 'a field is f:<name> and prints as .name', pe: f('spec'), fieldsV1: 'f:spec', printed: '.spec' },
    {
      name: 'a list item key is k:<JSON with sorted keys> and prints as [k=v,...]',
      pe: keyElement([
        ['protocol', 'TCP'],
        ['containerPort', 80],
      ]),
      fieldsV1: 'k:{"containerPort":80,"protocol":"TCP"}',
      printed: '[containerPort=80,protocol="TCP"]',
    },
    { name: 'a set member is v:<JSON> and prints as [=value]', pe: valueElement('example.com/finalizer'), fieldsV1: 'v:"example.com/finalizer"', printed: '[="example.com/finalizer"]' },
    { name: 'an index is i:<n>', pe: { kind: 'index', index: 3 }, fieldsV1: 'i:3', printed: '[3]' },
    { name: 'key values escape <, > and & as Go does', pe: keyElement([['name', 'a<b']]), fieldsV1: 'k:{"name":"a\\u003cb"}', printed: '[name="a<b"]' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(serializeElement(c.pe), c.fieldsV1);
      assert.deepEqual(parseElement(c.fieldsV1), c.pe);
      assert.equal(pathString([c.pe]), c.printed);
    });
  }

  it('a conflict path prints like the API server prints it', () => {
    assert.equal(pathString([f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('image')]), '.spec.template.spec.containers[name="nginx"].image');
  });
});

describe('field sets and their fieldsV1 form', () => {
  // managedFields of a Deployment created with `kubectl create deployment`, as a v1.33 API server records them.
  const recorded: JsonObject = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } },
          },
        },
      },
    },
  };

  it('round-trips through fieldsV1 with the same keys in the same order', () => {
    const set = FieldSet.fromFieldsV1(recorded);
    assert.equal(JSON.stringify(set.toFieldsV1()), JSON.stringify(recorded));
  });

  it('"." makes a parent a member; {} makes a leaf a member; children alone are not members', () => {
    const set = FieldSet.fromFieldsV1(recorded);
    assert.ok(set.has([f('metadata'), f('labels')]));
    assert.ok(set.has([f('metadata'), f('labels'), f('app')]));
    assert.ok(!set.has([f('metadata')]));
    assert.ok(!set.has([f('spec'), f('strategy')]));
    assert.ok(set.has([f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']])]));
  });

  it('iterates members depth first in field-path order', () => {
    const set = FieldSet.of([f('spec'), f('replicas')], [f('metadata'), f('labels'), f('b')], [f('metadata'), f('labels'), f('a')], [f('apiVersion')]);
    assert.deepEqual(set.paths().map(pathString), ['.apiVersion', '.metadata.labels.a', '.metadata.labels.b', '.spec.replicas']);
  });

  it('difference keeps children, recursive difference drops everything under a removed member', () => {
    const set = FieldSet.of([f('status')], [f('status'), f('replicas')], [f('spec'), f('replicas')]);
    const status = FieldSet.of([f('status')]);
    assert.deepEqual(set.difference(status).paths().map(pathString), ['.spec.replicas', '.status.replicas']);
    assert.deepEqual(set.recursiveDifference(status).paths().map(pathString), ['.spec.replicas']);
  });

  it('union and intersection combine members and children', () => {
    const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('paused')]);
    const b = FieldSet.of([f('spec'), f('replicas')], [f('metadata'), f('labels')]);
    assert.deepEqual(a.union(b).paths().map(pathString), ['.metadata.labels', '.spec.paused', '.spec.replicas']);
    assert.deepEqual(a.intersection(b).paths().map(pathString), ['.spec.replicas']);
  });

  it('unknown element types are skipped and malformed keys are errors', () => {
    assert.deepEqual(FieldSet.fromFieldsV1({ 'x:future': {}, 'f:a': {} }).paths().map(pathString), ['.a']);
    assert.throws(() => FieldSet.fromFieldsV1({ 'k:{not json': {} }), /invalid JSON/);
    assert.throws(() => FieldSet.fromFieldsV1({ nocolon: {} }), /missing colon/);
  });
});
