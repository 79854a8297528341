import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { LAST_APPLIED_ANNOTATION, managerFromRequest, serverSideApply, updateManagedFields } from '../../../src/api/patch/apply.js';
import { PatchError } from '../../../src/api/patch/errors.js';
import { FieldSet } from '../../../src/api/patch/field-set.js';
import { pathString } from '../../../src/api/patch/field-path.js';
import type { JsonObject, JsonValue } from '../../../src/api/patch/json-value.js';
import type { ManagedFieldsEntry } from '../../../src/api/patch/managed-fields.js';
import { schemaFor, type SchemaTable } from '../../../src/api/patch/patch-metadata.js';
import { WEB_LIVE } from './fixtures/cases.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment', resetFields: [['status']] } as const;
const at = (minute: number): Date => new Date(Date.UTC(2026, 0, 5, 10, minute, 0));
const stamp = (minute: number): string => at(minute).toISOString().replace('.000Z', 'Z');

const y = (text: string): JsonObject => YAML.parse(text) as JsonObject;

function config(edit: (c: JsonObject & { spec: JsonObject & { template: { spec: { containers: JsonObject[] } } } }) => void = () => undefined): JsonObject {
  const c = y(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.24
        ports: [{containerPort: 80}]
`);
  edit(c as Parameters<typeof edit>[0]);
  return c;
}

/** What the store adds on create, so later writes see an existing object. */
function stored(object: JsonObject): JsonObject {
  const out = structuredClone(object);
  Object.assign(out.metadata as JsonObject, { uid: 'a1b2c3', resourceVersion: '7', creationTimestamp: stamp(0) });
  return out;
}

function entries(object: JsonObject): ManagedFieldsEntry[] {
  return ((object.metadata as JsonObject).managedFields ?? []) as unknown as ManagedFieldsEntry[];
}

/** manager/operation -> owned paths, as conflict messages print them. */
function owners(object: JsonObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries(object)) out[`${e.manager ?? ''}/${e.operation ?? ''}`] = FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathString);
  return out;
}

function apply(live: JsonObject | undefined, body: unknown, manager: string, minute: number, extra: { force?: boolean; subresource?: string } = {}): JsonObject {
  return serverSideApply(live, body, { ...DEPLOYMENT, manager, now: at(minute), ...extra });
}

function update(live: JsonObject | undefined, next: JsonObject, manager: string, minute: number, extra: { subresource?: string; resetFields?: string[][] } = {}): JsonObject {
  return updateManagedFields(live, next, { ...DEPLOYMENT, manager, now: at(minute), ...extra });
}

function spec(object: JsonObject): JsonObject {
  return object.spec as JsonObject;
}

function conflict(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PatchError, String(err));
    return err;
  }
  assert.fail('expected a conflict');
}

describe('server-side apply', () => {
  it('an apply that creates an object records the applier as its owner, as the API server encodes it', () => {
    const created = apply(undefined, config(), 'kubectl', 1);
    assert.deepEqual(entries(created), [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: stamp(1),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    assert.deepEqual(spec(created).replicas, 2);
  });

  it('re-applying without a field removes it when no other manager owns it', () => {
    const live = stored(apply(undefined, config((c) => ((c.metadata as JsonObject).labels = { app: 'web', tier: 'a' })), 'kubectl', 1));
    const out = apply(live, config((c) => delete c.spec.replicas), 'kubectl', 2);
    assert.equal(spec(out).replicas, undefined);
    assert.deepEqual((out.metadata as JsonObject).labels, { app: 'web' });
    assert.ok(!owners(out)['kubectl/Apply']?.includes('.spec.replicas'));
    assert.equal((out.metadata as JsonObject).uid, 'a1b2c3', 'server-owned metadata survives');
  });

  it('re-applying without a field another applier also owns keeps the field for that applier', () => {
    const first = stored(apply(undefined, config(), 'team-a', 1));
    const shared = apply(first, config(), 'team-b', 2);
    const out = apply(shared, config((c) => delete c.spec.replicas), 'team-a', 3);
    assert.equal(spec(out).replicas, 2);
    assert.ok(owners(out)['team-b/Apply']?.includes('.spec.replicas'));
    assert.ok(!owners(out)['team-a/Apply']?.includes('.spec.replicas'));
  });

  it('a container one applier stops applying is removed with everything in it, even fields others changed', () => {
    const twoContainers = config((c) => c.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' }));
    const live = stored(apply(undefined, twoContainers, 'kubectl', 1));
    const edited = update(live, applyEdit(live, (d) => ((d.spec.template.spec.containers[1] as JsonObject).image = 'busybox:2')), 'kubectl-edit', 2);
    const out = apply(edited, config(), 'kubectl', 3);
    assert.deepEqual((spec(out).template as { spec: { containers: JsonObject[] } }).spec.containers.map((c) => c.name), ['nginx']);
  });

  it('a different value for a field another manager owns is a conflict worded as the API server words it', () => {
    const created = stored(update(undefined, config(), 'kubectl-client-side-apply', 1));
    const err = conflict(() => apply(created, config((c) => (c.spec.replicas = 5)), 'kubectl', 2));
    const status = err.toStatus();
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(status.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] });
  });

  it('conflicts with several fields and managers are listed per manager', () => {
    const created = stored(update(undefined, config(), 'kubectl-client-side-apply', 1));
    const labelled = apply(created, config(), 'ops', 2);
    const err = conflict(() =>
      apply(
        labelled,
        config((c) => {
          c.spec.replicas = 5;
          c.spec.template.spec.containers[0] = { name: 'nginx', image: 'nginx:2', ports: [{ containerPort: 80 }] };
        }),
        'kubectl',
        3,
      ),
    );
    assert.equal(
      err.message,
      [
        'Apply failed with 4 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:',
        '- .spec.replicas',
        '- .spec.template.spec.containers[name="nginx"].image',
        'conflicts with "ops":',
        '- .spec.replicas',
        '- .spec.template.spec.containers[name="nginx"].image',
      ].join('\n'),
    );
    assert.equal(err.toStatus().details?.causes?.length, 4);
  });

  it('force=true takes the conflicting fields from their owners', () => {
    const created = stored(update(undefined, config(), 'kubectl-client-side-apply', 1));
    const out = apply(created, config((c) => (c.spec.replicas = 5)), 'kubectl', 2, { force: true });
    assert.equal(spec(out).replicas, 5);
    assert.ok(owners(out)['kubectl/Apply']?.includes('.spec.replicas'));
    assert.ok(!owners(out)['kubectl-client-side-apply/Update']?.includes('.spec.replicas'));
    assert.ok(owners(out)['kubectl-client-side-apply/Update']?.includes('.spec.template.spec.containers[name="nginx"].image'));
  });

  it('applying the value another manager already set is not a conflict: both own the field', () => {
    const created = stored(update(undefined, config(), 'kubectl-client-side-apply', 1));
    const out = apply(created, config(), 'kubectl', 2);
    assert.ok(owners(out)['kubectl/Apply']?.includes('.spec.replicas'));
    assert.ok(owners(out)['kubectl-client-side-apply/Update']?.includes('.spec.replicas'));
  });

  it('an unchanged re-apply changes nothing, not even the time', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const again = apply(live, config(), 'kubectl', 9);
    assert.deepEqual(again, live);
  });

  it('status in an applied configuration is not owned through the main resource', () => {
    const out = apply(undefined, config((c) => (c.status = { replicas: 1 })), 'kubectl', 1);
    assert.ok(!(owners(out)['kubectl/Apply'] ?? []).some((p) => p.startsWith('.status')));
  });

  it('items another applier added to an associative list stay in place', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const sidecarOnly = y('{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: default}, spec: {template: {spec: {containers: [{name: sidecar, image: busybox}]}}}}');
    const withSidecar = apply(live, sidecarOnly, 'mesh', 2);
    const out = apply(withSidecar, config((c) => ((c.spec.template.spec.containers[0] as JsonObject).image = 'nginx:1.25')), 'kubectl', 3);
    assert.deepEqual(
      (spec(out).template as { spec: { containers: JsonObject[] } }).spec.containers.map((c) => [c.name, c.image]),
      [
        ['nginx', 'nginx:1.25'],
        ['sidecar', 'busybox'],
      ],
    );
  });

  it('apply and ownership updates never modify the objects they are given', () => {
    const live = stored(update(undefined, config(), 'kubectl-client-side-apply', 1));
    const body = config((c) => (c.spec.replicas = 5));
    const [liveBefore, bodyBefore] = [structuredClone(live), structuredClone(body)];
    apply(live, body, 'kubectl', 2, { force: true });
    const next = applyEdit(live, (d) => (d.spec.replicas = 6));
    const nextBefore = structuredClone(next);
    update(live, next, 'kubectl-edit', 3);
    assert.deepEqual(live, liveBefore);
    assert.deepEqual(body, bodyBefore);
    assert.deepEqual(next, nextBefore);
  });

  it('an apply to a subresource is recorded with it', () => {
    const out = apply(undefined, config(), 'ctrl', 1, { subresource: 'status' });
    assert.equal(entries(out)[0]?.subresource, 'status');
  });
});

describe("kubectl's first server-side apply after client-side applies", () => {
  const fixture = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'apply-server-side.json'), 'utf8')) as {
    requests: Record<string, { body: string }>;
  };

  it('does not conflict on fields still at their last-applied values, and keeps last-applied in step', () => {
    for (const [version, request] of Object.entries(fixture.requests)) {
      const body = YAML.parse(request.body) as JsonObject;
      const out = apply(WEB_LIVE as unknown as JsonObject, body, 'kubectl', 5);
      assert.equal(spec(out).replicas, 3, version);
      assert.deepEqual(Object.keys(owners(out)).sort(), ['before-first-apply/Update', 'kubectl/Apply'], version);
      assert.ok(owners(out)['kubectl/Apply']?.includes('.spec.replicas'), version);
      assert.ok(!owners(out)['before-first-apply/Update']?.includes('.spec.replicas'), version);
      const lastApplied = JSON.parse(((out.metadata as JsonObject).annotations as Record<string, string>)[LAST_APPLIED_ANNOTATION] as string) as JsonObject;
      assert.deepEqual(lastApplied, body, version);
    }
  });

  it('conflicts on a field changed since the last client-side apply', () => {
    const scaled = structuredClone(WEB_LIVE) as unknown as JsonObject;
    (scaled.spec as JsonObject).replicas = 7;
    const body = YAML.parse(fixture.requests['1.33']?.body ?? '') as JsonObject;
    const err = conflict(() => apply(scaled, body, 'kubectl', 5));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });
});

describe('apply requests the API server refuses', () => {
  const cases: { name: string; body: unknown; code: number; message: string }[] = [
    { name: 'a configuration of another kind is a 400', body: config((c) => (c.kind = 'ReplicaSet')), code: 400, message: 'invalid object type: apps/v1, Kind=ReplicaSet' },
    { name: 'a configuration without apiVersion is a 400', body: config((c) => delete c.apiVersion), code: 400, message: 'invalid object type: /, Kind=Deployment' },
    { name: 'a configuration carrying managedFields is a 400', body: config((c) => ((c.metadata as JsonObject).managedFields = [])), code: 400, message: 'metadata.managedFields must be nil' },
    { name: 'a body that is not an object is a 400', body: ['x'], code: 400, message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}' },
    {
      name: 'two containers with one name are a 500, as upstream',
      body: config((c) => c.spec.template.spec.containers.push({ name: 'nginx', image: 'x' })),
      code: 500,
      message: 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="nginx"]',
    },
    {
      name: 'a container without a name is a 500, as upstream',
      body: config((c) => c.spec.template.spec.containers.push({ image: 'x' })),
      code: 500,
      message:
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 1: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
    },
    { name: 'a __proto__ key is refused', body: JSON.parse('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"__proto__":{"x":1}}}') as unknown, code: 400, message: 'the patch contains the forbidden key "__proto__"' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const err = conflict(() => apply(undefined, c.body, 'kubectl', 1));
      assert.equal(err.code, c.code);
      assert.equal(err.message, c.message);
    });
  }
});

/** The object after an edit, managedFields untouched (what a PATCH produces before ownership is recorded). */
function applyEdit(object: JsonObject, edit: (d: { spec: { replicas?: number; template: { spec: { containers: JsonObject[] } } }; metadata: JsonObject }) => void): JsonObject {
  const copy = structuredClone(object);
  edit(copy as unknown as Parameters<typeof edit>[0]);
  return copy;
}

describe('managedFields on ordinary writes', () => {
  it('a create records every field it sets for its manager, as the API server does for `kubectl create`', () => {
    const created = update(undefined, WEB_LIVE as unknown as JsonObject, 'kubectl-create', 1);
    const [entry] = entries(created);
    assert.equal(entries(created).length, 1);
    assert.deepEqual({ ...entry, fieldsV1: undefined }, { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: stamp(1), fieldsType: 'FieldsV1', fieldsV1: undefined });
    const spec = (entry?.fieldsV1 as JsonObject)['f:spec'] as JsonObject;
    // No "." on spec, strategy or template: Go's zero object already has them.
    assert.deepEqual(Object.keys(spec), ['f:progressDeadlineSeconds', 'f:replicas', 'f:revisionHistoryLimit', 'f:selector', 'f:strategy', 'f:template']);
    assert.deepEqual(spec['f:strategy'], { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} });
    const containers = ((spec['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers'] as JsonObject;
    assert.deepEqual(Object.keys(containers), ['k:{"name":"nginx"}', 'k:{"name":"sidecar"}']);
    assert.deepEqual((containers['k:{"name":"nginx"}'] as JsonObject)['f:resources'], {});
    assert.deepEqual(((entry?.fieldsV1 as JsonObject)['f:metadata'] as JsonObject)['f:labels'], { '.': {}, 'f:app': {} });
    assert.equal(Object.keys(owners(created)).length, 1);
    assert.ok(!owners(created)['kubectl-create/Update']?.some((p) => p.startsWith('.status') || p === '.metadata.uid'));
  });

  it('an update takes the fields it changes from their owners, and the next apply then conflicts with it', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const scaled = update(live, applyEdit(live, (d) => (d.spec.replicas = 9)), 'kubectl-edit', 2);
    assert.deepEqual(owners(scaled)['kubectl-edit/Update'], ['.spec.replicas']);
    assert.ok(!owners(scaled)['kubectl/Apply']?.includes('.spec.replicas'));
    const err = conflict(() => apply(scaled, config(), 'kubectl', 3));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
  });

  it('an update that removes a field takes it from every manager', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const out = update(live, applyEdit(live, (d) => delete (d.metadata.labels as JsonObject).app), 'kubectl-label', 2);
    assert.ok(!owners(out)['kubectl/Apply']?.includes('.metadata.labels.app'));
    assert.equal(owners(out)['kubectl-label/Update'], undefined, 'removing alone owns nothing');
  });

  it('objects stored without managedFields are not tracked by updates', () => {
    const live = stored(config());
    const out = update(live, applyEdit(live, (d) => (d.spec.replicas = 3)), 'kubectl-edit', 2);
    assert.equal((out.metadata as JsonObject).managedFields, undefined);
  });

  it('`managedFields: []` in a request clears them; decodable managedFields in a request are kept', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const cleared = update(live, applyEdit(live, (d) => (d.metadata.managedFields = [])), 'kubectl-edit', 2);
    assert.equal((cleared.metadata as JsonObject).managedFields, undefined);
    const migrated: ManagedFieldsEntry[] = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: stamp(1), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const out = update(live, applyEdit(live, (d) => (d.metadata.managedFields = migrated as unknown as JsonValue)), 'kubectl', 2);
    assert.deepEqual(entries(out), migrated);
  });

  it('a status update is recorded with its subresource and ignores managedFields in the request', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const next = structuredClone(live);
    next.status = { replicas: 2 };
    (next.metadata as JsonObject).managedFields = [];
    const out = update(live, next, 'kube-controller-manager', 2, { subresource: 'status', resetFields: [['spec'], ['metadata']] });
    const entry = entries(out).find((e) => e.manager === 'kube-controller-manager');
    assert.equal(entry?.subresource, 'status');
    assert.deepEqual(FieldSet.fromFieldsV1(entry?.fieldsV1).paths().map(pathString), ['.status.replicas']);
    assert.ok(owners(out)['kubectl/Apply']?.includes('.spec.replicas'));
  });

  it('an eleventh update manager folds the oldest ones into ancient-changes', () => {
    let live = stored(update(undefined, config(), 'creator', 0));
    for (let i = 1; i <= 11; i += 1) {
      live = update(live, applyEdit(live, (d) => ((d.metadata.labels as JsonObject)[`k${i}`] = 'v')), `writer-${i}`, i);
    }
    const managers = entries(live).map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes'));
    assert.ok(!managers.includes('creator') && !managers.includes('writer-1'));
    const ancient = owners(live)['ancient-changes/Update'] ?? [];
    assert.ok(ancient.includes('.spec.replicas') && ancient.includes('.metadata.labels.k1'));
  });

  it('an object that does not fit its schema keeps its managedFields', () => {
    const live = stored(apply(undefined, config(), 'kubectl', 1));
    const broken = applyEdit(live, (d) => (d.spec.template.spec.containers = ['not-a-container' as unknown as JsonObject]));
    assert.deepEqual(entries(update(live, broken, 'x', 2)), entries(live));
  });

  it('the manager is the fieldManager parameter, else the user agent product', () => {
    assert.equal(managerFromRequest('helm', 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc'), 'helm');
    assert.equal(managerFromRequest(undefined, 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc'), 'kubectl');
    assert.equal(managerFromRequest('', 'kube-controller-manager/v1.33.0'), 'kube-controller-manager');
    assert.equal(managerFromRequest(undefined, undefined), '');
  });
});

describe('several appliers and updaters sharing an object (structured-merge-diff scenarios)', () => {
  const TABLE: SchemaTable = {
    types: {
      thing: { fields: { listOfLists: { type: 'item', listType: 'map', listMapKeys: ['name'] } } },
      item: { fields: { value: { listType: 'set' } } },
    },
    roots: { 'example.com/Thing': 'thing' },
  };
  const target = { group: 'example.com', version: 'v1', kind: 'Thing', schema: schemaFor('example.com', 'Thing', TABLE) };
  const doc = (body: string): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, ...y(body) });
  type Op = { apply: string; manager: string } | { update: string; manager: string };
  function run(ops: Op[]): JsonObject {
    let live: JsonObject | undefined;
    ops.forEach((op, i) => {
      if ('apply' in op) live = serverSideApply(live, doc(op.apply), { ...target, manager: op.manager, now: at(i) });
      else {
        const next = doc(op.update);
        (next.metadata as JsonObject).managedFields = ((live?.metadata as JsonObject | undefined)?.managedFields ?? null) as JsonValue;
        live = updateManagedFields(live, next, { ...target, manager: op.manager, now: at(i) });
      }
      live = stored(live);
    });
    return live as JsonObject;
  }
  const body = (object: JsonObject): JsonValue | undefined => object.listOfLists;

  it('an item another applier owns survives, minus the sub-items only the remover owned', () => {
    const out = run([
      { apply: 'listOfLists: [{name: a}, {name: b, value: [c]}]', manager: 'apply-one' },
      { apply: 'listOfLists: [{name: b, value: [d]}]', manager: 'apply-two' },
      { update: 'listOfLists: [{name: a}, {name: b, value: [c, d, e]}]', manager: 'controller' },
      { apply: 'listOfLists: [{name: a}]', manager: 'apply-one' },
    ]);
    assert.deepEqual(body(out), [{ name: 'a' }, { name: 'b', value: ['d', 'e'] }]);
    assert.deepEqual(owners(out)['apply-one/Apply'], ['.listOfLists[name="a"]', '.listOfLists[name="a"].name']);
    assert.deepEqual(owners(out)['controller/Update'], ['.listOfLists[name="b"].value[="e"]']);
  });

  it('an item only the remover owned goes, even with sub-items an updater added', () => {
    const out = run([
      { apply: 'listOfLists: [{name: a}, {name: b, value: [c]}]', manager: 'apply-one' },
      { apply: 'listOfLists: [{name: a, value: [b]}]', manager: 'apply-two' },
      { update: 'listOfLists: [{name: a, value: [b]}, {name: b, value: [c, d]}]', manager: 'controller' },
      { apply: 'listOfLists: [{name: a}]', manager: 'apply-one' },
    ]);
    assert.deepEqual(body(out), [{ name: 'a', value: ['b'] }]);
    assert.equal(owners(out)['controller/Update'], undefined, 'the controller owned only what was removed');
  });

  it('a field an updater changed after the applier set it belongs to the updater', () => {
    const out = run([
      { apply: 'listOfLists: [{name: a, value: [x]}]', manager: 'applier' },
      { update: 'listOfLists: [{name: a, value: [x, y]}]', manager: 'updater' },
      { apply: 'listOfLists: [{name: a}]', manager: 'applier' },
    ]);
    assert.deepEqual(body(out), [{ name: 'a', value: ['y'] }]);
    assert.deepEqual(owners(out)['updater/Update'], ['.listOfLists[name="a"].value[="y"]']);
  });
});
