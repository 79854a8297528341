import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { PatchError } from '../../../src/api/patch/errors.js';
import type { JsonObject } from '../../../src/api/patch/json-value.js';
import { patchMetadataAt, SchemaNode, schemaFor, type SchemaTable } from '../../../src/api/patch/patch-metadata.js';
import { applyStrategicMergePatch } from '../../../src/api/patch/strategic-merge.js';

// The shape apimachinery's own strategic merge tests patch: a struct with a
// merging list of items keyed by name, a merging int list, lists without a
// strategy, a `replace` field, a `retainKeys` map and a merging retainKeys list.
const ITEM = 'test.MergeItem';
const TEST_TABLE: SchemaTable = {
  types: {
    [ITEM]: {
      fields: {
        mergingList: { type: ITEM, patchStrategy: ['merge'], patchMergeKey: 'name' },
        nonMergingList: { type: ITEM },
        mergingIntList: { patchStrategy: ['merge'] },
        mergeItemPtr: { type: ITEM, patchStrategy: ['merge'], patchMergeKey: 'name' },
        replacingItem: { patchStrategy: ['replace'] },
        retainKeysMap: { type: 'test.RetainKeysMergeItem', patchStrategy: ['retainKeys'] },
        retainKeysMergingList: { type: ITEM, patchStrategy: ['merge', 'retainKeys'], patchMergeKey: 'name' },
      },
    },
    'test.RetainKeysMergeItem': {
      fields: {
        mergingIntList: { patchStrategy: ['merge'] },
        mergingList: { type: ITEM, patchStrategy: ['merge'], patchMergeKey: 'name' },
      },
    },
  },
  roots: {},
};
const testSchema = new SchemaNode(TEST_TABLE, TEST_TABLE.types[ITEM], undefined);

const y = (text: string): JsonObject => YAML.parse(text) as JsonObject;

describe('strategic merge patch semantics (apimachinery test vectors)', () => {
  const cases: { name: string; current: string; patch: string; result: string }[] = [
    {
      name: 'null deletes a key and other keys merge',
      current: 'name: hi\nvalue: 1\nsimpleMap: {a: x, b: y}',
      patch: 'value: null\nsimpleMap: {b: null, c: z}',
      result: 'name: hi\nsimpleMap: {a: x, c: z}',
    },
    {
      name: 'new items of a merging list come first in patch order and live-only items keep their place',
      current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]',
      patch: '$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}]\nmergingList: [{name: 4, value: 4}, {name: 3, value: 3}]',
      result: 'mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]',
    },
    {
      name: 'a patch item merges into the live item with the same key',
      current: 'mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2}]',
      patch: '$setElementOrder/mergingList: [{name: 1}, {name: 2}]\nmergingList: [{name: 1, value: 10}]',
      result: 'mergingList: [{name: 1, value: 10, other: a}, {name: 2, value: 2}]',
    },
    {
      name: '$patch delete removes the item with that key',
      current: 'mergingList: [{name: 1, other: a}, {name: 2, other: b}]',
      patch: '$setElementOrder/mergingList: [{name: 2}]\nmergingList: [{name: 1, $patch: delete}]',
      result: 'mergingList: [{name: 2, other: b}]',
    },
    {
      name: '$patch delete of an item that does not exist changes nothing',
      current: 'mergingList: [{name: 1}, {name: 2}]',
      patch: 'mergingList: [{name: 3, $patch: delete}]',
      result: 'mergingList: [{name: 1}, {name: 2}]',
    },
    {
      name: '$patch replace in a merging list replaces it with the other items',
      current: 'mergingList: [{name: 1, other: a}, {name: 2}]',
      patch: 'mergingList: [{name: 3, value: 3}, {$patch: replace}]',
      result: 'mergingList: [{name: 3, value: 3}]',
    },
    {
      name: 'a list without a merge strategy is replaced whole',
      current: 'nonMergingList: [{name: 1}, {name: 2}]\nnonMergingIntList: [1, 2]',
      patch: 'nonMergingList: [{name: 3}]\nnonMergingIntList: [3]',
      result: 'nonMergingList: [{name: 3}]\nnonMergingIntList: [3]',
    },
    {
      name: 'a merging list of scalars is a set union',
      current: 'mergingIntList: [1, 2]',
      patch: 'mergingIntList: [2, 3]',
      result: 'mergingIntList: [1, 2, 3]',
    },
    {
      name: '$deleteFromPrimitiveList removes every copy of the listed scalars',
      current: 'mergingIntList: [1, 2, 3, 3, 4]',
      patch: '$setElementOrder/mergingIntList: [1, 2]\n$deleteFromPrimitiveList/mergingIntList: [3]',
      result: 'mergingIntList: [1, 2, 4]',
    },
    {
      name: '$deleteFromPrimitiveList of a missing list adds nothing',
      current: 'name: hi',
      patch: '$deleteFromPrimitiveList/mergingIntList: [3]',
      result: 'name: hi',
    },
    {
      name: '$setElementOrder orders patch items and interleaves server-only items by their live order',
      current: 'mergingList: [{name: 1, other: a}, {name: 3, value: 3}, {name: 4, value: 4}, {name: 2, value: 2}, {name: 9}]',
      patch: '$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]',
      result: 'mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 3, value: 3}, {name: 1, other: a}, {name: 9}]',
    },
    {
      name: 'a nested merging list merges inside its parent item',
      current: 'mergingList: [{name: 1, mergingList: [{name: a, value: x}, {name: b}]}]',
      patch: 'mergingList: [{name: 1, mergingList: [{name: a, value: y}, {name: c}]}]',
      result: 'mergingList: [{name: 1, mergingList: [{name: a, value: y}, {name: c}, {name: b}]}]',
    },
    {
      name: 'a new item takes the patch value without its nulls and directives',
      current: 'mergingList: [{name: 1}]',
      patch: 'mergingList: [{name: 2, value: null, simpleMap: {a: b, c: null}}]',
      result: 'mergingList: [{name: 2, simpleMap: {a: b}}, {name: 1}]',
    },
    {
      name: 'a replace-strategy field is replaced whole',
      current: 'replacingItem: {a: 1, b: 2}',
      patch: 'replacingItem: {c: 3}',
      result: 'replacingItem: {c: 3}',
    },
    {
      name: '$patch replace on a map replaces it',
      current: 'simpleMap: {a: x, b: y}',
      patch: 'simpleMap: {c: z, $patch: replace}',
      result: 'simpleMap: {c: z}',
    },
    {
      name: '$patch delete on a map empties it',
      current: 'simpleMap: {a: x}\nname: hi',
      patch: 'simpleMap: {$patch: delete}',
      result: 'simpleMap: {}\nname: hi',
    },
    {
      name: '$retainKeys clears the keys it does not list',
      current: 'retainKeysMap: {name: type1, value: foo}',
      patch: 'retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}',
      result: 'retainKeysMap: {name: type2, other: bar}',
    },
    {
      name: '$retainKeys keeps listed keys the patch does not set',
      current: 'retainKeysMap: {name: foo, other: a}',
      patch: 'retainKeysMap: {$retainKeys: [name, value], value: bar}',
      result: 'retainKeysMap: {name: foo, value: bar}',
    },
    {
      name: '$retainKeys works on the items of a merging list',
      current: 'retainKeysMergingList: [{name: 1, value: a, other: b}]',
      patch: 'retainKeysMergingList: [{name: 1, $retainKeys: [name, value], value: c}]',
      result: 'retainKeysMergingList: [{name: 1, value: c}]',
    },
    {
      name: 'a value of another type replaces the live value',
      current: 'mergingList: [{name: 1}]\nvalue: {a: 1}',
      patch: 'value: text',
      result: 'mergingList: [{name: 1}]\nvalue: text',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const current = y(c.current);
      const before = structuredClone(current);
      const patch = y(c.patch);
      const patchBefore = structuredClone(patch);
      assert.deepEqual(applyStrategicMergePatch(current, patch, testSchema), y(c.result));
      assert.deepEqual(current, before, 'the live object is not modified');
      assert.deepEqual(patch, patchBefore, 'the patch is not modified');
    });
  }
});

describe('strategic merge patch on built-in kinds', () => {
  const deployment = (): JsonObject =>
    y(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [a, b]
  ownerReferences:
  - {apiVersion: v1, kind: Thing, name: one, uid: u1}
spec:
  replicas: 2
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations: [{key: a, operator: Exists}]
      volumes:
      - {name: data, emptyDir: {}}
      containers:
      - name: nginx
        image: nginx:1.24
        ports: [{containerPort: 80, protocol: TCP}]
        env: [{name: A, value: one}, {name: B, value: two}]
        volumeMounts: [{name: data, mountPath: /data}]
status:
  conditions:
  - {type: Available, status: "True"}
  - {type: Progressing, status: "True"}
`);
  const schema = schemaFor('apps', 'Deployment');
  const cases: { name: string; patch: string; check: (out: JsonObject) => void }[] = [
    {
      name: 'containers merge by name and keep the fields the patch does not mention',
      patch: 'spec: {template: {spec: {containers: [{name: nginx, image: nginx:1.25}]}}}',
      check: (out) => {
        const c = y('c: {name: nginx, image: nginx:1.25, ports: [{containerPort: 80, protocol: TCP}], env: [{name: A, value: one}, {name: B, value: two}], volumeMounts: [{name: data, mountPath: /data}]}');
        assert.deepEqual(((out.spec as JsonObject).template as JsonObject).spec, { ...(((deployment().spec as JsonObject).template as JsonObject).spec as JsonObject), containers: [c.c] });
      },
    },
    {
      name: 'container ports merge by containerPort',
      patch: 'spec: {template: {spec: {containers: [{name: nginx, ports: [{containerPort: 443}]}]}}}',
      check: (out) =>
        assert.deepEqual(containers(out)[0]?.ports, [
          { containerPort: 443 },
          { containerPort: 80, protocol: 'TCP' },
        ]),
    },
    {
      name: 'env entries merge by name',
      patch: 'spec: {template: {spec: {containers: [{name: nginx, env: [{name: B, value: three}, {name: C, value: four}]}]}}}',
      check: (out) =>
        assert.deepEqual(containers(out)[0]?.env, [
          { name: 'A', value: 'one' },
          { name: 'B', value: 'three' },
          { name: 'C', value: 'four' },
        ]),
    },
    {
      name: 'tolerations have no merge strategy and are replaced whole',
      patch: 'spec: {template: {spec: {tolerations: [{key: b, operator: Exists}]}}}',
      check: (out) => assert.deepEqual((((out.spec as JsonObject).template as JsonObject).spec as JsonObject).tolerations, [{ key: 'b', operator: 'Exists' }]),
    },
    {
      name: 'switching a volume source with $retainKeys drops the old source',
      patch: 'spec: {template: {spec: {volumes: [{name: data, $retainKeys: [configMap, name], configMap: {name: cfg}}]}}}',
      check: (out) => assert.deepEqual((((out.spec as JsonObject).template as JsonObject).spec as JsonObject).volumes, [{ name: 'data', configMap: { name: 'cfg' } }]),
    },
    {
      name: 'finalizers merge as a set',
      patch: 'metadata: {finalizers: [c, a]}',
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['c', 'a', 'b']),
    },
    {
      name: '$deleteFromPrimitiveList/finalizers removes one finalizer',
      patch: 'metadata: {$deleteFromPrimitiveList/finalizers: [a]}',
      check: (out) => assert.deepEqual((out.metadata as JsonObject).finalizers, ['b']),
    },
    {
      name: 'ownerReferences merge by uid',
      patch: 'metadata: {ownerReferences: [{apiVersion: v1, kind: Thing, name: two, uid: u2}]}',
      check: (out) =>
        assert.deepEqual(
          ((out.metadata as JsonObject).ownerReferences as JsonObject[]).map((o) => o.uid),
          ['u2', 'u1'],
        ),
    },
    {
      name: 'status conditions merge by type',
      patch: 'status: {conditions: [{type: Progressing, status: "False", reason: Stalled}]}',
      check: (out) =>
        assert.deepEqual((out.status as JsonObject).conditions, [
          { type: 'Available', status: 'True' },
          { type: 'Progressing', status: 'False', reason: 'Stalled' },
        ]),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = deployment();
      c.check(applyStrategicMergePatch(input, y(c.patch), schema));
      assert.deepEqual(input, deployment());
    });
  }

  it('service ports merge by port', () => {
    const svc = y('spec: {ports: [{name: http, port: 80, protocol: TCP}, {name: https, port: 443, protocol: TCP}]}');
    const out = applyStrategicMergePatch(svc, y('spec: {ports: [{port: 443, targetPort: 8443}]}'), schemaFor('', 'Service'));
    assert.deepEqual((out.spec as JsonObject).ports, [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
    ]);
  });

  it("a PodDisruptionBudget's selector has the replace strategy", () => {
    const pdb = y('spec: {selector: {matchLabels: {app: web, tier: a}}}');
    const out = applyStrategicMergePatch(pdb, y('spec: {selector: {matchLabels: {app: api}}}'), schemaFor('policy', 'PodDisruptionBudget'));
    assert.deepEqual(out.spec, { selector: { matchLabels: { app: 'api' } } });
  });

  it('a kind without patch metadata still merges metadata and replaces lists', () => {
    const cm = y('metadata: {name: c, labels: {a: x}, finalizers: [f1]}\ndata: {k1: v1}\nlist: [1, 2]');
    const out = applyStrategicMergePatch(cm, y('metadata: {labels: {b: y}, finalizers: [f2]}\ndata: {k1: null, k2: v2}\nlist: [3]'), schemaFor('', 'ConfigMap'));
    assert.deepEqual(out, y('metadata: {name: c, labels: {a: x, b: y}, finalizers: [f2, f1]}\ndata: {k2: v2}\nlist: [3]'));
  });
});

function containers(out: JsonObject): JsonObject[] {
  return ((((out.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]) ?? [];
}

describe('strategic merge patch failures answer as the API server does', () => {
  const schema = schemaFor('apps', 'Deployment');
  const live = y('metadata: {finalizers: []}\nspec: {strategy: {type: RollingUpdate}, template: {spec: {containers: [{name: nginx, image: a}]}}}');
  const cases: { name: string; patch: string; code: number; message: string }[] = [
    {
      name: 'a merging list item without its merge key is a 500 naming the item',
      patch: 'spec: {template: {spec: {containers: [{image: b}]}}}',
      code: 500,
      message: 'map: map[image:b] does not contain declared merge key: name',
    },
    {
      name: 'a $setElementOrder directive without a field name is a 400',
      patch: 'spec: {template: {spec: {$setElementOrder: []}}}',
      code: 400,
      message: 'invalid patch format of setElementOrder list',
    },
    {
      name: 'a $setElementOrder that disagrees with the patch list is a 500',
      patch: 'spec: {template: {spec: {$setElementOrder/containers: [{name: a}], containers: [{name: b}]}}}',
      code: 500,
      message: "The order in patch list:\n[map[name:b]]\n doesn't match $setElementOrder list:\n[map[name:a]]\n",
    },
    {
      name: 'a $retainKeys directive that is not a list is a 400',
      patch: 'spec: {strategy: {$retainKeys: type}}',
      code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'setting a key that $retainKeys does not list is a 400',
      patch: 'spec: {strategy: {$retainKeys: [type], rollingUpdate: {maxSurge: 1}}}',
      code: 400,
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'an unknown $patch directive in a map is a 500',
      patch: 'spec: {$patch: merge}',
      code: 500,
      message: 'unknown patch type: merge in map: map[$patch:merge]',
    },
    {
      name: '$patch merge inside a merging list is a 500',
      patch: 'spec: {template: {spec: {containers: [{name: nginx}, {$patch: merge}]}}}',
      code: 500,
      message: 'merging lists cannot yet be specified in the patch',
    },
    {
      name: 'a list of lists in a merging list is a 422',
      patch: 'metadata: {finalizers: [[a]]}',
      code: 422,
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: 'mixed element types in a merging list are a 500',
      patch: 'metadata: {finalizers: [a, 1]}',
      code: 500,
      message: 'list element types are not identical: [[] [a 1]]',
    },
    {
      name: 'a patch that is a list is a 400',
      patch: '[a]',
      code: 400,
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    },
    {
      name: '__proto__ in a directive field name is refused',
      patch: 'metadata: {$deleteFromPrimitiveList/__proto__: [a]}',
      code: 400,
      message: 'the patch contains the forbidden key "__proto__"',
    },
    {
      name: '__proto__ as a patch key is refused',
      patch: '{"metadata": {"__proto__": {"polluted": true}}}',
      code: 400,
      message: 'the patch contains the forbidden key "__proto__"',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const patch = c.patch.startsWith('{"') ? (JSON.parse(c.patch) as unknown) : YAML.parse(c.patch);
      assert.throws(
        () => applyStrategicMergePatch(live, patch, schema),
        (err: unknown) => {
          assert.ok(err instanceof PatchError, String(err));
          assert.equal(err.code, c.code);
          assert.equal(err.message, c.message);
          return true;
        },
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
});

describe('the patch metadata table', () => {
  const cases: { name: string; group: string; kind: string; path: string[]; expected: Partial<ReturnType<typeof patchMetadataAt>> }[] = [
    { name: 'pod template containers merge by name', group: 'apps', kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers'], expected: { listType: 'map', listMapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' } },
    { name: 'container ports merge by containerPort and apply keys them by port and protocol', group: '', kind: 'Pod', path: ['spec', 'containers', '*', 'ports'], expected: { listMapKeys: ['containerPort', 'protocol'], patchMergeKey: 'containerPort' } },
    { name: 'volumes merge by name and retain keys', group: 'batch', kind: 'CronJob', path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'volumes'], expected: { patchStrategy: ['merge', 'retainKeys'], patchMergeKey: 'name' } },
    { name: 'finalizers are a set on every kind', group: 'example.com', kind: 'Widget', path: ['metadata', 'finalizers'], expected: { listType: 'set', patchStrategy: ['merge'], patchMergeKey: '' } },
    { name: 'tolerations are atomic', group: '', kind: 'Pod', path: ['spec', 'tolerations'], expected: { listType: 'atomic', patchStrategy: [] } },
    { name: 'label selectors are atomic structs', group: 'apps', kind: 'ReplicaSet', path: ['spec', 'selector'], expected: { atomic: true } },
    { name: 'a service selector is an atomic map', group: '', kind: 'Service', path: ['spec', 'selector'], expected: { atomic: true } },
    { name: 'a deployment strategy retains keys', group: 'apps', kind: 'Deployment', path: ['spec', 'strategy'], expected: { patchStrategy: ['retainKeys'], atomic: false } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = patchMetadataAt(c.group, c.kind, c.path);
      for (const [key, value] of Object.entries(c.expected)) assert.deepEqual(found[key as keyof typeof found], value, key);
    });
  }
});
