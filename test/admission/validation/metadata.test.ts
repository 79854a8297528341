import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorString } from '../../../src/admission/validation/field-errors.js';
import { path } from '../../../src/admission/validation/field-path.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain, pathSegmentName } from '../../../src/admission/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../src/admission/validation/object-meta.js';
import { createErrors, createMessage, NGINX, pod, POD } from './helpers.js';

const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('name syntax', () => {
  it('a DNS subdomain allows dots but no capitals or underscores', () => {
    assert.deepEqual(isDNS1123Subdomain('web.example.com'), []);
    assert.deepEqual(isDNS1123Subdomain('Web_1'), [SUBDOMAIN_RULE]);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });
  it('a DNS label refuses dots with its own short message', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label('-a'), [LABEL_RULE]);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });
  it('a DNS-1035 label must start with a letter', () => {
    assert.deepEqual(isDNS1035Label('1web'), [DNS1035_RULE]);
    assert.deepEqual(isDNS1035Label('web1'), []);
  });
  it('qualified names check prefix and name parts separately', () => {
    assert.deepEqual(isQualifiedName('example.com/app'), []);
    assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('app_'), [QUALIFIED_NAME_RULE]);
    assert.equal(isQualifiedName('a/b/c')[0]?.startsWith('a qualified name must consist of'), true);
  });
  it('label values may be empty but not longer than 63', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('-x'), [LABEL_VALUE_RULE]);
    assert.deepEqual(isValidLabelValue('x'.repeat(64)), ['must be no more than 63 characters']);
  });
  it('a generateName prefix may end with a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('web-', false), [SUBDOMAIN_RULE]);
  });
  it('path-segment names refuse only . .. / and %', () => {
    assert.deepEqual(pathSegmentName('system:controller:foo', false), []);
    assert.deepEqual(pathSegmentName('..', false), ["may not be '..'"]);
    assert.deepEqual(pathSegmentName('a/b%', false), ["may not contain '/'", "may not contain '%'"]);
  });
});

describe('object metadata', () => {
  it('a pod with an invalid name is refused with the RFC 1123 subdomain rule', () => {
    assert.equal(createMessage(POD, pod({ containers: [NGINX] }, { name: 'Web_1' })), `Pod "Web_1" is invalid: metadata.name: Invalid value: "Web_1": ${SUBDOMAIN_RULE}`);
  });
  it('an object without name or generateName is refused', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX] }, { name: undefined })), ['metadata.name: Required value: name or generateName is required']);
  });
  it('a namespaced object needs a namespace and a cluster-scoped one must not have one', () => {
    const meta = { requiresNamespace: true, nameValidator: nameIsDNSSubdomain };
    assert.deepEqual(validateObjectMeta({ name: 'a' }, meta).map(errorString), ['metadata.namespace: Required value']);
    assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'x' }, { ...meta, requiresNamespace: false }).map(errorString), ['metadata.namespace: Forbidden: not allowed on this type']);
  });
  it('a namespace name must be a DNS label', () => {
    assert.deepEqual(createErrors({ group: '', kind: 'Namespace' }, { metadata: { name: 'team.a' } }), ['metadata.name: Invalid value: "team.a": must not contain dots']);
  });
  it('a service name must be a DNS-1035 label', () => {
    assert.deepEqual(createErrors({ group: '', kind: 'Service' }, { metadata: { name: '1web', namespace: 'd' }, spec: { ports: [{ port: 80 }] } }), [`metadata.name: Invalid value: "1web": ${DNS1035_RULE}`]);
  });
  it('RBAC names only need to be path segments', () => {
    assert.deepEqual(createErrors({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { metadata: { name: 'system:aggregate-to-view' }, rules: [] }), []);
  });
  it('bad label keys and values are reported with their rules', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX] }, { labels: { 'app_': 'ok', tier: '-x' } })), [
      `metadata.labels: Invalid value: "app_": ${QUALIFIED_NAME_RULE}`,
      `metadata.labels: Invalid value: "-x": ${LABEL_VALUE_RULE}`,
    ]);
  });
  it('annotations over 256 KiB in total are too long', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX] }, { annotations: { big: 'x'.repeat(262145) } })), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  });
  it('annotation keys are checked case-insensitively', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX] }, { annotations: { 'Example.COM/Owner': 'me' } })), []);
  });
  it('an invalid generateName is reported on generateName', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX] }, { name: undefined, generateName: 'Web-' })).slice(0, 1), [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_RULE}`]);
  });
  it('two controller owner references are refused', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
    ];
    const errs = createErrors(POD, pod({ containers: [NGINX] }, { ownerReferences: refs }));
    assert.equal(errs.length, 1);
    assert.match(errs[0] ?? '', /^metadata\.ownerReferences: Invalid value: .*: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/a and ReplicaSet\/b$/);
  });
  it('an update may not change name, namespace or uid and must carry a resourceVersion', () => {
    const old = { name: 'a', namespace: 'x', uid: 'u1', resourceVersion: '5' };
    assert.deepEqual(validateObjectMetaUpdate({ name: 'b', namespace: 'x', uid: 'u2' }, old, path('metadata')).map(errorString), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
  });
  it('no finalizer may be added to an object being deleted', () => {
    const old = { name: 'a', resourceVersion: '5', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['a.io/x'] };
    const now = { ...old, finalizers: ['a.io/x', 'b.io/y'] };
    assert.deepEqual(validateObjectMetaUpdate(now, old).map(errorString), ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}']);
  });
});
