import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalQuantity } from '../../src/kube/quantity.js';
import {
  isExtendedResourceName,
  isNativeResourceName,
  isScalarResourceName,
  nodeAllocatable,
  podComputeRequests,
  podLimits,
  podRequests,
  type ResourceQuantities,
} from '../../src/kube/resources.js';
import type { Container, Pod } from '../../src/kube/types.js';

function container(requests: Record<string, string>, extra: Partial<Container> = {}): Container {
  return { name: 'c', image: 'busybox', resources: { requests }, ...extra };
}

function pod(spec: Pod['spec']): Pod {
  return { metadata: { name: 'p', namespace: 'default' }, spec };
}

function printed(list: ResourceQuantities): Record<string, string> {
  return Object.fromEntries([...list].map(([name, q]) => [name, canonicalQuantity(q)]));
}

describe('pod requests', () => {
  const cases: { name: string; pod: Pod; want: Record<string, string> }[] = [
    {
      name: 'app containers add up',
      pod: pod({ containers: [container({ cpu: '100m', memory: '1Gi' }), container({ cpu: '200m', memory: '512Mi' })] }),
      want: { cpu: '300m', memory: '1536Mi' },
    },
    {
      name: 'init containers take turns, so only the largest counts against the app sum (upstream example: cpu 3, memory 3G)',
      pod: pod({
        initContainers: [container({ cpu: '2', memory: '1G' }), container({ cpu: '2', memory: '3G' })],
        containers: [container({ cpu: '2', memory: '1G' }), container({ cpu: '1', memory: '1G' })],
      }),
      want: { cpu: '3', memory: '3G' },
    },
    {
      name: 'a sidecar runs beside the app containers and beside every later init container',
      pod: pod({
        initContainers: [container({ cpu: '500m' }, { restartPolicy: 'Always' }), container({ cpu: '2' })],
        containers: [container({ cpu: '1' })],
      }),
      want: { cpu: '2500m' },
    },
    {
      name: 'an init container that runs before the sidecar starts does not share with it',
      pod: pod({
        initContainers: [container({ cpu: '2' }), container({ cpu: '500m' }, { restartPolicy: 'Always' })],
        containers: [container({ cpu: '1' })],
      }),
      want: { cpu: '2' },
    },
    {
      name: 'pod overhead is added on top',
      pod: pod({ containers: [container({ cpu: '1', memory: '64Mi' })], overhead: { cpu: '250m', memory: '120Mi' } }),
      want: { cpu: '1250m', memory: '184Mi' },
    },
    {
      name: 'extended resources add up like any other',
      pod: pod({ containers: [container({ 'nvidia.com/gpu': '1' }), container({ 'nvidia.com/gpu': '2' })] }),
      want: { 'nvidia.com/gpu': '3' },
    },
    {
      name: 'a quantity that does not parse is left out rather than throwing',
      pod: pod({ containers: [container({ cpu: 'lots', memory: '1Gi' })] }),
      want: { memory: '1Gi' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(printed(podRequests(c.pod)), c.want));
  }

  it('numeric quantities (cpu: 1 in YAML) count like strings', () => {
    const p = pod({ containers: [{ name: 'c', resources: { requests: { cpu: 1 as unknown as string, memory: '1Gi' } } }] });
    assert.deepEqual(printed(podRequests(p)), { cpu: '1', memory: '1Gi' });
  });

  it('overhead can be left out', () => {
    const p = pod({ containers: [container({ cpu: '1' })], overhead: { cpu: '250m' } });
    assert.deepEqual(printed(podRequests(p, { excludeOverhead: true })), { cpu: '1' });
  });
});

describe('pod limits', () => {
  it('sum like requests, and overhead only adds to resources that have a limit', () => {
    const p = pod({
      initContainers: [{ name: 'i', resources: { limits: { cpu: '3' } } }],
      containers: [
        { name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } },
        { name: 'b', resources: { limits: { cpu: '1' } } },
      ],
      overhead: { cpu: '100m', 'ephemeral-storage': '1Gi' },
    });
    assert.deepEqual(printed(podLimits(p)), { cpu: '3100m', memory: '1Gi' });
  });
});

describe("the scheduler's integer view", () => {
  it('counts millicores and bytes, and substitutes 100m / 200Mi only where a container sets nothing', () => {
    const p = pod({
      containers: [container({}), container({ cpu: '0', memory: '1Gi' }), container({ cpu: '250m' })],
    });
    const r = podComputeRequests(p);
    assert.equal(r.requests.milliCPU, 250);
    assert.equal(r.requests.memory, 1024 ** 3);
    assert.equal(r.nonZeroMilliCPU, 100 + 0 + 250);
    assert.equal(r.nonZeroMemory, 200 * 1024 ** 2 + 1024 ** 3 + 200 * 1024 ** 2);
  });

  it('node allocatable is read from status.allocatable', () => {
    const a = nodeAllocatable({
      metadata: { name: 'n' },
      status: { allocatable: { cpu: '3800m', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'nvidia.com/gpu': '2', 'hugepages-2Mi': '1Gi', bogus: '1' } },
    });
    assert.equal(a.milliCPU, 3800);
    assert.equal(a.memory, 8 * 1024 ** 3);
    assert.equal(a.allowedPodNumber, 110);
    assert.equal(a.ephemeralStorage, 100 * 1024 ** 3);
    assert.deepEqual([...a.scalar].sort(), [['hugepages-2Mi', 1024 ** 3], ['nvidia.com/gpu', 2]]);
  });

  it('a node that has not reported allocatable offers nothing', () => {
    const a = nodeAllocatable({ metadata: { name: 'n' } });
    assert.equal(a.milliCPU, 0);
    assert.equal(a.allowedPodNumber, 0);
  });
});

describe('resource names', () => {
  const cases: { name: string; native: boolean; extended: boolean; scalar: boolean }[] = [
    { name: 'cpu', native: true, extended: false, scalar: false },
    { name: 'nvidia.com/gpu', native: false, extended: true, scalar: true },
    { name: 'kubernetes.io/something', native: true, extended: false, scalar: true },
    { name: 'hugepages-2Mi', native: true, extended: false, scalar: true },
    { name: 'requests.example.com/foo', native: false, extended: false, scalar: false },
    { name: 'example.com/bad name', native: false, extended: false, scalar: false },
  ];
  for (const c of cases) {
    it(`${c.name} is ${c.native ? '' : 'not '}native, ${c.extended ? '' : 'not '}extended, ${c.scalar ? '' : 'not '}scalar`, () => {
      assert.equal(isNativeResourceName(c.name), c.native);
      assert.equal(isExtendedResourceName(c.name), c.extended);
      assert.equal(isScalarResourceName(c.name), c.scalar);
    });
  }
});
