import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createErrors, createMessage, updateErrors } from './helpers.js';

const SERVICE = { group: '', kind: 'Service' };
const svc = (spec: Record<string, unknown>, name = 'web'): Record<string, unknown> => ({ metadata: { name, namespace: 'default' }, spec });

describe('service validation', () => {
  const cases: { name: string; spec: Record<string, unknown>; errors: string[] }[] = [
    { name: 'a ClusterIP service needs ports', spec: { selector: { app: 'web' } }, errors: ['spec.ports: Required value'] },
    { name: 'a headless service may have no ports', spec: { clusterIP: 'None', clusterIPs: ['None'] }, errors: [] },
    {
      name: 'ports must be in range, named when several, uniquely named',
      spec: { ports: [{ name: 'http', port: 0 }, { name: 'http', port: 81 }, { port: 82 }] },
      errors: [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[1].name: Duplicate value: "http"',
        'spec.ports[2].name: Required value',
      ],
    },
    {
      name: 'a named target port must be an IANA service name',
      spec: { ports: [{ port: 80, targetPort: 'Web_Port' }] },
      errors: [
        'spec.ports[0].targetPort: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: 'the type must be one of the four',
      spec: { type: 'Internal', ports: [{ port: 80 }] },
      errors: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    },
    {
      name: 'a ClusterIP service may not ask for a node port',
      spec: { ports: [{ port: 80, nodePort: 30080 }] },
      errors: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: 'two ports may not share a node port or a port and protocol',
      spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 80, nodePort: 30080 }] },
      errors: [
        'spec.ports[1].nodePort: Duplicate value: 30080',
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    },
    {
      name: 'session affinity must be None or ClientIP',
      spec: { sessionAffinity: 'Cookie', ports: [{ port: 80 }] },
      errors: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
    },
    {
      name: 'an ExternalName service needs a DNS name and no cluster IPs',
      spec: { type: 'ExternalName', externalName: 'Not A Host', clusterIPs: ['10.96.0.5'] },
      errors: [
        'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
        "spec.externalName: Invalid value: \"Not A Host\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'a cluster IP must be an IP address',
      spec: { clusterIP: '10.96.0.300', clusterIPs: ['10.96.0.300'], ports: [{ port: 80 }] },
      errors: ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(createErrors(SERVICE, svc(c.spec)), c.errors));
  }

  it('the whole message names the service', () => {
    assert.equal(createMessage(SERVICE, svc({ selector: { app: 'web' } })), 'Service "web" is invalid: spec.ports: Required value');
  });
});

describe('service update validation', () => {
  const allocated = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] });

  it('an allocated cluster IP may not change', () => {
    const next = svc({ clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'], ports: [{ port: 80 }] });
    assert.deepEqual(updateErrors(SERVICE, next, allocated), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });

  it('an allocated cluster IP may not be unset', () => {
    const next = svc({ ports: [{ port: 80 }] });
    assert.deepEqual(updateErrors(SERVICE, next, allocated), ['spec.clusterIPs[0]: Invalid value: []string{}: primary clusterIP can not be unset']);
  });

  it('changing ports keeps the cluster IP valid', () => {
    const next = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 8080 }] });
    assert.deepEqual(updateErrors(SERVICE, next, allocated), []);
  });

  it('turning into an ExternalName service releases the cluster IP', () => {
    const next = svc({ type: 'ExternalName', externalName: 'example.com' });
    assert.deepEqual(updateErrors(SERVICE, next, allocated), []);
  });
});
