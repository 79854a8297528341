// The JSON the decoder writes for wire values kubectl's fixtures do not reach:
// MicroTime, times at the edges, empty special types, zero values of pointer
// and non-pointer fields, unknown fields, packed repeated numbers. Bodies are
// written by hand with the field numbers of k8s.io/api.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeKubernetesProtobuf } from '../../../src/api/protobuf/decode.js';
import { encodeMessage, envelope, type WireField } from './wire.js';

const seconds = (iso: string): number => Date.parse(iso) / 1000;
const decode = (apiVersion: string, kind: string, fields: readonly WireField[] | Uint8Array): Record<string, unknown> => decodeKubernetesProtobuf(envelope(apiVersion, kind, fields), { apiVersion, kind });
const field = (object: unknown, ...path: string[]): unknown => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);

describe('times', () => {
  test('MicroTime is RFC 3339 with six fractional digits, nanoseconds truncated', () => {
    const lease = decode('coordination.k8s.io/v1', 'Lease', [
      [1, [[1, 'node-1'], [3, 'kube-node-lease']]],
      [
        2,
        [
          [1, 'node-1'],
          [2, 40],
          [3, [[1, seconds('2024-01-02T03:04:05Z')], [2, 123_456_789]]],
          [4, [[1, seconds('2024-01-02T03:04:45Z')]]],
        ],
      ],
    ]);
    assert.deepStrictEqual(lease, {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'node-1', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, acquireTime: '2024-01-02T03:04:05.123456Z', renewTime: '2024-01-02T03:04:45.000000Z' },
    });
  });

  test('Time keeps whole seconds in UTC; an empty Time is null; seconds 0 is the Unix epoch', () => {
    const at = (time: readonly WireField[]): unknown => field(decode('v1', 'Namespace', [[1, [[8, time]]]]), 'metadata', 'creationTimestamp');
    assert.equal(at([[1, seconds('2024-02-29T23:59:59Z')], [2, 999_999_999]]), '2024-02-29T23:59:59Z');
    assert.equal(at([]), null);
    assert.equal(at([[1, 0]]), '1970-01-01T00:00:00Z');
    assert.equal(at([[1, -62135596800]]), null, "Go's zero time");
    assert.equal(at([[1, seconds('0001-01-01T00:00:01Z')]]), '0001-01-01T00:00:01Z');
  });

  test('an empty MicroTime is null', () => {
    assert.equal(field(decode('coordination.k8s.io/v1', 'Lease', [[2, [[4, []]]]]), 'spec', 'renewTime'), null);
  });
});

describe('Quantity and IntOrString', () => {
  test('a Quantity is its string; an empty one is "0"', () => {
    const quota = decode('v1', 'ResourceQuota', [
      [
        2,
        [
          [1, [[1, 'cpu'], [2, [[1, '1500m']]]]],
          [1, [[1, 'memory'], [2, []]]],
          [1, [[1, 'pods']]],
        ],
      ],
    ]);
    assert.deepStrictEqual(field(quota, 'spec', 'hard'), { cpu: '1500m', memory: '0', pods: '0' });
  });

  test('IntOrString is a number for type 0 and a string for type 1; empty is 0', () => {
    const minAvailable = (value: readonly WireField[]): unknown => field(decode('policy/v1', 'PodDisruptionBudget', [[2, [[1, value]]]]), 'spec', 'minAvailable');
    assert.equal(minAvailable([[1, 0], [2, 3]]), 3);
    assert.equal(minAvailable([[1, 1], [3, '50%']]), '50%');
    assert.equal(minAvailable([]), 0);
    assert.equal(minAvailable([[1, 1]]), '');
  });
});

describe("Go's omitempty and pointer rules", () => {
  test('a pointer set to zero is kept; a zero non-pointer is left out', () => {
    const deployment = decode('apps/v1', 'Deployment', [[2, [[1, 0], [5, 0], [7, false], [6, 0]]]]);
    // replicas and revisionHistoryLimit are pointers; minReadySeconds and paused are not.
    assert.deepStrictEqual(deployment.spec, { replicas: 0, revisionHistoryLimit: 0, selector: null });
  });

  test('fields without omitempty are written even when zero, absent pointers without it are null', () => {
    const role = decode('rbac.authorization.k8s.io/v1', 'Role', [[2, [[1, 'get']]]]);
    assert.deepStrictEqual(role.rules, [{ verbs: ['get'] }]);
    const binding = decode('rbac.authorization.k8s.io/v1', 'RoleBinding', [[3, [[1, ''], [2, 'ClusterRole'], [3, 'view']]]]);
    assert.deepStrictEqual(binding.roleRef, { apiGroup: '', kind: 'ClusterRole', name: 'view' });
    const pod = decode('v1', 'Pod', [[2, [[2, [[1, '']]]]]]);
    assert.deepStrictEqual(field(pod, 'spec', 'containers'), [{ name: '' }]);
  });

  test('an embedded struct writes its fields into the parent (Volume, Probe, ConfigMapKeySelector)', () => {
    const pod = decode('v1', 'Pod', [
      [
        2,
        [
          [1, [[1, 'cache'], [2, [[2, [[1, 'Memory']]]]]]],
          [
            2,
            [
              [1, 'app'],
              [10, [[1, [[2, [[1, '/healthz'], [2, [[1, 1], [3, 'http']]]]]]], [4, 7]]],
              [7, [[1, 'MODE'], [3, [[3, [[1, [[1, 'settings']]], [2, 'mode']]]]]]],
            ],
          ],
        ],
      ],
    ]);
    assert.deepStrictEqual(pod.spec, {
      volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
      containers: [
        {
          name: 'app',
          env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 7 },
        },
      ],
    });
  });

  test('bytes are standard base64, including an empty value in a map', () => {
    const secret = decode('v1', 'Secret', [
      [2, [[1, 'key'], [2, Buffer.from([0xfb, 0xff, 0x00])]]],
      [2, [[1, 'empty'], [2, Buffer.alloc(0)]]],
    ]);
    assert.deepStrictEqual(secret.data, { key: '+/8A', empty: '' });
  });
});

describe('wire details', () => {
  test('unknown fields are skipped, as the Kubernetes API server skips them', () => {
    const unknown = encodeMessage([[999, 'from a newer kubectl'], [1, 'team-c']]);
    assert.deepStrictEqual(decode('v1', 'Namespace', [[1, unknown]]).metadata, { name: 'team-c' });
  });

  test('repeated numbers are read packed and unpacked', () => {
    // PodFailurePolicyOnExitCodesRequirement.values = 3: unpacked (3 varints) and packed (one length-delimited run).
    const unpacked: WireField[] = [[2, 'In'], [3, 1], [3, 2]];
    const packed = Buffer.concat([encodeMessage([[2, 'In']]), Buffer.from([0x1a, 0x02, 0x01, 0x02])]);
    const exitCodes = (requirement: readonly WireField[] | Uint8Array): unknown =>
      field(decode('batch/v1', 'Job', [[2, [[11, [[1, [[1, 'FailJob'], [2, requirement]]]]]]]]), 'spec', 'podFailurePolicy', 'rules');
    assert.deepStrictEqual(exitCodes(unpacked), [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }]);
    assert.deepStrictEqual(exitCodes(packed), [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }]);
  });

  test('a repeated map key keeps the last value', () => {
    const ns = decode('v1', 'Namespace', [[1, [[11, [[1, 'app'], [2, 'old']]], [11, [[1, 'app'], [2, 'new']]]]]]);
    assert.deepStrictEqual(field(ns, 'metadata', 'labels'), { app: 'new' });
  });
});
