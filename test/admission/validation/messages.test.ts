import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duplicate, errorBody, errorString, forbidden, invalid, notSupported, required, tooLong, tooMany } from '../../../src/admission/validation/field-errors.js';
import { path } from '../../../src/admission/validation/field-path.js';
import { goIntOrString, goLabelSelector, goQuote, goStringMap, goStringSlice } from '../../../src/admission/validation/go-value.js';
import { aggregateMessage, invalidError, invalidMessage } from '../../../src/admission/validation/invalid-error.js';

describe('field error messages', () => {
  const cases: [string, ReturnType<typeof required>, string][] = [
    ['required without detail', required(path('spec', 'selector')), 'spec.selector: Required value'],
    ['required with detail', required(path('metadata', 'name'), 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    ['invalid number', invalid(path('spec', 'replicas'), -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ['invalid string is quoted', invalid(path('metadata', 'name'), 'Web', 'bad'), 'metadata.name: Invalid value: "Web": bad'],
    ['invalid map prints as %#v', invalid('spec.template.metadata.labels', goStringMap({ b: '2', a: '1' }), 'x'), 'spec.template.metadata.labels: Invalid value: map[string]string{"a":"1", "b":"2"}: x'],
    ['duplicate', duplicate(path('spec', 'containers').index(1).child('name'), 'web'), 'spec.containers[1].name: Duplicate value: "web"'],
    ['not supported lists quoted values', notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']), 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ['forbidden shows no value', forbidden('spec', 'nope'), 'spec: Forbidden: nope'],
    ['too long shows the byte limit', tooLong('metadata.annotations', 262144), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    ['too many shows the count', tooMany('spec.endpoints[0].addresses', 101, 100), 'spec.endpoints[0].addresses: Too many: 101: must have at most 100 items'],
    ['null value', invalid('spec.x', null, 'y'), 'spec.x: Invalid value: null: y'],
  ];
  for (const [name, error, text] of cases) {
    it(`${name}: ${text}`, () => assert.equal(errorString(error), text));
  }

  it('the cause message is the error without its field', () => {
    assert.equal(errorBody(invalid('spec.replicas', -1, 'must be greater than or equal to 0')), 'Invalid value: -1: must be greater than or equal to 0');
  });

  it('field paths index lists and key maps', () => {
    assert.equal(path('spec', 'template', 'spec').child('containers').index(0).child('ports').index(2).child('name').toString(), 'spec.template.spec.containers[0].ports[2].name');
    assert.equal(path('data').key('tls.crt').toString(), 'data[tls.crt]');
  });
});

describe('Go value formatting', () => {
  it('strings are quoted and escaped like strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c\n\u0001é'), '"a\\"b\\\\c\\n\\x01é"');
  });
  it('nil maps and slices print with their type', () => {
    assert.equal(goStringMap(undefined).text, 'map[string]string(nil)');
    assert.equal(goStringSlice(undefined).text, '[]string(nil)');
    assert.equal(goStringSlice(['10.96.0.10']).text, '[]string{"10.96.0.10"}');
  });
  it('a label selector prints as metav1.LabelSelector', () => {
    assert.equal(goLabelSelector({ matchLabels: { app: 'web' } }).text, 'v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
    assert.equal(
      goLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }).text,
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"a"}}}}',
    );
  });
  it('an IntOrString prints as its struct', () => {
    assert.equal(goIntOrString(0).text, 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}');
    assert.equal(goIntOrString('120%').text, 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}');
  });
});

describe('the Invalid status', () => {
  const deployment = { group: 'apps', kind: 'Deployment' };
  const errors = [required('spec.selector'), invalid('spec.template.metadata.labels', goStringMap({ app: 'x' }), '`selector` does not match template `labels`')];

  it('several errors are bracketed and comma-separated', () => {
    assert.equal(
      invalidMessage(deployment, 'web', errors),
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`]',
    );
  });

  it('one error has no brackets, and a core kind has no group', () => {
    assert.equal(invalidMessage({ group: '', kind: 'Pod' }, 'p', [required('spec.containers')]), 'Pod "p" is invalid: spec.containers: Required value');
  });

  it('identical messages appear once in the text but every cause is kept', () => {
    const twice = [required('spec.containers'), required('spec.containers')];
    assert.equal(aggregateMessage(twice), 'spec.containers: Required value');
    assert.equal(invalidError({ group: '', kind: 'Pod' }, 'p', twice).details?.causes?.length, 2);
  });

  it('the error is a 422 with reason Invalid, kind, group, name and causes', () => {
    const err = invalidError(deployment, 'web', errors);
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.deepEqual(err.toStatus().details, {
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      causes: [
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
      ],
    });
  });

  it('a core kind has no group in its details', () => {
    assert.equal(invalidError({ group: '', kind: 'Pod' }, 'p', [required('spec.containers')]).details?.group, undefined);
  });
});
