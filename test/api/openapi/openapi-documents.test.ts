import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { referencesOf, type Schema } from '../../../src/api/openapi/definitions.js';
import { builtinRegistry } from '../../../src/api/resources/registry.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';

interface Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
};
type PathItem = Partial<Record<'get' | 'put' | 'post' | 'patch' | 'delete', Operation>>;

interface V3Document {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema> };
}

describe('OpenAPI documents', () => {
  let t: TestApi;
  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.token}`, ...headers }, redirect: 'manual' });
  const index = async (prefix = ''): Promise<Index> => (await (await get(`${prefix}/openapi/v3`)).json()) as Index;
  const v3 = async (gv: string): Promise<V3Document> => {
    const url = (await index()).paths[gv]?.serverRelativeURL;
    assert.ok(url, `${gv} is in the index`);
    return (await (await get(url)).json()) as V3Document;
  };

  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  it('the v3 index lists every served group/version with a hashed URL', async () => {
    const paths = (await index()).paths;
    const want = builtinRegistry
      .groups()
      .flatMap((g) => g.versions.map((v) => (g.name === '' ? `api/${v}` : `apis/${g.name}/${v}`)))
      .sort();
    assert.deepEqual(Object.keys(paths).sort(), want);
    assert.match(paths['apis/apps/v1']?.serverRelativeURL ?? '', /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
  });

  it('index URLs keep the /clusters/<name> prefix the client used', async () => {
    const paths = (await index(`/clusters/${t.cluster}`)).paths;
    const url = paths['api/v1']?.serverRelativeURL ?? '';
    assert.match(url, new RegExp(`^/clusters/${t.cluster}/openapi/v3/api/v1\\?hash=`));
    assert.equal((await get(url)).status, 200);
  });

  it('a document fetched by its current hash is immutable; a stale hash redirects to the current one', async () => {
    const url = (await index()).paths['apis/batch/v1']?.serverRelativeURL ?? '';
    const current = await get(url);
    assert.equal(current.status, 200);
    assert.equal(current.headers.get('content-type'), 'application/json');
    assert.match(current.headers.get('cache-control') ?? '', /public, immutable/);
    await current.arrayBuffer();
    const stale = await get('/openapi/v3/apis/batch/v1?hash=0123ABCD');
    assert.equal(stale.status, 301);
    assert.equal(stale.headers.get('location'), url);
    const unhashed = await get('/openapi/v3/apis/batch/v1');
    assert.equal(unhashed.headers.get('cache-control'), 'no-cache, private');
    const etag = unhashed.headers.get('etag') ?? '';
    await unhashed.arrayBuffer();
    assert.equal((await get('/openapi/v3/apis/batch/v1', { 'if-none-match': etag })).status, 304);
  });

  it('an unserved group/version is 404', async () => {
    assert.equal((await get('/openapi/v3/apis/nope/v1')).status, 404);
    assert.equal((await get('/openapi/v3/api/v2')).status, 404);
  });

  it('each group/version document holds every schema its paths reach', async () => {
    for (const gv of Object.keys((await index()).paths)) {
      const doc = await v3(gv);
      assert.equal(doc.openapi, '3.0.0');
      const dangling = [...referencesOf(doc)].filter((name) => doc.components.schemas[name] === undefined);
      assert.deepEqual(dangling, [], `${gv} refers to schemas it does not carry`);
    }
  });

  it('every served resource has what kubectl explain and apply look for: a GVK on its paths, a schema with that GVK, a strategic-merge PATCH with fieldValidation', async () => {
    for (const group of builtinRegistry.groups()) {
      for (const version of group.versions) {
        const gv = group.name === '' ? `api/${version}` : `apis/${group.name}/${version}`;
        const doc = await v3(gv);
        for (const r of builtinRegistry.resourcesOf(group.name, version)) {
          const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
          const gvk = { group: r.group, kind: r.kind, version: r.version };
          const item = doc.paths[base] ?? doc.paths[`${base}/{name}`];
          const first = item?.get ?? item?.post;
          assert.deepEqual(first?.['x-kubernetes-group-version-kind'], gvk, `${base}: GVK on its operations`);
          const schema = Object.values(doc.components.schemas).find((s) => JSON.stringify(s['x-kubernetes-group-version-kind']) === JSON.stringify([gvk]));
          assert.ok(schema, `${gv}: a schema for ${r.kind}`);
          if (r.verbs.includes('patch')) {
            const patch = doc.paths[`${base}/{name}`]?.patch;
            assert.ok(patch, `${base}/{name} has PATCH`);
            assert.ok(patch.requestBody?.content['application/strategic-merge-patch+json'], `${r.resource}: strategic merge patch`);
            assert.ok(patch.requestBody.content['application/apply-patch+yaml'], `${r.resource}: apply patch`);
            assert.ok(patch.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'), `${r.resource}: fieldValidation`);
          }
        }
      }
    }
  });

  it('documents subresources with their own kinds and actions', async () => {
    const apps = await v3('apis/apps/v1');
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepEqual(scale?.get?.['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    assert.equal(scale?.patch?.operationId, 'patchAppsV1NamespacedDeploymentScale');
    assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
    const core = await v3('api/v1');
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']?.post?.['x-kubernetes-action'], 'connect');
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']?.get?.operationId, 'readCoreV1NamespacedPodLog');
    assert.deepEqual(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']?.post?.['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
    assert.equal(core.paths['/api/v1/pods']?.get?.operationId, 'listCoreV1PodForAllNamespaces');
    assert.equal(core.paths['/api/v1/namespaces/{name}/finalize']?.put?.operationId, 'replaceCoreV1NamespaceFinalize');
  });

  it('/openapi/v2 is swagger 2.0 JSON with v2-style references', async () => {
    const res = await get('/openapi/v2', { accept: 'application/json' });
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { swagger: string; definitions: Record<string, Schema>; paths: Record<string, unknown> };
    assert.equal(doc.swagger, '2.0');
    const spec = doc.definitions['io.k8s.api.apps.v1.DeploymentSpec']?.properties as Record<string, Schema>;
    assert.deepEqual(spec.strategy, {
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy',
      description: 'The deployment strategy to use to replace existing pods with new ones.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.type, 'string');
    assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']);
    assert.ok(!JSON.stringify(doc).includes('#/components/schemas/'));
  });

  it('/openapi/v2 answers kubectl’s protobuf Accept with gnostic protobuf', async () => {
    const res = await get('/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const body = Buffer.from(await res.arrayBuffer());
    // Field 1 (swagger), length 3, "2.0".
    assert.deepEqual([...body.subarray(0, 5)], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
    assert.ok(body.includes(Buffer.from('io.k8s.api.apps.v1.Deployment')));
  });
});
