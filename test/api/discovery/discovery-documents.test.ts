import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { negotiateDiscovery } from '../../../src/api/discovery/negotiate.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';

const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
// What kubectl 1.33 sends.
const KUBECTL_ACCEPT = `${AGGREGATED_V2},${AGGREGATED_V2BETA1},application/json`;

interface ApiResourceEntry {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

interface ResourceDiscovery {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[];
}

interface GroupDiscoveryList {
  kind: string;
  apiVersion: string;
  items: { metadata: { name?: string }; versions: { version: string; resources: ResourceDiscovery[]; freshness: string }[] }[];
}

describe('discovery documents', () => {
  let t: TestApi;
  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.token}`, ...headers } });

  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  it('GET /api without an aggregated Accept is APIVersions', async () => {
    const res = await get('/api', { accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as { kind: string; versions: string[] };
    assert.equal(body.kind, 'APIVersions');
    assert.deepEqual(body.versions, ['v1']);
  });

  it('GET /api/v1 lists pods with their subresources the way the API server does', async () => {
    const res = await get('/api/v1');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { kind: string; apiVersion?: string; groupVersion: string; resources: ApiResourceEntry[] };
    assert.equal(body.kind, 'APIResourceList');
    assert.equal(body.groupVersion, 'v1');
    assert.equal(body.apiVersion, undefined);
    const byName = new Map(body.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('pods'), {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      storageVersionHash: 'xPOwRZ+Yhw8=',
    });
    assert.deepEqual(byName.get('pods/status'), { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    assert.deepEqual(byName.get('pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    assert.deepEqual(byName.get('pods/exec'), { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
    assert.deepEqual(byName.get('pods/log'), { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    assert.deepEqual(byName.get('serviceaccounts/token'), { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
    assert.deepEqual(byName.get('namespaces/finalize')?.verbs, ['update']);
    const names = body.resources.map((r) => r.name);
    assert.deepEqual(names, [...names].sort(), 'resources are sorted by name');
  });

  it('GET /apis lists the named groups with preferred versions', async () => {
    const res = await get('/apis', { accept: 'application/json' });
    const body = (await res.json()) as { kind: string; groups: { name: string; versions: { groupVersion: string }[]; preferredVersion: { groupVersion: string } }[] };
    assert.equal(body.kind, 'APIGroupList');
    const autoscaling = body.groups.find((g) => g.name === 'autoscaling');
    assert.deepEqual(autoscaling?.versions.map((v) => v.groupVersion), ['autoscaling/v2', 'autoscaling/v1']);
    assert.equal(autoscaling?.preferredVersion.groupVersion, 'autoscaling/v2');
    assert.ok(!body.groups.some((g) => g.name === ''), 'the core group is not under /apis');
  });

  it('GET /apis/<group> and /apis/<group>/<version> describe that group', async () => {
    const group = (await (await get('/apis/apps')).json()) as { kind: string; name: string };
    assert.deepEqual([group.kind, group.name], ['APIGroup', 'apps']);
    const list = (await (await get('/apis/apps/v1')).json()) as { kind: string; apiVersion: string; groupVersion: string; resources: ApiResourceEntry[] };
    assert.deepEqual([list.kind, list.apiVersion, list.groupVersion], ['APIResourceList', 'v1', 'apps/v1']);
    const scale = list.resources.find((r) => r.name === 'deployments/scale');
    assert.deepEqual(scale, { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  });

  for (const path of ['/apis/nope', '/apis/nope/v1', '/apis/apps/v9', '/api/v2']) {
    it(`GET ${path} is 404 NotFound`, async () => {
      const res = await get(path);
      assert.equal(res.status, 404);
      const body = (await res.json()) as { kind: string; reason: string; message: string };
      assert.deepEqual([body.kind, body.reason, body.message], ['Status', 'NotFound', 'the server could not find the requested resource']);
    });
  }

  it('aggregated discovery v2 answers /apis with every group in one APIGroupDiscoveryList', async () => {
    const res = await get('/apis', { accept: KUBECTL_ACCEPT });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), AGGREGATED_V2);
    assert.equal(res.headers.get('vary'), 'Accept');
    const body = (await res.json()) as GroupDiscoveryList;
    assert.equal(body.kind, 'APIGroupDiscoveryList');
    assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2');
    const apps = body.items.find((g) => g.metadata.name === 'apps');
    const deployments = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
    assert.deepEqual(deployments, {
      resource: 'deployments',
      responseKind: { group: '', version: '', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
    assert.equal(apps?.versions[0]?.freshness, 'Current');
    const autoscaling = body.items.find((g) => g.metadata.name === 'autoscaling');
    assert.deepEqual(autoscaling?.versions.map((v) => v.version), ['v2', 'v1'], 'versions in preference order');
  });

  it('aggregated discovery for /api holds the core group only', async () => {
    const body = (await (await get('/api', { accept: KUBECTL_ACCEPT })).json()) as GroupDiscoveryList;
    assert.equal(body.items.length, 1);
    assert.equal(body.items[0]?.metadata.name, undefined);
    const nodes = body.items[0]?.versions[0]?.resources.find((r) => r.resource === 'nodes');
    assert.equal(nodes?.scope, 'Cluster');
  });

  it('a client that only knows v2beta1 (kubectl 1.27) gets v2beta1', async () => {
    const res = await get('/apis', { accept: `${AGGREGATED_V2BETA1},application/json` });
    assert.equal(res.headers.get('content-type'), AGGREGATED_V2BETA1);
    assert.equal(((await res.json()) as GroupDiscoveryList).apiVersion, 'apidiscovery.k8s.io/v2beta1');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await get('/apis', { accept: KUBECTL_ACCEPT });
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9A-F]+"$/);
    await first.arrayBuffer();
    const again = await get('/apis', { accept: KUBECTL_ACCEPT, 'if-none-match': etag ?? '' });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const legacy = await get('/apis', { accept: 'application/json', 'if-none-match': etag ?? '' });
    assert.equal(legacy.status, 200, 'the legacy document has another ETag');
  });

  it('refuses an Accept it cannot serve with 406', async () => {
    const res = await get('/apis', { accept: 'application/vnd.kubernetes.protobuf' });
    assert.equal(res.status, 406);
    assert.equal(((await res.json()) as { reason: string }).reason, 'NotAcceptable');
  });

  it('needs a credential, like the API server', async () => {
    const res = await fetch(`${t.url}/apis`);
    assert.equal(res.status, 401);
  });

  it('is served under /clusters/<name>/ too', async () => {
    const res = await get(`/clusters/${t.cluster}/apis/batch/v1`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { groupVersion: string }).groupVersion, 'batch/v1');
  });
});

describe('discovery content negotiation', () => {
  const cases: { name: string; accept: string | undefined; want: ReturnType<typeof negotiateDiscovery> }[] = [
    { name: 'no Accept header means the legacy document', accept: undefined, want: { aggregated: false } },
    { name: 'kubectl 1.33 gets v2', accept: KUBECTL_ACCEPT, want: { aggregated: 'v2' } },
    { name: 'protobuf first is skipped for the JSON that follows', accept: `application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${AGGREGATED_V2}`, want: { aggregated: 'v2' } },
    { name: 'a lower q ranks later', accept: `${AGGREGATED_V2};q=0.5,${AGGREGATED_V2BETA1}`, want: { aggregated: 'v2beta1' } },
    { name: '*/* means the legacy document', accept: '*/*', want: { aggregated: false } },
    { name: 'an unknown discovery version falls through to plain JSON', accept: 'application/json;g=apidiscovery.k8s.io;v=v9;as=APIGroupDiscoveryList,application/json', want: { aggregated: false } },
    { name: 'only protobuf is not acceptable', accept: 'application/vnd.kubernetes.protobuf', want: { notAcceptable: true } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(negotiateDiscovery(c.accept), c.want);
    });
  }
});
