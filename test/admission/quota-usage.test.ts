import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingPodConstraints } from '../../src/admission/quota.js';
import { countedResourceOf, formatUsage, usageOf } from '../../src/admission/quota-usage.js';
import type { KubeObject } from '../../src/store/types.js';

const obj = (extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name: 'x' }, ...extra });

describe('what an object counts against a quota', () => {
  it('a pod counts once, with its requests and limits; init containers take the max', () => {
    const pod = obj({
      spec: {
        initContainers: [{ name: 'init', resources: { requests: { cpu: '2' }, limits: { cpu: '2' } } }],
        containers: [
          { name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
          { name: 'b', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
        ],
      },
    });
    assert.deepEqual(formatUsage(usageOf({ group: '', resource: 'pods' }, pod)), {
      'count/pods': '1',
      cpu: '2',
      'limits.cpu': '2',
      'limits.memory': '256Mi',
      memory: '128Mi',
      pods: '1',
      'requests.cpu': '2',
      'requests.memory': '128Mi',
    });
  });

  it('a finished pod counts for nothing', () => {
    assert.equal(usageOf({ group: '', resource: 'pods' }, obj({ spec: { containers: [] }, status: { phase: 'Failed' } })).size, 0);
  });

  it('a LoadBalancer without node ports counts no node ports', () => {
    const lb = obj({ spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 443 }] } });
    assert.deepEqual(formatUsage(usageOf({ group: '', resource: 'services' }, lb)), { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '0' });
  });

  it('objects of other groups count under count/<resource>.<group>', () => {
    assert.deepEqual(formatUsage(usageOf({ group: 'apps', resource: 'deployments' }, obj())), { 'count/deployments.apps': '1' });
  });

  const names: [string, { group: string; resource: string } | undefined][] = [
    ['pods', { group: '', resource: 'pods' }],
    ['requests.memory', { group: '', resource: 'pods' }],
    ['cpu', { group: '', resource: 'pods' }],
    ['services.nodeports', { group: '', resource: 'services' }],
    ['requests.storage', { group: '', resource: 'persistentvolumeclaims' }],
    ['count/deployments.apps', { group: 'apps', resource: 'deployments' }],
    ['count/secrets', { group: '', resource: 'secrets' }],
    ['requests.nvidia.com/gpu', undefined],
  ];
  for (const [name, want] of names) it(`quota resource ${name} counts ${want ? `${want.resource}${want.group ? `.${want.group}` : ''}` : 'nothing kubeql tracks'}`, () => assert.deepEqual(countedResourceOf(name), want));

  it('each container must state what a quota limits', () => {
    const pod = obj({ spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }, { name: 'b' }] } });
    assert.equal(missingPodConstraints(pod, ['requests.cpu', 'limits.memory', 'pods']), 'must specify limits.memory for: a,b; requests.cpu for: b');
    assert.equal(missingPodConstraints(pod, ['pods', 'count/pods']), undefined);
  });
});
