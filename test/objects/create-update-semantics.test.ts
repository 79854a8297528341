// Create and update semantics every client relies on: a generateName create
// gets its name before validation (as the API server's BeforeCreate), and a
// PUT without a resourceVersion overwrites the stored object for kinds that
// allow unconditional updates, but not for ResourceQuotas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';

describe('create and update semantics', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  async function send(method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('a create with only generateName is named from it with five of the API server\'s random characters', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { status, json } = await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
      assert.equal(status, 201, JSON.stringify(json));
      const meta = json.metadata as { name: string; generateName: string };
      assert.match(meta.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(meta.generateName, 'gen-');
      names.add(meta.name);
    }
    assert.equal(names.size, 5);
  });

  it('a dry-run create with generateName answers with a generated name and stores nothing', async () => {
    const { status, json } = await send('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'dry-' } });
    assert.equal(status, 201);
    const name = (json.metadata as { name: string }).name;
    assert.match(name, /^dry-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const got = await fetch(`${t.url}/api/v1/namespaces/default/configmaps/${name}`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(got.status, 404);
  });

  it('a generateName that is not a valid prefix is refused as Invalid on metadata.generateName', async () => {
    const { status, json } = await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'Bad_' } });
    assert.equal(status, 422);
    assert.equal(json.reason, 'Invalid');
    const fields = ((json.details as { causes: { field: string }[] }).causes).map((c) => c.field);
    assert.ok(fields.includes('metadata.generateName'), JSON.stringify(json));
  });

  it('a PUT of a Secret without a resourceVersion replaces the stored one', async () => {
    assert.equal((await send('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'blind' }, stringData: { a: '1' } })).status, 201);
    const { status, json } = await send('PUT', '/api/v1/namespaces/default/secrets/blind', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'blind' }, stringData: { a: '2' } });
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal((json.data as Record<string, string>).a, Buffer.from('2').toString('base64'));
  });

  it('a PUT of a ResourceQuota without a resourceVersion is refused as the API server refuses it', async () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '2' } } };
    assert.equal((await send('POST', '/api/v1/namespaces/default/resourcequotas', quota)).status, 201);
    const { status, json } = await send('PUT', '/api/v1/namespaces/default/resourcequotas/q', { ...quota, spec: { hard: { pods: '3' } } });
    assert.equal(status, 422);
    assert.match(String(json.message), /metadata\.resourceVersion: Invalid value: "": must be specified for an update/);
  });

  it('a PUT with a stale resourceVersion is still a Conflict', async () => {
    const created = await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale' }, data: { a: '1' } });
    const rv = (created.json.metadata as { resourceVersion: string }).resourceVersion;
    assert.equal((await send('PUT', '/api/v1/namespaces/default/configmaps/stale', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', resourceVersion: rv }, data: { a: '2' } })).status, 200);
    const { status, json } = await send('PUT', '/api/v1/namespaces/default/configmaps/stale', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', resourceVersion: rv }, data: { a: '3' } });
    assert.equal(status, 409);
    assert.equal(json.reason, 'Conflict');
  });

  it('a patch is judged against the object it was applied to: an immutable field is refused, a label lands once', async () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'patched' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    assert.equal((await send('POST', '/apis/apps/v1/namespaces/default/deployments', deployment)).status, 201);
    const patch = async (body: unknown, type: string): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${t.url}/apis/apps/v1/namespaces/default/deployments/patched`, { method: 'PATCH', headers: { authorization: `Bearer ${t.token}`, 'content-type': type }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const refused = await patch({ spec: { selector: { matchLabels: { app: 'b' } }, template: { metadata: { labels: { app: 'b' } } } } }, 'application/strategic-merge-patch+json');
    assert.equal(refused.status, 422);
    assert.match(String(refused.json.message), /spec\.selector: Invalid value: .*field is immutable/);
    const labelled = await patch({ metadata: { labels: { tier: 'web' } } }, 'application/merge-patch+json');
    assert.equal(labelled.status, 200);
    const meta = labelled.json.metadata as { labels: Record<string, string>; generation: number; managedFields: { manager: string; operation: string }[] };
    assert.deepEqual(meta.labels, { tier: 'web' });
    assert.equal(meta.generation, 1, 'a metadata-only patch does not bump the generation');
  });
});
