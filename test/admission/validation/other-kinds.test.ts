import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createErrors, updateErrors } from './helpers.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const meta = (name = 'x'): Record<string, unknown> => ({ name, namespace: 'default' });

describe('secrets and config maps', () => {
  const SECRET = { group: '', kind: 'Secret' };
  const CONFIG_MAP = { group: '', kind: 'ConfigMap' };

  it('a TLS secret needs tls.crt and tls.key', () => {
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/tls', data: { 'tls.crt': b64('cert') } }), ['data[tls.key]: Required value']);
  });

  it('a docker config secret needs well-formed JSON under .dockerconfigjson', () => {
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/dockerconfigjson', data: {} }), ['data[.dockerconfigjson]: Required value']);
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } }), [
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'o\' in literal null (expecting \'u\')',
    ]);
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":') } }), [
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input',
    ]);
  });

  it('a basic-auth secret needs a username or a password', () => {
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/basic-auth', data: {} }), ['data[username]: Required value', 'data[password]: Required value']);
  });

  it('a service account token secret names its service account', () => {
    assert.deepEqual(createErrors(SECRET, { metadata: meta(), type: 'kubernetes.io/service-account-token' }), [
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
  });

  it('data keys must be config keys', () => {
    assert.deepEqual(createErrors(CONFIG_MAP, { metadata: meta(), data: { 'a b': '1', '..x': '2' } }), [
      "data[..x]: Invalid value: \"..x\": must not start with '..'",
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it('a config map over 1 MiB is too long', () => {
    assert.deepEqual(createErrors(CONFIG_MAP, { metadata: meta(), data: { big: 'x'.repeat(1024 * 1024) } }), [': Too long: may not be more than 1048576 bytes']);
  });

  it('an immutable config map keeps its data', () => {
    const old = { metadata: { ...meta(), resourceVersion: '1' }, immutable: true, data: { a: '1' } };
    assert.deepEqual(updateErrors(CONFIG_MAP, { ...old, data: { a: '2' } }, old), ['data: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(updateErrors(CONFIG_MAP, { ...old, immutable: false }, old), ['immutable: Forbidden: field is immutable when `immutable` is set']);
  });

  it('a secret\'s type is immutable', () => {
    const old = { metadata: meta(), type: 'Opaque', data: {} };
    assert.deepEqual(updateErrors(SECRET, { ...old, type: 'kubernetes.io/basic-auth', data: { username: b64('u') } }, old), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  });
});

describe('namespaces, volumes and claims', () => {
  it('a namespace finalizer must be standard or fully qualified', () => {
    assert.deepEqual(createErrors({ group: '', kind: 'Namespace' }, { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } }), [
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('a claim needs access modes and a storage request', () => {
    assert.deepEqual(createErrors({ group: '', kind: 'PersistentVolumeClaim' }, { metadata: meta(), spec: {} }), [
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('a bound claim may only grow its storage request', () => {
    const PVC = { group: '', kind: 'PersistentVolumeClaim' };
    const old = { metadata: meta(), spec: { accessModes: ['ReadWriteOnce'], volumeName: 'pv-1', resources: { requests: { storage: '1Gi' } } } };
    assert.deepEqual(updateErrors(PVC, { ...old, spec: { ...old.spec, resources: { requests: { storage: '2Gi' } } } }, old), []);
    const changed = updateErrors(PVC, { ...old, spec: { ...old.spec, accessModes: ['ReadWriteMany'] } }, old);
    assert.equal(changed.length, 1);
    assert.match(changed[0] ?? '', /^spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/);
  });

  it('a volume needs capacity, access modes and exactly one source', () => {
    assert.deepEqual(createErrors({ group: '', kind: 'PersistentVolume' }, { metadata: { name: 'pv' }, spec: {} }), [
      'spec.accessModes: Required value',
      'spec.capacity: Required value',
      'spec: Required value: must specify a volume type',
    ]);
  });
});

describe('the other groups', () => {
  it('an ingress path of type Prefix must be absolute and name its backend port', () => {
    const spec = { rules: [{ host: 'example.com', http: { paths: [{ path: 'api', pathType: 'Prefix', backend: { service: { name: 'web', port: {} } } }] } }] };
    assert.deepEqual(createErrors({ group: 'networking.k8s.io', kind: 'Ingress' }, { metadata: meta(), spec }), [
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
      'spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required',
    ]);
  });

  it('a role binding\'s role reference is immutable and must be a Role or ClusterRole', () => {
    const RB = { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' };
    const old = { metadata: meta(), roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'User', name: 'jane' }] };
    assert.deepEqual(updateErrors(RB, { ...old, roleRef: { kind: 'Role', name: 'writer' } }, old), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef',
    ]);
    assert.deepEqual(createErrors(RB, { ...old, roleRef: { kind: 'Group', name: 'x' } }), ['roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"']);
  });

  it('a role rule needs verbs and an API group', () => {
    assert.deepEqual(createErrors({ group: 'rbac.authorization.k8s.io', kind: 'Role' }, { metadata: meta(), rules: [{ resources: ['pods'] }] }), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    ]);
  });

  it('a disruption budget may not set both minAvailable and maxUnavailable', () => {
    const errors = createErrors({ group: 'policy', kind: 'PodDisruptionBudget' }, { metadata: meta(), spec: { minAvailable: 1, maxUnavailable: '10%', selector: { matchLabels: { a: 'b' } } } });
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^spec: Invalid value: policy\.PodDisruptionBudgetSpec\{.*\}: minAvailable and maxUnavailable cannot be both set$/);
  });

  it('priority classes above one billion and system- names are reserved', () => {
    const PC = { group: 'scheduling.k8s.io', kind: 'PriorityClass' };
    assert.deepEqual(createErrors(PC, { metadata: { name: 'system-custom' }, value: 2000000000 }), [
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved",
      'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    ]);
    const old = { metadata: { name: 'high' }, value: 10 };
    assert.deepEqual(updateErrors(PC, { ...old, value: 20 }, old), ['value: Forbidden: may not be changed in an update.']);
  });

  it('a storage class needs a provisioner and keeps its parameters', () => {
    const SC = { group: 'storage.k8s.io', kind: 'StorageClass' };
    assert.deepEqual(createErrors(SC, { metadata: { name: 'fast' } }), ['provisioner: Required value']);
    const old = { metadata: { name: 'fast' }, provisioner: 'example.com/disk', parameters: { type: 'ssd' } };
    assert.deepEqual(updateErrors(SC, { ...old, parameters: { type: 'hdd' } }, old), ['parameters: Forbidden: updates to parameters are forbidden.']);
  });

  it('an endpoint slice needs a known address type and valid addresses', () => {
    assert.deepEqual(createErrors({ group: 'discovery.k8s.io', kind: 'EndpointSlice' }, { metadata: meta(), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.999'] }] }), [
      'endpoints[0].addresses[0]: Invalid value: "10.0.0.999": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });

  it('a lease duration must be positive', () => {
    assert.deepEqual(createErrors({ group: 'coordination.k8s.io', kind: 'Lease' }, { metadata: meta(), spec: { leaseDurationSeconds: 0 } }), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ]);
  });

  it('a kind without specific rules still gets its metadata checked', () => {
    assert.deepEqual(createErrors({ group: 'example.com', kind: 'Widget' }, { metadata: { name: 'Bad_Name', namespace: 'd' } }).length, 1);
  });
});
