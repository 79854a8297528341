// The message descriptions: the real ones compile and cover issue #10's kinds,
// mistakes in a description fail when it is compiled, and a new kind is a few lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileSchema, type GroupVersionSpec } from '../../../src/api/protobuf/describe.js';
import { decodeKubernetesProtobuf } from '../../../src/api/protobuf/decode.js';
import { kubernetesSchema } from '../../../src/api/protobuf/schema.js';
import { messageToJson } from '../../../src/api/protobuf/to-json.js';
import { encodeMessage, envelope } from './wire.js';

const ISSUE_KINDS = [
  'v1 Namespace',
  'v1 ConfigMap',
  'v1 Secret',
  'v1 Service',
  'v1 ServiceAccount',
  'v1 ResourceQuota',
  'v1 Pod',
  'apps/v1 Deployment',
  'batch/v1 Job',
  'batch/v1 CronJob',
  'networking.k8s.io/v1 Ingress',
  'policy/v1 PodDisruptionBudget',
  'scheduling.k8s.io/v1 PriorityClass',
  'rbac.authorization.k8s.io/v1 Role',
  'rbac.authorization.k8s.io/v1 RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'authentication.k8s.io/v1 TokenRequest',
];

describe('the descriptions kubeql ships', () => {
  test('cover every kind of issue #10, and each decodes an empty object of its type', () => {
    const served = kubernetesSchema().kinds.map((k) => `${k.apiVersion} ${k.kind}`);
    for (const kind of ISSUE_KINDS) assert.ok(served.includes(kind), `${kind} has no description`);
    for (const { apiVersion, kind } of kubernetesSchema().kinds) {
      const object = decodeKubernetesProtobuf(envelope(apiVersion, kind, []), { apiVersion, kind });
      assert.equal(object.kind, kind);
      assert.equal(object.apiVersion, apiVersion);
    }
  });

  test('every nested message the PodSpec needs is there', () => {
    const schema = kubernetesSchema();
    for (const name of ['PodSpec', 'Container', 'Probe', 'Lifecycle', 'EnvVarSource', 'VolumeSource', 'ResourceRequirements', 'SecurityContext', 'Affinity', 'Toleration', 'TopologySpreadConstraint', 'EphemeralContainer']) {
      assert.ok(schema.message(name), name);
    }
    const volumeSource = schema.message('VolumeSource');
    const sources = volumeSource?.fields.map((f) => f.name) ?? [];
    for (const common of ['emptyDir', 'configMap', 'secret', 'hostPath', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs', 'csi', 'ephemeral', 'image']) assert.ok(sources.includes(common), common);
  });
});

describe('mistakes in a description fail at compile time', () => {
  const group = (messages: GroupVersionSpec['messages'], kinds: string[] = []): GroupVersionSpec[] => [{ apiVersion: 'example.com/v1', kinds, messages }];
  const cases: [string, GroupVersionSpec[], RegExp][] = [
    ['an unknown type', group({ Widget: { size: [1, 'Size'] } }), /Widget\.size: unknown type Size/],
    ['a field number used twice', group({ Widget: { a: [1, 'string'], b: [1, 'int32'] } }), /Widget\.b: field number 1 is used twice/],
    ['a message described twice', [...group({ Widget: {} }), ...group({ Widget: {} })], /message Widget is described twice/],
    ['an unreadable type', group({ Widget: { a: [1, 'string[]?'] } }), /Widget\.a: "\?" only applies to single fields/],
    ['a typo in the grammar', group({ Widget: { a: [1, 'map<string'] } }), /Widget\.a: cannot read type "map<string"/],
    ['an inline scalar', group({ Widget: { '...a': [1, 'string'] } }), /Widget\.\.\.\.a: only a message can be inline/],
    ['a kind without its message', group({}, ['Widget']), /example\.com\/v1 Widget: no message describes the kind/],
  ];
  for (const [name, groups, error] of cases) {
    test(name, () => assert.throws(() => compileSchema(groups), error));
  }
});

test('a new kind is a message and a name in `kinds`', () => {
  const widgets: GroupVersionSpec = {
    apiVersion: 'example.com/v1',
    kinds: ['Widget'],
    messages: {
      Widget: { metadata: [1, 'ObjectMeta'], spec: [2, 'WidgetSpec'] },
      WidgetSpec: { size: [1, 'int32?'], colour: [2, 'string'], parts: [3, 'map<Quantity>'] },
    },
  };
  const schema = compileSchema([{ apiVersion: '', kinds: [], messages: { ObjectMeta: { name: [1, 'string'] } } }, widgets]);
  const widget = schema.kind('example.com/v1', 'Widget');
  assert.ok(widget);
  const raw = encodeMessage([
    [1, [[1, 'w']]],
    [2, [[1, 0], [2, ''], [3, [[1, 'bolts'], [2, [[1, '12']]]]]]],
  ]);
  assert.deepStrictEqual(messageToJson(widget, widget.type.decode(raw) as unknown as Record<string, unknown>), { metadata: { name: 'w' }, spec: { size: 0, parts: { bolts: '12' } } });
});
