import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultServiceIPFamilies, setDefaults } from '../../../src/admission/defaults/index.js';
import type { JsonObject } from '../../../src/admission/json.js';
import { errorString } from '../../../src/admission/validation/field-errors.js';

const SERVICE = { group: '', kind: 'Service' };

describe('service defaults', () => {
  // `kubectl expose deployment web --port=80` as a v1.33 server stores it (before allocation).
  it('a minimal Service gets ClusterIP type, no affinity, TCP ports and targetPort = port', () => {
    const service: JsonObject = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    setDefaults(SERVICE, service);
    assert.equal(defaultServiceIPFamilies(service, undefined).length, 0);
    assert.deepEqual(service.spec, {
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
    assert.deepEqual(service.status, { loadBalancer: {} });
  });

  it('a NodePort service gets externalTrafficPolicy Cluster', () => {
    const service: JsonObject = { metadata: {}, spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } };
    setDefaults(SERVICE, service);
    const spec = service.spec as JsonObject;
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    assert.deepEqual(spec.ports, [{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('a LoadBalancer service allocates node ports by default', () => {
    const service: JsonObject = { metadata: {}, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } };
    setDefaults(SERVICE, service);
    assert.equal((service.spec as JsonObject).allocateLoadBalancerNodePorts, true);
  });

  it('ClientIP affinity gets the three-hour timeout', () => {
    const service: JsonObject = { metadata: {}, spec: { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } };
    setDefaults(SERVICE, service);
    assert.deepEqual((service.spec as JsonObject).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });

  it('an ExternalName service gets no traffic policy and no IP families', () => {
    const service: JsonObject = { metadata: {}, spec: { type: 'ExternalName', externalName: 'example.com' } };
    setDefaults(SERVICE, service);
    assert.deepEqual(defaultServiceIPFamilies(service, undefined), []);
    assert.deepEqual(service.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  });

  it('a headless service without selector asks for both families', () => {
    const service: JsonObject = { metadata: {}, spec: { clusterIP: 'None', ports: [{ port: 80 }] } };
    setDefaults(SERVICE, service);
    defaultServiceIPFamilies(service, undefined);
    const spec = service.spec as JsonObject;
    assert.equal(spec.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(spec.ipFamilies, ['IPv4', 'IPv6']);
  });

  it('demanding dual-stack on a single-stack cluster is refused', () => {
    const service: JsonObject = { metadata: {}, spec: { ipFamilyPolicy: 'RequireDualStack', selector: { a: 'b' }, ports: [{ port: 80 }] } };
    const errs = defaultServiceIPFamilies(service, undefined).map(errorString);
    assert.deepEqual(errs, ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']);
  });

  it('an update without a policy keeps the stored one', () => {
    const service: JsonObject = { metadata: {}, spec: { selector: { a: 'b' } } };
    defaultServiceIPFamilies(service, { spec: { ipFamilyPolicy: 'PreferDualStack' } });
    assert.equal((service.spec as JsonObject).ipFamilyPolicy, 'PreferDualStack');
  });
});

describe('defaults of the other kinds', () => {
  const cases: { name: string; group: string; kind: string; input: JsonObject; expect: (obj: JsonObject) => void }[] = [
    {
      name: 'a Namespace is labelled with its name, is Active and has the kubernetes finalizer',
      group: '',
      kind: 'Namespace',
      input: { metadata: { name: 'team-a' } },
      expect: (obj) => assert.deepEqual(obj, { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } }, status: { phase: 'Active' }, spec: { finalizers: ['kubernetes'] } }),
    },
    {
      name: 'a Secret without type is Opaque',
      group: '',
      kind: 'Secret',
      input: { metadata: { name: 's' }, data: {} },
      expect: (obj) => assert.equal(obj.type, 'Opaque'),
    },
    {
      name: 'a Secret\'s stringData is folded into data, base64-encoded, and dropped',
      group: '',
      kind: 'Secret',
      input: { metadata: { name: 's' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'new', c: 'héllo' } },
      expect: (obj) => assert.deepEqual(obj, { metadata: { name: 's' }, type: 'Opaque', data: { a: 'eA==', b: 'bmV3', c: 'aMOpbGxv' } }),
    },
    {
      name: 'a PersistentVolume is Pending, Retain and Filesystem',
      group: '',
      kind: 'PersistentVolume',
      input: { metadata: { name: 'pv' }, spec: { capacity: { storage: '1024Mi' }, hostPath: { path: '/d' } } },
      expect: (obj) =>
        assert.deepEqual(obj, {
          metadata: { name: 'pv' },
          spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/d', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        }),
    },
    {
      name: 'a PersistentVolumeClaim is Pending and Filesystem',
      group: '',
      kind: 'PersistentVolumeClaim',
      input: { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      expect: (obj) => {
        assert.equal((obj.spec as JsonObject).volumeMode, 'Filesystem');
        assert.deepEqual(obj.status, { phase: 'Pending' });
      },
    },
    {
      name: 'Endpoints ports default to TCP',
      group: '',
      kind: 'Endpoints',
      input: { metadata: {}, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
      expect: (obj) => assert.deepEqual(obj.subsets, [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]),
    },
    {
      name: 'a container LimitRange item fills default limits from max and default requests from them',
      group: '',
      kind: 'LimitRange',
      input: { metadata: {}, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } },
      expect: (obj) =>
        assert.deepEqual((obj.spec as JsonObject).limits, [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } }]),
    },
    {
      name: 'a Node with capacity but no allocatable gets allocatable = capacity',
      group: '',
      kind: 'Node',
      input: { metadata: { name: 'n' }, status: { capacity: { cpu: '4', pods: '110' } } },
      expect: (obj) => assert.deepEqual((obj.status as JsonObject).allocatable, { cpu: '4', pods: '110' }),
    },
    {
      name: 'a RoleBinding gets the RBAC API group on its role reference and user subjects, none on service accounts',
      group: 'rbac.authorization.k8s.io',
      kind: 'RoleBinding',
      input: { metadata: {}, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'd' }] },
      expect: (obj) => {
        assert.deepEqual(obj.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
        assert.deepEqual(obj.subjects, [
          { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
          { kind: 'ServiceAccount', name: 'sa', namespace: 'd' },
        ]);
      },
    },
    {
      name: 'a StorageClass deletes its volumes and binds immediately',
      group: 'storage.k8s.io',
      kind: 'StorageClass',
      input: { metadata: { name: 'fast' }, provisioner: 'example.com/disk' },
      expect: (obj) => assert.deepEqual(obj, { metadata: { name: 'fast' }, provisioner: 'example.com/disk', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }),
    },
    {
      name: 'EndpointSlice ports get an empty name and TCP',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      input: { metadata: {}, addressType: 'IPv4', ports: [{ port: 80 }] },
      expect: (obj) => assert.deepEqual(obj.ports, [{ port: 80, name: '', protocol: 'TCP' }]),
    },
    {
      name: 'a PriorityClass preempts lower priorities',
      group: 'scheduling.k8s.io',
      kind: 'PriorityClass',
      input: { metadata: { name: 'high' }, value: 1000 },
      expect: (obj) => assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority'),
    },
    {
      name: 'an IngressClass parameter reference is cluster-scoped by default',
      group: 'networking.k8s.io',
      kind: 'IngressClass',
      input: { metadata: {}, spec: { controller: 'example.com/ingress', parameters: { kind: 'Params', name: 'p' } } },
      expect: (obj) => assert.equal(((obj.spec as JsonObject).parameters as JsonObject).scope, 'Cluster'),
    },
    {
      name: 'a NetworkPolicy with egress rules covers Ingress and Egress',
      group: 'networking.k8s.io',
      kind: 'NetworkPolicy',
      input: { metadata: {}, spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } },
      expect: (obj) => {
        assert.deepEqual((obj.spec as JsonObject).policyTypes, ['Ingress', 'Egress']);
        assert.deepEqual((obj.spec as JsonObject).egress, [{ ports: [{ port: 53, protocol: 'TCP' }] }]);
      },
    },
    {
      name: 'a Lease has no defaults and stays as sent',
      group: 'coordination.k8s.io',
      kind: 'Lease',
      input: { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } },
      expect: (obj) => assert.deepEqual(obj, { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = structuredClone(c.input);
      setDefaults({ group: c.group, kind: c.kind }, obj);
      c.expect(obj);
    });
  }
});
