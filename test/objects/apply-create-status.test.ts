// A server-side apply that creates its object answers 201 Created, one that
// changes an existing object 200 OK, as the API server's patch handler does;
// kubectl's client-side apply creates with a POST (201).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';

const skipKubectl = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skipKubectl) process.stdout.write(`# skipping kubectl apply cases: ${skipKubectl}\n`);

const APPLY = 'application/apply-patch+yaml';

function configMap(name: string, value: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: value } });
}

/**
 * The status codes kubectl -v=6 logged for requests with this method, in
 * either log format (`PATCH https://... 201 Created` or structured
 * `"Response" verb="PATCH" ... status="201 Created"`).
 */
function statusesOf(stderr: string, method: string): number[] {
  const codes: number[] = [];
  const plain = new RegExp(`\\b${method} https?://\\S+ (\\d{3})`, 'g');
  const structured = new RegExp(`"Response" verb="${method}" url="[^"]*" status="(\\d{3})`, 'g');
  for (const match of [...stderr.matchAll(plain), ...stderr.matchAll(structured)]) codes.push(Number(match[1]));
  return codes;
}

describe('server-side apply status codes', () => {
  let t: TestApi;
  let dir: string;
  before(async () => {
    t = await startTestApi();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-apply-status-'));
  });
  after(async () => {
    await t.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const apply = (name: string, value: string, query = ''): Promise<Response> =>
    fetch(`${t.url}/api/v1/namespaces/default/configmaps/${name}?fieldManager=test${query}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': APPLY },
      body: configMap(name, value),
    });

  it('answers 201 when the apply creates the object and 200 when it changes it', async () => {
    const first = await apply('ssa-created', 'one');
    assert.equal(first.status, 201, await first.clone().text());
    const created = (await first.json()) as { metadata: { uid?: string }; data: { key: string } };
    assert.equal(created.data.key, 'one');
    assert.ok(created.metadata.uid);
    const second = await apply('ssa-created', 'two');
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { data: { key: string } }).data.key, 'two');
  });

  it('answers 201 for a dry-run apply that would create, and stores nothing', async () => {
    const dry = await apply('ssa-dry', 'one', '&dryRun=All');
    assert.equal(dry.status, 201);
    const get = await fetch(`${t.url}/api/v1/namespaces/default/configmaps/ssa-dry`, { headers: { Authorization: `Bearer ${t.token}` } });
    assert.equal(get.status, 404);
  });

  it('kubectl apply --server-side gets 201 on create and 200 on the next apply', { skip: skipKubectl }, async () => {
    const file = path.join(dir, 'ssa.json');
    await fs.writeFile(file, configMap('kubectl-ssa', 'one'));
    const first = await kubectl(t.kubeconfig, ['apply', '--server-side', '-f', file, '-v=6']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /configmap\/kubectl-ssa serverside-applied/);
    assert.deepEqual(statusesOf(first.stderr, 'PATCH'), [201]);
    await fs.writeFile(file, configMap('kubectl-ssa', 'two'));
    const second = await kubectl(t.kubeconfig, ['apply', '--server-side', '-f', file, '-v=6']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(statusesOf(second.stderr, 'PATCH'), [200]);
  });

  it('client-side kubectl apply creates with a POST answered 201, then patches with 200', { skip: skipKubectl }, async () => {
    const file = path.join(dir, 'csa.json');
    await fs.writeFile(file, configMap('kubectl-csa', 'one'));
    const first = await kubectl(t.kubeconfig, ['apply', '-f', file, '-v=6']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /configmap\/kubectl-csa created/);
    assert.deepEqual(statusesOf(first.stderr, 'POST'), [201]);
    await fs.writeFile(file, configMap('kubectl-csa', 'two'));
    const second = await kubectl(t.kubeconfig, ['apply', '-f', file, '-v=6']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /configmap\/kubectl-csa configured/);
    assert.deepEqual(statusesOf(second.stderr, 'PATCH'), [200]);
  });
});
