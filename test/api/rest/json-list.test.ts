// JSON lists are composed from the stored JSON texts instead of parsed and
// serialised objects. Each list here is compared with the parsed path's
// document (renderList over ObjectService.list at the same resourceVersion):
// same members, same order, same values, for kinds whose stored text passes
// through (pods, namespaces) and kinds it cannot (a ConfigMap's "data" sorts
// before "kind", an Event has keys longer than "apiVersion", an HPA stored
// under v2 is served as v1).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonListBody } from '../../../src/api/rest/json-list.js';
import { renderList } from '../../../src/api/rest/render.js';
import type { ListOptions } from '../../../src/store/types.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';

interface ListDocument {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  items: { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } }[];
}

const KUBECTL_ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';
// Label keys and values are validated (no unicode there); annotation values are free text.
const LABELS = { 'example.com/tier': 'web' };
const TRICKY_ANNOTATIONS = {
  note: 'línea 1\nlínea\t2 "quoted" \\ back\\slash \u0001 ctl',
  emoji: '🚀 ✓ 日本語 \u2028 \u2029',
  lookalike: '{"kind": "Pod", "apiVersion": "v1"}',
  tail: ', "apiVersion": "v1"}',
};

describe('JSON lists from stored text', () => {
  let t: TestApi;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${t.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const created = async (path: string, body: unknown): Promise<void> => {
    const response = await call('POST', path, body);
    assert.equal(response.status, 201, await response.text());
  };

  /** GETs a list as JSON, checks the framing, and compares it with the parsed path's document. */
  const listMatchesParsed = async (group: string, version: string, resource: string, namespace: string, query = '', headers: Record<string, string> = {}): Promise<ListDocument> => {
    const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const path = `${prefix}${namespace === '' ? '' : `/namespaces/${namespace}`}/${resource}${query === '' ? '' : `?${query}`}`;
    const response = await call('GET', path, undefined, headers);
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(Number(response.headers.get('content-length')), Buffer.byteLength(text));
    const document = JSON.parse(text) as ListDocument;
    // The parsed path at the same snapshot (and the same page, for a continue token).
    const ref = t.api.objects.resource(t.cluster, group, version, resource);
    const params = new URLSearchParams(query);
    const options: ListOptions = {};
    const limit = params.get('limit');
    const cont = params.get('continue');
    const labelSelector = params.get('labelSelector');
    if (limit !== null) options.limit = Number(limit);
    if (labelSelector !== null) options.labelSelector = labelSelector;
    if (cont !== null) options.continue = cont;
    else {
      options.resourceVersion = document.metadata.resourceVersion;
      options.resourceVersionMatch = 'Exact';
    }
    const parsed = renderList(ref.resource, await t.api.objects.list(ref, namespace, options), { kind: 'json' }, params) as ListDocument;
    // Continue tokens differ only if one path paged differently: compare them too.
    assert.equal(JSON.stringify(document), JSON.stringify(parsed));
    return document;
  };

  before(async () => {
    t = await startTestApi();
    for (const i of [1, 2, 3, 4, 5]) {
      await created('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}`, labels: { ...LABELS, n: String(i) }, annotations: TRICKY_ANNOTATIONS },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      });
    }
    await created('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', annotations: TRICKY_ANNOTATIONS }, data: { 'a.txt': 'ünï\n"x"' } });
    await created('/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p1' },
      reason: 'Tested',
      message: 'línea "1"',
      type: 'Normal',
    });
    await created('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'hpa' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 },
    });
  });
  after(() => t.stop());

  it('pods: the same document as the parsed path, with unicode and escapes in annotations intact', async () => {
    const list = await listMatchesParsed('', 'v1', 'pods', 'default');
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['p1', 'p2', 'p3', 'p4', 'p5'],
    );
    for (const pod of list.items) {
      assert.equal(pod.apiVersion, 'v1');
      assert.equal(pod.kind, 'Pod');
      assert.equal(pod.metadata.labels?.['example.com/tier'], 'web');
      assert.deepEqual(pod.metadata.annotations, TRICKY_ANNOTATIONS);
    }
  });

  it('without an Accept header, with kubectl\'s protobuf-first Accept, across namespaces and with a selector', async () => {
    await listMatchesParsed('', 'v1', 'pods', 'default', '', {});
    await listMatchesParsed('', 'v1', 'pods', 'default', '', { Accept: KUBECTL_ACCEPT });
    const all = await listMatchesParsed('', 'v1', 'pods', '');
    assert.equal(all.items.length, 5);
    const selected = await listMatchesParsed('', 'v1', 'pods', 'default', `labelSelector=${encodeURIComponent('n in (2,4)')}`);
    assert.deepEqual(
      selected.items.map((p) => p.metadata.name),
      ['p2', 'p4'],
    );
  });

  it('pages with limit and continue match the parsed pages', async () => {
    const seen: string[] = [];
    let query = 'limit=2';
    for (;;) {
      const page = await listMatchesParsed('', 'v1', 'pods', 'default', query);
      seen.push(...page.items.map((p) => p.metadata.name));
      if (page.metadata.continue === undefined) break;
      query = `limit=2&continue=${encodeURIComponent(page.metadata.continue)}`;
    }
    assert.deepEqual(seen, ['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('ConfigMap and Event (texts rewritten) and the cluster-scoped Namespace (passed through)', async () => {
    const configMaps = await listMatchesParsed('', 'v1', 'configmaps', 'default');
    const cm = configMaps.items.find((o) => o.metadata.name === 'cm');
    assert.ok(cm);
    assert.deepEqual(cm.metadata.annotations, TRICKY_ANNOTATIONS);
    const events = await listMatchesParsed('', 'v1', 'events', 'default');
    assert.deepEqual(
      events.items.map((e) => [e.apiVersion, e.kind, e.metadata.name]),
      [['v1', 'Event', 'ev']],
    );
    const namespaces = await listMatchesParsed('', 'v1', 'namespaces', '');
    assert.ok(namespaces.items.some((n) => n.metadata.name === 'default'));
  });

  it('an object stored under autoscaling/v2 is listed under the version asked for', async () => {
    const v1 = await listMatchesParsed('autoscaling', 'v1', 'horizontalpodautoscalers', 'default');
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.deepEqual(
      v1.items.map((o) => o.apiVersion),
      ['autoscaling/v1'],
    );
    const v2 = await listMatchesParsed('autoscaling', 'v2', 'horizontalpodautoscalers', 'default');
    assert.deepEqual(
      v2.items.map((o) => o.apiVersion),
      ['autoscaling/v2'],
    );
  });

  it('the body is encoded to its exact byte length: empty lists, multi-byte characters, continue tokens', () => {
    const { resource } = t.api.objects.resource(t.cluster, '', 'v1', 'pods');
    const empty = jsonListBody(resource, { items: [], resourceVersion: '7' });
    assert.deepEqual(JSON.parse(empty.toString()), { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] });
    const texts = ['{"a": "é"}', '{"b": "🚀 日本語"}', '{"c": "\\u0001 \\"q\\""}'];
    const body = jsonListBody(resource, { items: texts, resourceVersion: '8', continue: 'tok"en' });
    assert.deepEqual(JSON.parse(body.toString('utf8')), {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '8', continue: 'tok"en' },
      items: texts.map((text) => JSON.parse(text) as unknown),
    });
    assert.equal(body.length, Buffer.byteLength(body.toString('utf8')));
  });

  it('Table and metadata-only lists still come from the parsed objects', async () => {
    const table = await call('GET', '/api/v1/namespaces/default/pods', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(table.status, 200);
    const body = (await table.json()) as { kind: string; rows: unknown[] };
    assert.equal(body.kind, 'Table');
    assert.equal(body.rows.length, 5);
    const partial = await call('GET', '/api/v1/namespaces/default/pods', undefined, { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' });
    const meta = (await partial.json()) as ListDocument;
    assert.equal(meta.kind, 'PartialObjectMetadataList');
    assert.deepEqual(meta.items[0]?.metadata.annotations, TRICKY_ANNOTATIONS);
  });
});
