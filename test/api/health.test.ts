import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';

describe('health, version and authentication', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t.stop();
  });

  for (const endpoint of ['/healthz', '/livez', '/readyz']) {
    it(`${endpoint} answers ok without a credential`, async () => {
      const res = await fetch(`${t.url}${endpoint}`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'ok');
    });
  }

  it('/readyz?verbose names the PostgreSQL and Redis checks', async () => {
    const text = await (await fetch(`${t.url}/readyz?verbose`)).text();
    assert.match(text, /\[\+\]postgres ok/);
    assert.match(text, /\[\+\]redis ok/);
    assert.match(text, /readyz check passed/);
  });

  it('/version is Kubernetes-style version JSON', async () => {
    const body = (await (await fetch(`${t.url}/version`)).json()) as Record<string, string>;
    assert.equal(body.major, '1');
    assert.match(body.minor ?? '', /^\d+$/);
    assert.match(body.gitVersion ?? '', /^v1\.\d+\.\d+/);
    assert.ok(body.platform);
  });

  it('a request without a token gets 401 with a Status body', async () => {
    const res = await fetch(`${t.url}/api/v1/namespaces`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('a wrong token gets 401, even on the public endpoints', async () => {
    for (const endpoint of ['/healthz', '/api']) {
      const res = await fetch(`${t.url}${endpoint}`, { headers: { authorization: 'Bearer kql_not-a-real-token' } });
      assert.equal(res.status, 401, endpoint);
      assert.equal(((await res.json()) as { reason: string }).reason, 'Unauthorized');
    }
  });

  it('a malformed Authorization header gets 401', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { authorization: 'Basic abc' } });
    assert.equal(res.status, 401);
  });

  it("a valid token cannot address another tenant's cluster", async () => {
    const res = await fetch(`${t.url}/clusters/someone-else/version`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(res.status, 403);
    const body = (await res.json()) as { reason: string; message: string };
    assert.equal(body.reason, 'Forbidden');
    assert.match(body.message, /cannot access cluster "someone-else"/);
  });

  it('a valid token reaches its own cluster by explicit path', async () => {
    const res = await fetch(`${t.url}/clusters/${t.cluster}/readyz`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(res.status, 200);
  });

  it('kubectl version and kubectl get --raw /readyz work with the kubeconfig', { skip: kubectlPath() === undefined ? 'kubectl is not on PATH' : false }, async () => {
    const version = await kubectl(t.kubeconfig, ['version', '-o', 'json']);
    assert.equal(version.code, 0, version.stderr);
    const parsed = JSON.parse(version.stdout) as { serverVersion: { major: string; gitVersion: string } };
    assert.equal(parsed.serverVersion.major, '1');
    const ready = await kubectl(t.kubeconfig, ['get', '--raw', '/readyz']);
    assert.equal(ready.code, 0, ready.stderr);
    assert.equal(ready.stdout.trim(), 'ok');
  });
});
