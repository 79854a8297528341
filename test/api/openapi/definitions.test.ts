import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { closure, definitionFor, referencesOf, schemas, type Schema } from '../../../src/api/openapi/definitions.js';
import { builtinRegistry } from '../../../src/api/resources/registry.js';

const run = promisify(execFile);

const def = (name: string): Schema => {
  const schema = schemas[name];
  assert.ok(schema, `${name} is generated`);
  return schema;
};
const prop = (name: string, field: string): Schema => {
  const property = (def(name).properties as Record<string, Schema> | undefined)?.[field];
  assert.ok(property, `${name}.${field} exists`);
  return property;
};

describe('generated OpenAPI definitions', () => {
  it('are what scripts/build-openapi.ts generates from the installed packages (regenerate if this fails)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-openapi-'));
    try {
      const out = path.join(dir, 'definitions.json');
      await run(process.execPath, ['--import', 'tsx', 'scripts/build-openapi.ts', out], { cwd: path.resolve('.') });
      const [fresh, committed] = await Promise.all([fs.readFile(out, 'utf8'), fs.readFile('src/api/openapi/definitions.json', 'utf8')]);
      assert.ok(fresh === committed, 'src/api/openapi/definitions.json is stale: run node --import tsx scripts/build-openapi.ts');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('have a schema for the kind and list kind of every served resource that can be read or created', () => {
    for (const r of builtinRegistry.resources()) {
      const gvk = { group: r.group, version: r.version, kind: r.kind };
      assert.ok(definitionFor(gvk), `${r.kind} ${r.group}/${r.version}`);
      if (r.verbs.includes('list')) assert.ok(definitionFor({ ...gvk, kind: r.listKind }), `${r.listKind} ${r.group}/${r.version}`);
      for (const sub of r.subresources) {
        if (sub.connect !== true && sub.name !== 'log') assert.ok(definitionFor(sub.kind), `${r.resource}/${sub.name}: ${sub.kind.kind}`);
      }
    }
  });

  it('refer only to definitions that exist', () => {
    const missing = [...referencesOf(schemas)].filter((name) => schemas[name] === undefined);
    assert.deepEqual(missing, []);
    assert.ok(closure(['io.k8s.api.apps.v1.Deployment']).includes('io.k8s.api.core.v1.Container'));
  });

  it('mark top-level kinds with x-kubernetes-group-version-kind, with optional apiVersion and kind as upstream', () => {
    const deployment = def('io.k8s.api.apps.v1.Deployment');
    assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.equal(deployment.required, undefined);
    assert.match(String(prop('io.k8s.api.apps.v1.Deployment', 'apiVersion').description), /^APIVersion defines the versioned schema/);
    assert.deepEqual(def('io.k8s.api.core.v1.Binding').required, ['target']);
    assert.equal(def('io.k8s.api.core.v1.Container')['x-kubernetes-group-version-kind'], undefined);
  });

  const formats: { field: [string, string]; type: string; format?: string }[] = [
    { field: ['io.k8s.api.core.v1.ContainerPort', 'containerPort'], type: 'integer', format: 'int32' },
    { field: ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'generation'], type: 'integer', format: 'int64' },
    { field: ['io.k8s.api.core.v1.PodSpec', 'terminationGracePeriodSeconds'], type: 'integer', format: 'int64' },
    { field: ['io.k8s.api.apps.v1.DeploymentSpec', 'replicas'], type: 'integer', format: 'int32' },
    { field: ['io.k8s.api.core.v1.ContainerPort', 'name'], type: 'string' },
  ];
  for (const f of formats) {
    it(`type ${f.field.join('.')} as ${f.type}${f.format ? `/${f.format}` : ''}`, () => {
      const p = prop(...f.field);
      assert.equal(p.type, f.type);
      assert.equal(p.format, f.format);
    });
  }

  it('encode Secret data as base64 bytes and times as date-time', () => {
    assert.deepEqual(prop('io.k8s.api.core.v1.Secret', 'data').additionalProperties, { type: 'string', format: 'byte' });
    assert.deepEqual(def('io.k8s.apimachinery.pkg.apis.meta.v1.Time').format, 'date-time');
  });

  it('model IntOrString and Quantity as upstream v3 does', () => {
    const intOrString = def('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(intOrString.format, 'int-or-string');
    assert.deepEqual(intOrString.oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.deepEqual(def('io.k8s.apimachinery.pkg.api.resource.Quantity').oneOf, [{ type: 'string' }, { type: 'number' }]);
  });

  it('wrap described references in allOf and keep enums', () => {
    const strategy = prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy');
    assert.deepEqual(strategy.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.deepEqual(prop('io.k8s.api.core.v1.ContainerPort', 'protocol').enum, ['SCTP', 'TCP', 'UDP']);
  });

  const markers: { field: [string, string]; want: Schema }[] = [
    { field: ['io.k8s.api.core.v1.PodSpec', 'containers'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' } },
    { field: ['io.k8s.api.core.v1.PodSpec', 'volumes'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name' } },
    { field: ['io.k8s.api.core.v1.PodSpec', 'tolerations'], want: { 'x-kubernetes-list-type': 'atomic' } },
    { field: ['io.k8s.api.core.v1.PodSpec', 'topologySpreadConstraints'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'topologyKey' } },
    { field: ['io.k8s.api.core.v1.PodSpec', 'hostAliases'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['ip'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'ip' } },
    { field: ['io.k8s.api.core.v1.PodSpec', 'imagePullSecrets'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' } },
    { field: ['io.k8s.api.core.v1.Container', 'ports'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'containerPort' } },
    { field: ['io.k8s.api.core.v1.Container', 'env'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' } },
    { field: ['io.k8s.api.core.v1.Container', 'volumeMounts'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['mountPath'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'mountPath' } },
    { field: ['io.k8s.api.core.v1.Container', 'volumeDevices'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['devicePath'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'devicePath' } },
    { field: ['io.k8s.api.core.v1.ServiceSpec', 'ports'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'port' } },
    { field: ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'type' } },
    { field: ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers'], want: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' } },
    { field: ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences'], want: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'uid' } },
  ];
  for (const m of markers) {
    it(`carry upstream's list and patch markers on ${m.field.join('.')}`, () => {
      const p = prop(...m.field);
      const got = Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('x-kubernetes-')));
      assert.deepEqual(got, m.want);
    });
  }

  it('mark atomic structs with x-kubernetes-map-type', () => {
    assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')['x-kubernetes-map-type'], 'atomic');
    assert.equal(prop('io.k8s.api.core.v1.PodSpec', 'nodeSelector')['x-kubernetes-map-type'], 'atomic');
  });

  it('refer to PersistentVolumeClaim for StatefulSet volumeClaimTemplates (the package inlines it)', () => {
    assert.deepEqual(prop('io.k8s.api.apps.v1.StatefulSetSpec', 'volumeClaimTemplates').items, { $ref: '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaim' });
  });
});
