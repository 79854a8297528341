import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podChangeKeys, podEndpoint, resolveTargetPort, serviceSelector } from '../../src/controllers/service-pods.js';
import type { KubeObject } from '../../src/store/types.js';

const pod = (extra: { status?: Record<string, unknown>; deleting?: boolean; ports?: Record<string, unknown>[] } = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', labels: { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [{ name: 'c', ports: extra.ports ?? [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
  status: extra.status ?? { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
});
const service = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ...spec } });

describe('which pods back a service, on which ports', () => {
  const targetPortCases: [string, Record<string, unknown>, number | undefined][] = [
    ['a numeric targetPort is used as is', { port: 80, targetPort: 9000 }, 9000],
    ['a missing targetPort means the service port', { port: 81 }, 81],
    ['a named targetPort resolves to the container port of that name', { port: 80, targetPort: 'http' }, 8080],
    ['a named targetPort must match the protocol too', { port: 53, targetPort: 'dns' }, undefined],
    ['a named UDP targetPort resolves for a UDP service port', { port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
    ['an unknown name resolves to nothing', { port: 80, targetPort: 'grpc' }, undefined],
  ];
  for (const [name, port, want] of targetPortCases) {
    it(name, () => assert.equal(resolveTargetPort(pod(), port as { port: number }), want));
  }

  it('a pod without an IP, or finished, gives no endpoint', () => {
    assert.equal(podEndpoint(service({}), pod({ status: { phase: 'Pending' } }), false), undefined);
    assert.equal(podEndpoint(service({}), pod({ status: { phase: 'Succeeded', podIP: '10.0.0.1' } }), false), undefined);
  });

  it('a terminating pod is left out of Endpoints but kept, not ready, in slices', () => {
    assert.equal(podEndpoint(service({}), pod({ deleting: true }), false), undefined);
    const kept = podEndpoint(service({}), pod({ deleting: true }), true);
    assert.deepEqual([kept?.ready, kept?.serving, kept?.terminating], [false, true, true]);
  });

  it('publishNotReadyAddresses makes a not-ready pod ready', () => {
    const notReady = pod({ status: { phase: 'Running', podIP: '10.0.0.2', conditions: [{ type: 'Ready', status: 'False' }] } });
    assert.equal(podEndpoint(service({}), notReady, false)?.ready, false);
    assert.equal(podEndpoint(service({ publishNotReadyAddresses: true }), notReady, false)?.ready, true);
  });

  it('a service without a selector (or with an empty one) has no selector string', () => {
    assert.equal(serviceSelector({ metadata: {}, spec: {} }), undefined);
    assert.equal(serviceSelector({ metadata: {}, spec: { selector: {} } }), undefined);
    assert.equal(serviceSelector({ metadata: {}, spec: { selector: { app: 'web', tier: 'front' } } }), 'app=web,tier=front');
  });

  it('a pod change that moves no endpoint maps to no key; readiness and labels do', () => {
    const base = { cluster: 'c', rv: 1, group: '', resource: 'pods', namespace: 'default', name: 'p', type: 'MODIFIED' as const };
    const ready = pod();
    const annotated: KubeObject = { ...ready, metadata: { ...ready.metadata, annotations: { note: 'x' } } };
    assert.deepEqual(podChangeKeys({ ...base, object: annotated, prev: ready }), []);
    const unready = pod({ status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'False' }] } });
    assert.deepEqual(podChangeKeys({ ...base, object: unready, prev: ready }), [{ cluster: 'c', namespace: 'default', name: '' }]);
    const relabelled: KubeObject = { ...ready, metadata: { ...ready.metadata, labels: { app: 'db' } } };
    assert.equal(podChangeKeys({ ...base, object: relabelled, prev: ready }).length, 1);
  });
});
