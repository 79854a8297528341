// The create fast path for managedFields must write exactly what the general
// path (compare against an empty object, then filter) writes. The general path
// is reached through updateManagedFields with `live = {}`: an object without
// uid or managedFields, which the comparison treats exactly as a create's
// empty starting point, but which does not take the fast path.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { setDefaults } from '../../../src/admission/defaults/index.js';
import { updateManagedFields, type UpdateOptions } from '../../../src/api/patch/apply.js';
import { createdFieldSet } from '../../../src/api/patch/created-fields.js';
import { fieldElement } from '../../../src/api/patch/field-path.js';
import { FieldSet } from '../../../src/api/patch/field-set.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../../../src/api/patch/json-value.js';
import { schemaFor } from '../../../src/api/patch/patch-metadata.js';
import { compareValues, TypedValueError } from '../../../src/api/patch/typed-value.js';

const MANIFESTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/manifests');
const NOW = new Date(Date.UTC(2026, 10, 23, 18, 0, 0));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** Every object in the fixture manifests (List items unpacked). */
function fixtureObjects(): { source: string; object: JsonObject }[] {
  const out: { source: string; object: JsonObject }[] = [];
  for (const file of yamlFiles(MANIFESTS)) {
    for (const doc of YAML.parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as unknown;
      if (!isJsonObject(value)) continue;
      const items = value.kind === 'List' && Array.isArray(value.items) ? value.items.filter(isJsonObject) : [value];
      for (const object of items) out.push({ source: `${path.relative(MANIFESTS, file)} ${String(object.kind)}/${String((object.metadata as JsonObject | undefined)?.name)}`, object });
    }
  }
  return out;
}

function gvk(object: JsonObject): { group: string; version: string; kind: string } {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'v1';
  const slash = apiVersion.indexOf('/');
  return { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind: typeof object.kind === 'string' ? object.kind : '' };
}

function options(object: JsonObject, extra: Partial<UpdateOptions> = {}): UpdateOptions {
  return { ...gvk(object), manager: 'kubectl-create', now: NOW, ...extra };
}

/** Runs both paths and asserts they agree; returns the fast path's object. */
function assertSame(object: JsonObject, opts: UpdateOptions, label: string): JsonObject {
  const input = cloneJson(object);
  const fast = updateManagedFields(undefined, object, opts);
  const general = updateManagedFields({}, object, opts);
  assert.deepEqual(object, input, `${label}: input modified`);
  assert.deepEqual(fast, general, label);
  // Key order is part of the JSON clients see.
  assert.equal(JSON.stringify(fast), JSON.stringify(general), `${label}: key order`);
  return fast;
}

/** Statistics over the corpus, so the comparison provably covers the interesting shapes. */
function fieldsV1Text(object: JsonObject): string {
  const metadata = object.metadata as JsonObject | undefined;
  return JSON.stringify(metadata?.managedFields ?? null);
}

/** Deterministic variations: each field, in turn, dropped, nulled, emptied or duplicated. */
function* variations(object: JsonObject, seed: number): Generator<JsonObject> {
  let state = seed;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const containers: (JsonObject | JsonValue[])[] = [];
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) {
      containers.push(value);
      value.forEach(visit);
    } else if (isJsonObject(value)) {
      containers.push(value);
      Object.values(value).forEach(visit);
    }
  };
  for (let i = 0; i < 24; i += 1) {
    const copy = cloneJson(object);
    containers.length = 0;
    visit(copy);
    const target = containers[random(containers.length)];
    if (target === undefined) continue;
    if (Array.isArray(target)) {
      if (target.length === 0) target.push(null);
      else if (random(2) === 0) target.push(cloneJson(target[random(target.length)] as JsonValue));
      else target.splice(random(target.length), 1);
    } else {
      const keys = Object.keys(target);
      const key = keys[random(keys.length)];
      if (key === undefined) continue;
      const choice = random(5);
      if (choice === 0) delete target[key];
      else if (choice === 1) target[key] = null;
      else if (choice === 2) target[key] = {};
      else if (choice === 3) target[key] = [];
      else target[key] = 'x';
    }
    yield copy;
  }
}

describe('managedFields of a create (fast path)', () => {
  const fixtures = fixtureObjects();

  it('writes the same managedFields as the general path for every fixture manifest, as sent and defaulted', () => {
    assert.ok(fixtures.length >= 20, `found ${fixtures.length} fixture objects`);
    let withKeys = 0;
    let withDot = 0;
    for (const { source, object } of fixtures) {
      const out = assertSame(object, options(object), source);
      const defaulted = setDefaults({ group: gvk(object).group, kind: gvk(object).kind }, cloneJson(object));
      const out2 = assertSame(defaulted, options(defaulted), `${source} (defaulted)`);
      for (const text of [fieldsV1Text(out), fieldsV1Text(out2)]) {
        if (text.includes('k:{')) withKeys += 1;
        if (text.includes('".":{}')) withDot += 1;
      }
    }
    assert.ok(withKeys >= 10, `objects with keyed list items: ${withKeys}`);
    assert.ok(withDot >= 10, `objects with "." entries: ${withDot}`);
  });

  it('agrees with reset fields, for a subresource-free write that resets status or parts of spec and metadata', () => {
    for (const { source, object } of fixtures) {
      const withStatus = { ...cloneJson(object), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
      assertSame(withStatus, options(withStatus, { resetFields: [['status']] }), `${source} reset status`);
      assertSame(object, options(object, { resetFields: [['spec', 'template'], ['metadata', 'labels'], ['spec', 'replicas']] }), `${source} reset spec parts`);
    }
  });

  it('agrees on pods with containers, ports, env, volumes, duplicate keys, set lists and odd values', () => {
    const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p', namespace: 'default' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
    const cases: [string, JsonObject][] = [
      [
        'full pod',
        pod({
          containers: [
            {
              name: 'app',
              image: 'nginx',
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP', name: 'dns' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              resources: { limits: { cpu: '1' }, requests: {} },
              args: ['--x', '--y'],
            },
            { name: 'side', image: 'busybox', command: ['sleep', '1d'] },
          ],
          initContainers: [{ name: 'init', image: 'busybox' }],
          volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c', items: [{ key: 'k', path: 'p' }] } }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
          imagePullSecrets: [{ name: 's' }],
          nodeSelector: { disk: 'ssd' },
        }, { name: 'p', namespace: 'default', labels: { app: 'a' }, annotations: {}, finalizers: ['a/b', 'c/d'], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1' }] }),
      ],
      ['duplicate container names', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] })],
      ['duplicate finalizers', pod({ containers: [] }, { name: 'p', finalizers: ['x', 'x', 'y'] })],
      ['container without a name', pod({ containers: [{ image: 'x' }] })],
      ['null container', pod({ containers: [null] })],
      ['ports with the same port and protocol', pod({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 80 }] }] })],
      ['null spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: null }],
      ['scalar spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 'x' }],
      ['list spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: [] }],
      ['empty spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }],
      ['no metadata', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } }],
      ['null metadata', { apiVersion: 'v1', kind: 'ConfigMap', metadata: null, data: { a: 'b' } }],
      ['name only', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }],
      ['empty object', {}],
      ['custom resource', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec: { items: [{ name: 'a' }], nested: { deep: { x: 1 } }, empty: {} } }],
      ['service ports', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }], selector: { app: 'a' } } }],
      ['managed fields sent empty', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [] }, data: { a: 'b' } }],
      ['special characters', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'a<b>&c': 'd', '': 'e' } }, data: { 'x.y': '1', 'with "quote"': '2', '\u2028': '3' } }],
    ];
    let fallbacks = 0;
    for (const [label, object] of cases) {
      const out = assertSame(object, options(object), label);
      if ((out.metadata as JsonObject | undefined)?.managedFields === undefined) fallbacks += 1;
    }
    assert.ok(fallbacks >= 3, `cases without managedFields (invalid lists, nothing owned): ${fallbacks}`);
  });

  it('agrees on hundreds of mutated fixtures (dropped, nulled, emptied, duplicated fields and items)', () => {
    let count = 0;
    fixtures.forEach(({ source, object }, i) => {
      const defaulted = setDefaults({ group: gvk(object).group, kind: gvk(object).kind }, cloneJson(object));
      for (const variant of variations(defaulted, i + 1)) {
        assertSame(variant, options(variant), `${source} variant ${count}`);
        count += 1;
      }
    });
    assert.ok(count >= 500, `variants: ${count}`);
  });

  it('computes the filtered comparison directly', () => {
    const object = fixtures.find((f) => f.object.kind === 'Deployment')?.object;
    assert.ok(object !== undefined);
    const schema = schemaFor('apps', 'Deployment');
    const reset = FieldSet.of([fieldElement('status')]);
    const strip = FieldSet.of([fieldElement('metadata')], [fieldElement('metadata'), fieldElement('name')]);
    const change = compareValues({}, object, schema);
    const expected = change.added.union(change.modified).recursiveDifference(reset).difference(strip);
    const fast = createdFieldSet(object, schema, reset, strip);
    assert.ok(!fast.empty);
    assert.ok(fast.equals(expected));
    assert.deepEqual(fast.toFieldsV1(), expected.toFieldsV1());
    assert.throws(() => createdFieldSet({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, schema, reset, strip), TypedValueError);
  });
});
