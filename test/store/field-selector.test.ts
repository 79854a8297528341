import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../src/store/errors.js';
import { fieldsMatch, parseFieldSelector } from '../../src/store/field-selector.js';

describe('field selector parsing', () => {
  it('= and == select a value, != excludes it', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=n1,status.phase!=Running,metadata.name==web', '', 'pods').requirements, [
      { field: 'metadata.name', operator: '=', value: 'web' },
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
  });

  it('escaped commas and equals signs are part of the value', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=a\\,b\\=c', '', 'pods').requirements, [{ field: 'metadata.name', operator: '=', value: 'a,b=c' }]);
  });

  it('spec.host is the old name of spec.nodeName', () => {
    assert.deepEqual(parseFieldSelector('spec.host=n1', '', 'pods').requirements, [{ field: 'spec.nodeName', operator: '=', value: 'n1' }]);
  });

  it('events select on involvedObject fields', () => {
    assert.equal(parseFieldSelector('involvedObject.kind=Pod,involvedObject.name=web', '', 'events').requirements.length, 2);
  });

  const refused: [string, string, string, string, string][] = [
    ['an unknown field of a core resource', 'foo=bar', '', 'pods', 'field label not supported: foo'],
    ['a pod field on a service', 'spec.nodeName=n1', '', 'services', 'field label not supported: spec.nodeName'],
    ['an unknown field of an apps resource', 'spec.replicas=1', 'apps', 'deployments', '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['a term without an operator', 'metadata.name', '', 'pods', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['an unknown escape', 'metadata.name=a\\b', '', 'pods', 'invalid field selector: invalid escape sequence: \\b'],
  ];
  for (const [name, input, group, resource, message] of refused) {
    it(`${name} is refused with the API server's message`, () => {
      assert.throws(
        () => parseFieldSelector(input, group, resource),
        (err: unknown) => err instanceof BadRequestError && err.code === 400 && err.message === message,
      );
    });
  }
});

describe('field selector matching', () => {
  const pod = { metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  it('compares the field value', () => assert.equal(fieldsMatch(parseFieldSelector('spec.nodeName=n1', '', 'pods'), '', 'pods', pod), true));
  it('a missing string field reads as empty', () => assert.equal(fieldsMatch(parseFieldSelector('spec.nodeName=', '', 'pods'), '', 'pods', { metadata: {} }), true));
  it('a missing boolean field reads as false', () =>
    assert.equal(fieldsMatch(parseFieldSelector('spec.hostNetwork=false', '', 'pods'), '', 'pods', { metadata: {} }), true));
  it('!= excludes the value', () => assert.equal(fieldsMatch(parseFieldSelector('status.phase!=Running', '', 'pods'), '', 'pods', pod), false));
});
