import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UPDATABLE_POD_SPEC_FIELDS } from '../../../src/admission/validation/pod.js';
import { createErrors, createMessage, NGINX, pod, POD, updateErrors } from './helpers.js';

describe('pod validation', () => {
  const cases: { name: string; spec: Record<string, unknown>; errors: string[] }[] = [
    { name: 'a pod without containers is refused', spec: { containers: [] }, errors: ['spec.containers: Required value'] },
    {
      name: 'container names must be unique across init and regular containers',
      spec: { initContainers: [{ name: 'nginx', image: 'busybox' }], containers: [NGINX, { ...NGINX }] },
      errors: ['spec.containers[1].name: Duplicate value: "nginx"', 'spec.initContainers[0].name: Duplicate value: "nginx"'],
    },
    { name: 'a container needs an image', spec: { containers: [{ name: 'c' }] }, errors: ['spec.containers[0].image: Required value'] },
    {
      name: 'a container name must be a DNS label',
      spec: { containers: [{ name: 'Web', image: 'x' }] },
      errors: [
        "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    {
      name: 'container ports must be in range and named uniquely',
      spec: { containers: [{ ...NGINX, ports: [{ name: 'http', containerPort: 70000 }, { name: 'http', containerPort: 80 }, { containerPort: 0 }] }] },
      errors: [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[1].name: Duplicate value: "http"',
        'spec.containers[0].ports[2].containerPort: Required value',
      ],
    },
    {
      name: 'a port name must be an IANA service name',
      spec: { containers: [{ ...NGINX, ports: [{ name: 'HTTP--web-port1', containerPort: 80 }] }] },
      errors: [
        'spec.containers[0].ports[0].name: Invalid value: "HTTP--web-port1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].ports[0].name: Invalid value: "HTTP--web-port1": must not contain consecutive hyphens',
      ],
    },
    {
      name: 'a port protocol must be TCP, UDP or SCTP',
      spec: { containers: [{ ...NGINX, ports: [{ containerPort: 80, protocol: 'HTTP' }] }] },
      errors: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    },
    {
      name: 'two containers may not claim the same host port',
      spec: { containers: [{ ...NGINX, ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] }] },
      errors: ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
    },
    {
      name: 'requests may not exceed limits',
      spec: { containers: [{ ...NGINX, resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] },
      errors: ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    },
    {
      name: 'negative quantities and unknown resource names are refused',
      spec: { containers: [{ ...NGINX, resources: { requests: { memory: '-1', gpu: '1' } } }] },
      errors: [
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
        'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
      ],
    },
    {
      name: 'an extended resource must be requested equal to its limit',
      spec: { containers: [{ ...NGINX, resources: { requests: { 'example.com/gpu': '1' } } }] },
      errors: ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
    },
    {
      name: 'the restart policy must be Always, OnFailure or Never',
      spec: { containers: [NGINX], restartPolicy: 'Sometimes' },
      errors: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    },
    {
      name: 'the DNS policy must be a known one',
      spec: { containers: [NGINX], dnsPolicy: 'Google' },
      errors: ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    },
    {
      name: 'the image pull policy must be Always, IfNotPresent or Never',
      spec: { containers: [{ ...NGINX, imagePullPolicy: 'Sometimes' }] },
      errors: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    },
    {
      name: 'a volume mount must name a volume of the pod',
      spec: { containers: [{ ...NGINX, volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cache', mountPath: '/data' }] }], volumes: [{ name: 'cache', emptyDir: {} }] },
      errors: ['spec.containers[0].volumeMounts[0].name: Not found: "data"', 'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique'],
    },
    {
      name: 'volumes need unique names and exactly one source',
      spec: { containers: [NGINX], volumes: [{ name: 'a', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'b', configMap: { name: 'c' } }, { name: 'b', secret: {} }] },
      errors: ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type', 'spec.volumes[2].secret.secretName: Required value', 'spec.volumes[2].name: Duplicate value: "b"'],
    },
    {
      name: 'a probe needs exactly one handler and liveness needs successThreshold 1',
      spec: { containers: [{ ...NGINX, livenessProbe: { successThreshold: 2 }, readinessProbe: { exec: { command: ['true'] }, httpGet: { port: 80 } } }] },
      errors: [
        'spec.containers[0].livenessProbe: Required value: must specify a handler type',
        'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
        'spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
      ],
    },
    {
      name: 'init containers without restartPolicy Always may not have probes',
      spec: { initContainers: [{ name: 'init', image: 'x', readinessProbe: { exec: { command: ['true'] } } }], containers: [NGINX] },
      errors: ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    },
    {
      name: 'environment variables need a name and one source',
      spec: { containers: [{ ...NGINX, env: [{ value: 'x' }, { name: 'A', value: 'v', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }] },
      errors: [
        'spec.containers[0].env[0].name: Required value',
        'spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty',
        'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      ],
    },
    {
      name: 'a toleration without key must use Exists',
      spec: { containers: [NGINX], tolerations: [{ operator: 'Equal', value: 'x' }] },
      errors: ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    },
    {
      name: 'an Exists toleration with a value names the value (1.32+ wording)',
      spec: { containers: [NGINX], tolerations: [{ key: 'k', operator: 'Exists', value: 'v', effect: 'NoSchedule' }] },
      errors: ['spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\''],
    },
    {
      name: 'activeDeadlineSeconds must be positive',
      spec: { containers: [NGINX], activeDeadlineSeconds: 0 },
      errors: ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(createErrors(POD, pod(c.spec)), c.errors));
  }

  it('a valid pod passes', () => {
    assert.equal(createMessage(POD, pod({ containers: [{ ...NGINX, ports: [{ name: 'http', containerPort: 80 }] }] })), '');
  });

  it('ephemeral containers cannot be set on create', () => {
    assert.deepEqual(createErrors(POD, pod({ containers: [NGINX], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] })), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
  });
});

describe('pod update validation', () => {
  const base = pod({ containers: [NGINX], nodeName: 'node-1', tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] });

  it('changing a container image is allowed', () => {
    const next = structuredClone(base);
    (next.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:1.27';
    assert.deepEqual(updateErrors(POD, next, base), []);
  });

  it('moving a bound pod to another node is forbidden with the list of updatable fields', () => {
    const next = structuredClone(base);
    (next.spec as Record<string, unknown>).nodeName = 'node-2';
    const errors = updateErrors(POD, next, base);
    assert.equal(errors.length, 1);
    const [first, diff] = (errors[0] ?? '').split('\n  core.PodSpec{');
    assert.equal(first, `spec: Forbidden: pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}`);
    assert.match(diff ?? '', /- \tNodeName: "node-1",\n\+ \tNodeName: "node-2",/);
  });

  it('binding an unbound pod by update is forbidden too, the diff showing the empty old value', () => {
    const unbound = pod({ containers: [NGINX] });
    const next = pod({ containers: [NGINX], nodeName: 'node-2' });
    const errors = updateErrors(POD, next, unbound);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /\n- \tNodeName: "",\n\+ \tNodeName: "node-2",\n/);
  });

  it('the updatable fields read as kubectl users know them', () => {
    assert.equal(
      UPDATABLE_POD_SPEC_FIELDS,
      '`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('adding or removing containers is forbidden', () => {
    const next = structuredClone(base);
    (next.spec as { containers: unknown[] }).containers.push({ name: 'b', image: 'x' });
    assert.deepEqual(updateErrors(POD, next, base), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });

  it('tolerations may be added, and existing ones may only change their seconds', () => {
    const added = structuredClone(base);
    (added.spec as { tolerations: unknown[] }).tolerations.push({ key: 'b', operator: 'Exists' });
    (added.spec as { tolerations: { tolerationSeconds?: number }[] }).tolerations[0]!.tolerationSeconds = 20;
    assert.deepEqual(updateErrors(POD, added, base), []);
    const changed = structuredClone(base);
    (changed.spec as { tolerations: { key: string }[] }).tolerations[0]!.key = 'z';
    assert.deepEqual(updateErrors(POD, changed, base)[0], 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');
  });

  it('activeDeadlineSeconds may only shrink', () => {
    const old = pod({ containers: [NGINX], activeDeadlineSeconds: 30 });
    const next = pod({ containers: [NGINX], activeDeadlineSeconds: 60 });
    assert.deepEqual(updateErrors(POD, next, old), ['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value']);
  });
});
