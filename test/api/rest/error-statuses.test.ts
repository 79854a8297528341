// Every error reason of issue #4 item 5, and malformed input, over plain HTTP:
// each answer is a metav1.Status with the API server's code, reason and
// wording, and a refused write stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message: string; field?: string }[]; retryAfterSeconds?: number };
}

const NS = '/api/v1/namespaces/default';

describe('REST error statuses', () => {
  let t: TestApi;
  const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${t.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
  /** Asserts a Status answer and returns it. */
  const expectStatus = async (response: Response, code: number, reason: string, message?: string | RegExp): Promise<Status> => {
    const status = (await response.json()) as Status;
    assert.equal(response.status, code, JSON.stringify(status));
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual([status.kind, status.apiVersion, status.status, status.code, status.reason], ['Status', 'v1', 'Failure', code, reason]);
    if (typeof message === 'string') assert.equal(status.message, message);
    else if (message !== undefined) assert.match(status.message, message);
    return status;
  };
  const configMap = (name: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' }, ...extra });
  const storedNames = async (): Promise<string[]> => {
    const list = (await (await call('GET', `${NS}/configmaps`)).json()) as { items: { metadata: { name: string } }[] };
    return list.items.map((i) => i.metadata.name).sort();
  };

  before(async () => {
    t = await startTestApi();
  });
  after(async () => t.stop());

  it('NotFound names the resource and the object', async () => {
    const status = await expectStatus(await call('GET', `${NS}/configmaps/nope`), 404, 'NotFound', 'configmaps "nope" not found');
    assert.deepEqual(status.details, { name: 'nope', kind: 'configmaps' });
    await expectStatus(await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope'), 404, 'NotFound', 'deployments.apps "nope" not found');
    await expectStatus(await call('DELETE', `${NS}/configmaps/nope`), 404, 'NotFound', 'configmaps "nope" not found');
    await expectStatus(await call('GET', '/api/v1/namespaces/default/nonsense'), 404, 'NotFound', 'the server could not find the requested resource');
  });

  it('AlreadyExists on a second create', async () => {
    assert.equal((await call('POST', `${NS}/configmaps`, configMap('twice'))).status, 201);
    const status = await expectStatus(await call('POST', `${NS}/configmaps`, configMap('twice')), 409, 'AlreadyExists', 'configmaps "twice" already exists');
    assert.deepEqual(status.details, { name: 'twice', kind: 'configmaps' });
  });

  it('Conflict on a stale resourceVersion and on failed delete preconditions', async () => {
    const created = (await (await call('POST', `${NS}/configmaps`, configMap('stale'))).json()) as { metadata: { resourceVersion: string; uid: string } };
    assert.equal((await call('PUT', `${NS}/configmaps/stale`, configMap('stale', { data: { a: 'c' }, metadata: { name: 'stale', resourceVersion: created.metadata.resourceVersion } }))).status, 200);
    await expectStatus(
      await call('PUT', `${NS}/configmaps/stale`, configMap('stale', { data: { a: 'd' }, metadata: { name: 'stale', resourceVersion: created.metadata.resourceVersion } })),
      409,
      'Conflict',
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    const wrongUid = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } });
    await expectStatus(await call('DELETE', `${NS}/configmaps/stale`, wrongUid), 409, 'Conflict', `Operation cannot be fulfilled on configmaps "stale": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.metadata.uid}`);
    assert.ok((await storedNames()).includes('stale'), 'a failed precondition deletes nothing');
  });

  it('Invalid carries the field path in details.causes', async () => {
    const status = await expectStatus(await call('POST', `${NS}/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })), 422, 'Invalid', 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    assert.deepEqual(status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    const apply = await call('PATCH', `${NS}/configmaps/twice`, configMap('twice'), { 'Content-Type': 'application/apply-patch+yaml' });
    const applyStatus = await expectStatus(apply, 422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.equal(applyStatus.details?.causes?.[0]?.field, 'fieldManager');
  });

  it('BadRequest for bodies that are not the object the URL names, and for malformed queries', async () => {
    const before = await storedNames();
    await expectStatus(await call('POST', `${NS}/configmaps`, '{"apiVersion":"v1","kind":'), 400, 'BadRequest', /^error decoding JSON/);
    await expectStatus(await call('POST', `${NS}/configmaps`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n', { 'Content-Type': 'application/yaml' }), 400, 'BadRequest', /^error converting YAML to JSON/);
    await expectStatus(await call('POST', `${NS}/configmaps`, configMap('k', { kind: 'Pod' })), 400, 'BadRequest', 'the kind in the data (Pod) does not match the expected kind (ConfigMap)');
    await expectStatus(await call('POST', `${NS}/configmaps`, configMap('k', { apiVersion: 'apps/v1' })), 400, 'BadRequest', 'the API version in the data (apps/v1) does not match the expected API version (v1)');
    await expectStatus(
      await call('POST', `${NS}/configmaps`, configMap('k', { metadata: { name: 'k', namespace: 'kube-system' } })),
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    await expectStatus(await call('PUT', `${NS}/configmaps/twice`, configMap('other')), 400, 'BadRequest', 'the name of the object (other) does not match the name on the URL (twice)');
    await expectStatus(await call('POST', `${NS}/configmaps`, '[1,2]'), 400, 'BadRequest', 'the request body must be a single ConfigMap object, not an array');
    await expectStatus(await call('POST', `${NS}/configmaps`, ''), 400, 'BadRequest');
    await expectStatus(await call('POST', `${NS}/configmaps?dryRun=Some`, configMap('k')), 400, 'BadRequest', 'Invalid dry run value "Some": only "All" is supported');
    await expectStatus(await call('POST', `${NS}/configmaps?fieldValidation=Loose`, configMap('k')), 400, 'BadRequest', /^fieldValidation: Unsupported value: "Loose"/);
    await expectStatus(
      await call('POST', `${NS}/configmaps?fieldValidation=Strict`, configMap('k', { spec: { foo: 1 }, data: { a: 'b' }, metadata: { name: 'k', labelz: {} } })),
      400,
      'BadRequest',
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.labelz", unknown field "spec"',
    );
    await expectStatus(await call('GET', `${NS}/configmaps?labelSelector=${encodeURIComponent('a===b')}`), 400, 'BadRequest');
    await expectStatus(await call('GET', `${NS}/configmaps?continue=garbage`), 400, 'BadRequest', /^continue key is not valid/);
    assert.deepEqual(await storedNames(), before, 'nothing refused was stored');
  });

  it('unknown fields are a Warning header under fieldValidation=Warn and ignored under Ignore', async () => {
    const warned = await call('POST', `${NS}/configmaps?fieldValidation=Warn`, configMap('warned', { spec: {} }));
    assert.equal(warned.status, 201);
    assert.equal(warned.headers.get('warning'), '299 - "unknown field \\"spec\\""');
    const ignored = await call('POST', `${NS}/configmaps?fieldValidation=Ignore`, configMap('ignored', { spec: {} }));
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.get('warning'), null);
  });

  it('MethodNotAllowed for a verb the resource does not serve', async () => {
    const message = 'the server does not allow this method on the requested resource';
    await expectStatus(await call('POST', `${NS}/configmaps/named`, configMap('named')), 405, 'MethodNotAllowed', message);
    await expectStatus(await call('PUT', '/apis/authentication.k8s.io/v1/tokenreviews/x', '{}'), 405, 'MethodNotAllowed', message);
  });

  it('Unauthorized without a valid token, and nothing from another cluster', async () => {
    await expectStatus(await fetch(`${t.url}${NS}/configmaps`), 401, 'Unauthorized', 'Unauthorized');
    await expectStatus(await fetch(`${t.url}${NS}/configmaps`, { headers: { Authorization: 'Bearer kql_not-a-token' } }), 401, 'Unauthorized', 'Unauthorized');
  });

  it('Forbidden to create in a namespace that is being deleted', async () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'closing', finalizers: ['example.com/hold'] } };
    assert.equal((await call('POST', '/api/v1/namespaces', JSON.stringify(namespace))).status, 201);
    assert.equal((await call('DELETE', '/api/v1/namespaces/closing')).status, 200);
    const status = await expectStatus(
      await call('POST', '/api/v1/namespaces/closing/configmaps', configMap('late')),
      403,
      'Forbidden',
      'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    );
    assert.equal(status.details?.causes?.[0]?.reason, 'NamespaceTerminating');
    await expectStatus(await call('GET', '/api/v1/namespaces/closing/configmaps/late'), 404, 'NotFound');
  });

  it('Expired for a watch or continue token older than the compacted log', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call('POST', `${NS}/configmaps`, configMap(`old-${i}`))).status, 201);
    const page = (await (await call('GET', `${NS}/configmaps?limit=1`)).json()) as { metadata: { continue?: string } };
    assert.ok(page.metadata.continue);
    assert.equal((await call('POST', `${NS}/configmaps`, configMap('after-page'))).status, 201);
    // Rows are compared with the database clock: let them age past a 0 ms window.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.api.store.compact(0, t.cluster);
    await expectStatus(await call('GET', `${NS}/configmaps?limit=1&continue=${encodeURIComponent(page.metadata.continue)}`), 410, 'Expired', /^The provided continue parameter is too old/);
    const watch = await call('GET', `${NS}/configmaps?watch=1&resourceVersion=1`);
    if (watch.status === 410) {
      await expectStatus(watch, 410, 'Expired', /^too old resource version: 1 \(\d+\)$/);
    } else {
      // The API server may also start the stream and end it with an ERROR event.
      const event = JSON.parse((await watch.text()).split('\n')[0] ?? '') as { type: string; object: Status };
      assert.equal(event.type, 'ERROR');
      assert.deepEqual([event.object.code, event.object.reason], [410, 'Expired']);
    }
  });

  it('RequestEntityTooLarge for bodies over 3 MiB, before anything is stored', async () => {
    const big = configMap('big', { data: { a: 'x'.repeat(3 * 1024 * 1024) } });
    await expectStatus(await call('POST', `${NS}/configmaps`, big), 413, 'RequestEntityTooLarge');
    await expectStatus(await call('GET', `${NS}/configmaps/big`), 404, 'NotFound');
  });

  it('UnsupportedMediaType for bodies and patches in formats the server does not read; NotAcceptable for answers it cannot give', async () => {
    await expectStatus(await call('POST', `${NS}/configmaps`, 'hello', { 'Content-Type': 'text/plain' }), 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: /);
    await expectStatus(await call('PATCH', `${NS}/configmaps/twice`, '{}', { 'Content-Type': 'application/json' }), 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: .*application\/strategic-merge-patch\+json/);
    await expectStatus(await call('GET', `${NS}/configmaps`, undefined, { Accept: 'text/html' }), 406, 'NotAcceptable');
  });

  it('TooManyRequests, without Retry-After (as kube-apiserver), for an eviction a PodDisruptionBudget forbids', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'guarded', labels: { app: 'guarded' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    assert.equal((await call('POST', `${NS}/pods`, JSON.stringify(pod))).status, 201);
    // A running, ready pod: pending ones ignore budgets.
    const running = JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.equal((await call('PATCH', `${NS}/pods/guarded/status`, running, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } };
    assert.equal((await call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', JSON.stringify(pdb))).status, 201);
    const eviction = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded', namespace: 'default' } });
    const response = await call('POST', `${NS}/pods/guarded/eviction`, eviction);
    assert.equal(response.headers.get('retry-after'), null);
    const status = await expectStatus(response, 429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(status.details?.causes?.[0]?.reason, 'DisruptionBudget');
    assert.equal((await call('GET', `${NS}/pods/guarded`)).status, 200, 'the pod is still there');
  });
});
