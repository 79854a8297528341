import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setDefaults } from '../../../src/admission/defaults/index.js';
import type { JsonObject } from '../../../src/admission/json.js';
import { addDefaultTolerations } from '../../../src/admission/pods/default-tolerations.js';
import { admitPodPriority, SYSTEM_PRIORITY_CLASSES } from '../../../src/admission/pods/priority.js';
import { prepareNewPodStatus } from '../../../src/admission/pods/qos.js';
import { admitPodServiceAccount, randomNameSuffix } from '../../../src/admission/pods/service-account.js';

const POD = { group: '', kind: 'Pod' };
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A random() that makes randomNameSuffix spell `text`. */
function spelling(text: string): () => number {
  let i = 0;
  return () => (ALPHABET.indexOf(text[i++] ?? 'b') + 0.5) / ALPHABET.length;
}

describe('pod defaults', () => {
  it('a minimal pod gets every API server default, as a real cluster returns it', () => {
    const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } };
    setDefaults(POD, pod);
    assert.deepEqual(pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            imagePullPolicy: 'IfNotPresent',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    });
  });

  // The spec part of `kubectl get pod kubia -o yaml` for a pod made by
  // `kubectl run kubia --image=yangbaoqiang2019/kubia --port=8080` (seed 003).
  it('kubectl run through defaults and pod admission matches a real cluster\'s pod spec', () => {
    const pod: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kubia', namespace: 'default', labels: { run: 'kubia' }, creationTimestamp: null },
      spec: { containers: [{ name: 'kubia', image: 'yangbaoqiang2019/kubia', ports: [{ containerPort: 8080 }], resources: {} }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' },
      status: {},
    };
    setDefaults(POD, pod);
    assert.equal(admitPodServiceAccount(pod, { serviceAccount: { metadata: { name: 'default' } }, random: spelling('9hqxs') }), undefined);
    addDefaultTolerations(pod);
    assert.equal(admitPodPriority(pod, { lookup: () => undefined }), undefined);
    assert.deepEqual(pod.spec, {
      containers: [
        {
          image: 'yangbaoqiang2019/kubia',
          imagePullPolicy: 'Always',
          name: 'kubia',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-9hqxs', readOnly: true }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: 'kube-api-access-9hqxs',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
            ],
          },
        },
      ],
    });
  });

  const pullPolicies: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.k8s.io/pause:3.10', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
    ['NotAValidReference', 'IfNotPresent'],
  ];
  for (const [image, policy] of pullPolicies) {
    it(`image ${image} defaults imagePullPolicy to ${policy}`, () => {
      const pod: JsonObject = { metadata: {}, spec: { containers: [{ name: 'c', image }] } };
      setDefaults(POD, pod);
      assert.equal(((pod.spec as JsonObject).containers as JsonObject[])[0]?.imagePullPolicy, policy);
    });
  }

  it('an explicit pull policy and restart policy are kept', () => {
    const pod: JsonObject = { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }] } };
    setDefaults(POD, pod);
    const spec = pod.spec as JsonObject;
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal((spec.containers as JsonObject[])[0]?.imagePullPolicy, 'Never');
  });

  it('probes, lifecycle hooks, env field references and volumes get their nested defaults', () => {
    const pod: JsonObject = {
      metadata: {},
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1',
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
            startupProbe: { grpc: { port: 9000 } },
            lifecycle: { preStop: { httpGet: { port: 'http' } } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
        ],
        volumes: [
          { name: 'scratch' },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 's' } },
          { name: 'host', hostPath: { path: '/data' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
      },
    };
    setDefaults(POD, pod);
    const spec = pod.spec as JsonObject;
    const c = (spec.containers as JsonObject[])[0] as JsonObject;
    assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.readinessProbe, { tcpSocket: { port: 80 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.startupProbe, { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.lifecycle, { preStop: { httpGet: { port: 'http', path: '/', scheme: 'HTTP' } } });
    assert.deepEqual(c.env, [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }]);
    assert.deepEqual(spec.volumes, [
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'host', hostPath: { path: '/data', type: '' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }], defaultMode: 420 } },
    ]);
  });

  it('a pod with limits but no requests gets requests equal to the limits, in canonical form', () => {
    const pod: JsonObject = { metadata: {}, spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { cpu: '100m' } } }] } };
    setDefaults(POD, pod);
    const resources = (((pod.spec as JsonObject).containers as JsonObject[])[0] as JsonObject).resources;
    assert.deepEqual(resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '100m', memory: '1Gi' } });
  });

  it('quantities finer than a milli are rounded up to the next milli', () => {
    const pod: JsonObject = { metadata: {}, spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '0.0001' } } }] } };
    setDefaults(POD, pod);
    const resources = (((pod.spec as JsonObject).containers as JsonObject[])[0] as JsonObject).resources as JsonObject;
    assert.deepEqual(resources.requests, { cpu: '1m' });
  });

  it('with hostNetwork every container port is also a host port', () => {
    const pod: JsonObject = { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 19090 }] }] } };
    setDefaults(POD, pod);
    const ports = (((pod.spec as JsonObject).containers as JsonObject[])[0] as JsonObject).ports;
    assert.deepEqual(ports, [
      { containerPort: 8080, hostPort: 8080, protocol: 'TCP' },
      { containerPort: 9090, hostPort: 19090, protocol: 'TCP' },
    ]);
  });
});

describe('pod admission mutations', () => {
  it('a pod naming a missing service account is refused with the admission message', () => {
    const pod: JsonObject = { metadata: { name: 'p', namespace: 'team' }, spec: { serviceAccountName: 'robot', containers: [{ name: 'c', image: 'x' }] } };
    assert.equal(admitPodServiceAccount(pod, { serviceAccount: undefined }), 'error looking up service account team/robot: serviceaccount "robot" not found');
  });

  it('automountServiceAccountToken false on the service account or the pod mounts no token', () => {
    for (const [podSetting, saSetting] of [[undefined, false], [false, true]] as const) {
      const pod: JsonObject = { metadata: { namespace: 'd' }, spec: { automountServiceAccountToken: podSetting, containers: [{ name: 'c', image: 'x' }] } };
      admitPodServiceAccount(pod, { serviceAccount: { automountServiceAccountToken: saSetting } });
      const spec = pod.spec as JsonObject;
      assert.equal(spec.volumes, undefined);
      assert.equal((spec.containers as JsonObject[])[0]?.volumeMounts, undefined);
    }
  });

  it('a container that already mounts something at the token path is left alone', () => {
    const pod: JsonObject = {
      metadata: { namespace: 'd' },
      spec: { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }, { name: 'b', image: 'x' }] },
    };
    admitPodServiceAccount(pod, { serviceAccount: {}, random: () => 0 });
    const [a, b] = (pod.spec as JsonObject).containers as JsonObject[];
    assert.equal((a?.volumeMounts as unknown[]).length, 1);
    assert.deepEqual(b?.volumeMounts, [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-bbbbb', readOnly: true }]);
  });

  it('generated volume suffixes use the name generator alphabet', () => {
    assert.match(randomNameSuffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('a pod that already tolerates all NoExecute taints gets no default tolerations', () => {
    const pod: JsonObject = { metadata: {}, spec: { tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] } };
    addDefaultTolerations(pod);
    assert.deepEqual((pod.spec as JsonObject).tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  });

  it('a pod tolerating only not-ready still gets the unreachable toleration', () => {
    const pod: JsonObject = { metadata: {}, spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } };
    addDefaultTolerations(pod);
    const keys = ((pod.spec as JsonObject).tolerations as JsonObject[]).map((t) => t.key);
    assert.deepEqual(keys, ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  });

  it('a priority class name resolves to its value and preemption policy', () => {
    const pod: JsonObject = { metadata: {}, spec: { priorityClassName: 'system-node-critical' } };
    const lookup = (name: string): (typeof SYSTEM_PRIORITY_CLASSES)[number] | undefined => SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
    assert.equal(admitPodPriority(pod, { lookup }), undefined);
    assert.equal((pod.spec as JsonObject).priority, 2000001000);
  });

  it('the global default class applies to pods without a class', () => {
    const pod: JsonObject = { metadata: {}, spec: {} };
    admitPodPriority(pod, { lookup: () => undefined, globalDefault: { name: 'batch', value: 100, preemptionPolicy: 'Never' } });
    assert.deepEqual(pod.spec, { priorityClassName: 'batch', priority: 100, preemptionPolicy: 'Never' });
  });

  it('an unknown priority class and a conflicting priority are refused with the plugin\'s words', () => {
    assert.equal(admitPodPriority({ metadata: {}, spec: { priorityClassName: 'gold' } }, { lookup: () => undefined }), 'no PriorityClass with name gold was found');
    assert.equal(
      admitPodPriority({ metadata: {}, spec: { priority: 7 } }, { lookup: () => undefined }),
      'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
  });
});

describe('a new pod\'s status', () => {
  const withResources = (...containers: Record<string, unknown>[]): JsonObject => ({
    metadata: {},
    spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'x', resources })) },
  });
  const cases: [string, JsonObject, string][] = [
    ['no requests or limits is BestEffort', withResources({}), 'BestEffort'],
    ['equal cpu and memory requests and limits everywhere is Guaranteed', withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } }), 'Guaranteed'],
    ['limits only is Guaranteed once requests default to them', withResources({ limits: { cpu: '500m', memory: '128Mi' } }), 'Guaranteed'],
    ['requests below limits is Burstable', withResources({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }), 'Burstable'],
    ['one container without limits makes the pod Burstable', withResources({ limits: { cpu: '1', memory: '1Gi' } }, { requests: { cpu: '100m' } }), 'Burstable'],
    ['only extended resources is BestEffort', withResources({ limits: { 'example.com/gpu': '1' } }), 'BestEffort'],
  ];
  for (const [name, pod, qos] of cases) {
    it(name, () => {
      setDefaults(POD, pod);
      prepareNewPodStatus(pod);
      assert.deepEqual(pod.status, { phase: 'Pending', qosClass: qos });
    });
  }
});
