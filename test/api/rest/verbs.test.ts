// The REST verbs' protocol details over plain HTTP: watch streams and their
// parameters, paging, dry runs, delete options and deletecollection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';

const NS = '/api/v1/namespaces/default';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Meta {
  name: string;
  resourceVersion: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}
interface WatchEvent {
  type: string;
  object: { kind: string; apiVersion: string; metadata: Meta; rows?: { cells: unknown[] }[] };
}

/** Reads a watch response line by line; `next()` waits for the next event. */
function eventsOf(response: Response): { next(ms?: number): Promise<WatchEvent>; cancel(): Promise<void> } {
  assert.ok(response.body, 'a watch has a body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  return {
    async next(ms = 5000): Promise<WatchEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const newline = buffered.indexOf('\n');
        if (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          return JSON.parse(line) as WatchEvent;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('no watch event in time');
        const chunk = await Promise.race([reader.read(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), remaining))]);
        if (chunk === 'timeout') continue;
        if (chunk.done) throw new Error('the watch ended');
        buffered += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('REST verbs', () => {
  let t: TestApi;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${t.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const json = async <T>(response: Response, code = 200): Promise<T> => {
    const text = await response.text();
    assert.equal(response.status, code, text);
    return JSON.parse(text) as T;
  };
  const configMap = (name: string, labels: Record<string, string> = {}): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: 'v' } });

  before(async () => {
    t = await startTestApi();
  });
  after(async () => t.stop());

  it('a watch from a list resourceVersion streams chunked JSON events in order', async () => {
    const list = await json<{ metadata: { resourceVersion: string } }>(await call('GET', `${NS}/configmaps`));
    const response = await call('GET', `${NS}/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers.get('content-type'), 'application/json');
    const events = eventsOf(response);
    try {
      const created = await json<{ metadata: Meta }>(await call('POST', `${NS}/configmaps`, configMap('w1')), 201);
      await json(await call('PATCH', `${NS}/configmaps/w1`, { metadata: { labels: { seen: 'yes' } } }, { 'Content-Type': 'application/merge-patch+json' }));
      await json(await call('DELETE', `${NS}/configmaps/w1`));
      const added = await events.next();
      assert.deepEqual([added.type, added.object.kind, added.object.apiVersion, added.object.metadata.name], ['ADDED', 'ConfigMap', 'v1', 'w1']);
      assert.equal(added.object.metadata.resourceVersion, created.metadata.resourceVersion);
      const modified = await events.next();
      assert.deepEqual([modified.type, modified.object.metadata.labels], ['MODIFIED', { seen: 'yes' }]);
      assert.ok(BigInt(modified.object.metadata.resourceVersion) > BigInt(added.object.metadata.resourceVersion));
      assert.equal((await events.next()).type, 'DELETED');
    } finally {
      await events.cancel();
    }
  });

  it('timeoutSeconds ends the stream; a watch of one name sees only that object', async () => {
    const started = Date.now();
    const response = await call('GET', `${NS}/configmaps?watch=true&timeoutSeconds=1`);
    assert.equal(await response.text(), '');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 5000, `the watch lasted ${elapsed} ms`);

    const named = eventsOf(await call('GET', `${NS}/configmaps?watch=1&fieldSelector=metadata.name%3Dmine`));
    try {
      await json(await call('POST', `${NS}/configmaps`, configMap('other')), 201);
      await json(await call('POST', `${NS}/configmaps`, configMap('mine')), 201);
      const event = await named.next();
      assert.deepEqual([event.type, event.object.metadata.name], ['ADDED', 'mine']);
    } finally {
      await named.cancel();
    }
  });

  it('sendInitialEvents with allowWatchBookmarks ends the initial objects with a bookmark', async () => {
    const events = eventsOf(await call('GET', `${NS}/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`));
    try {
      const initial: string[] = [];
      for (;;) {
        const event = await events.next();
        if (event.type === 'BOOKMARK') {
          assert.equal(event.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
          assert.match(event.object.metadata.resourceVersion, /^\d+$/);
          break;
        }
        assert.equal(event.type, 'ADDED');
        initial.push(event.object.metadata.name);
      }
      assert.deepEqual(initial.sort(), ['mine', 'other']);
    } finally {
      await events.cancel();
    }
  });

  it('a watch asked for as a Table (kubectl get -w) sends one-row Tables', async () => {
    const events = eventsOf(await call('GET', `${NS}/configmaps?watch=1&resourceVersion=0`, undefined, { Accept: TABLE_ACCEPT }));
    try {
      await json(await call('POST', `${NS}/configmaps`, configMap('tabled')), 201);
      for (;;) {
        const event = await events.next();
        if (event.type !== 'ADDED' || event.object.rows?.[0]?.cells[0] !== 'tabled') continue;
        assert.deepEqual([event.object.kind, event.object.apiVersion, event.object.rows.length], ['Table', 'meta.k8s.io/v1', 1]);
        break;
      }
    } finally {
      await events.cancel();
    }
  });

  it('limit and continue page through a list without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) await json(await call('POST', `${NS}/configmaps`, configMap(`page-${i}`, { paged: 'yes' })), 201);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await json<{ metadata: { continue?: string; remainingItemCount?: number }; items: { metadata: Meta }[] }>(
        await call('GET', `${NS}/configmaps?labelSelector=paged%3Dyes&limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`),
      );
      seen.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue;
      pages++;
      // As upstream: with a selector the count of what remains is unknown, so it is left out.
      assert.equal(page.metadata.remainingItemCount, undefined);
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('dryRun=All answers like the write would and stores nothing', async () => {
    const created = await json<{ metadata: Meta }>(await call('POST', `${NS}/configmaps?dryRun=All`, configMap('dry')), 201);
    assert.equal(created.metadata.name, 'dry');
    assert.ok(created.metadata.uid);
    assert.equal((await call('GET', `${NS}/configmaps/dry`)).status, 404);
    const patched = await json<{ metadata: Meta }>(await call('PATCH', `${NS}/configmaps/mine?dryRun=All`, { metadata: { labels: { dry: 'run' } } }, { 'Content-Type': 'application/merge-patch+json' }));
    assert.equal(patched.metadata.labels?.dry, 'run');
    assert.equal((await json<{ metadata: Meta }>(await call('GET', `${NS}/configmaps/mine`))).metadata.labels?.dry, undefined);
    await json(await call('DELETE', `${NS}/configmaps/mine?dryRun=All`));
    assert.equal((await call('GET', `${NS}/configmaps/mine`)).status, 200);
  });

  it('delete answers a Status for objects gone at once, honours resourceVersion preconditions, and propagationPolicy is checked', async () => {
    const current = await json<{ metadata: Meta }>(await call('GET', `${NS}/configmaps/mine`));
    const stale = await call('DELETE', `${NS}/configmaps/mine`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } });
    assert.equal(stale.status, 409);
    await json(await call('DELETE', `${NS}/configmaps/mine`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Sideways' }), 400);
    const status = await json<{ kind: string; status: string; details: { name: string; kind: string; uid: string } }>(
      await call('DELETE', `${NS}/configmaps/mine?gracePeriodSeconds=0`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { resourceVersion: current.metadata.resourceVersion } }),
    );
    assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'mine', kind: 'configmaps', uid: current.metadata.uid } });
    assert.equal((await call('GET', `${NS}/configmaps/mine`)).status, 404);
  });

  it('an object with a finalizer is only marked for deletion until the finalizer is removed', async () => {
    await json(await call('POST', `${NS}/configmaps`, { ...(configMap('held') as object), metadata: { name: 'held', finalizers: ['example.com/hold'] } }), 201);
    const marked = await json<{ metadata: Meta }>(await call('DELETE', `${NS}/configmaps/held`));
    assert.ok(marked.metadata.deletionTimestamp, 'the answer is the object, marked');
    assert.ok((await json<{ metadata: Meta }>(await call('GET', `${NS}/configmaps/held`))).metadata.deletionTimestamp);
    await json(await call('PATCH', `${NS}/configmaps/held`, [{ op: 'remove', path: '/metadata/finalizers' }], { 'Content-Type': 'application/json-patch+json' }));
    assert.equal((await call('GET', `${NS}/configmaps/held`)).status, 404);
  });

  it('deletecollection deletes what the selector matches and nothing else', async () => {
    await json(await call('POST', `${NS}/configmaps`, configMap('keep', { paged: 'no' })), 201);
    const deleted = await json<{ kind: string; items: { metadata: Meta }[] }>(await call('DELETE', `${NS}/configmaps?labelSelector=paged%3Dyes`));
    assert.equal(deleted.kind, 'ConfigMapList');
    assert.equal(deleted.items.length, 7);
    const left = await json<{ items: { metadata: Meta }[] }>(await call('GET', `${NS}/configmaps?labelSelector=paged`));
    assert.deepEqual(left.items.map((i) => i.metadata.name), ['keep']);
  });

  it('server-side apply creates, then merges per field manager', async () => {
    const config = (replicas: number): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      containers:\n      - name: a\n        image: nginx\n`;
    const path = '/apis/apps/v1/namespaces/default/deployments/applied?fieldManager=ci';
    const created = await json<{ spec: { replicas: number }; metadata: { managedFields: { manager: string; operation: string }[] } }>(await call('PATCH', path, config(1), { 'Content-Type': 'application/apply-patch+yaml' }), 201);
    assert.equal(created.spec.replicas, 1);
    assert.deepEqual(created.metadata.managedFields.map((m) => [m.manager, m.operation]), [['ci', 'Apply']]);
    const conflict = await json<{ reason: string; message: string; details: { causes: { field: string }[] } }>(
      await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/applied?fieldManager=other', config(2), { 'Content-Type': 'application/apply-patch+yaml' }),
      409,
    );
    assert.equal(conflict.reason, 'Conflict');
    assert.equal(conflict.message, 'Apply failed with 1 conflict: conflict with "ci": .spec.replicas');
    assert.deepEqual(conflict.details.causes.map((c) => c.field), ['.spec.replicas']);
    const forced = await json<{ spec: { replicas: number } }>(await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/applied?fieldManager=other&force=true', config(2), { 'Content-Type': 'application/apply-patch+yaml' }));
    assert.equal(forced.spec.replicas, 2);
  });
});
