import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ConflictError, InvalidError, NotFoundError, type KubeObject } from '../../src/store/index.js';
import { testDatabaseUrl } from '../helpers/env.js';
import { keyOf, openTestStore, pod, podsIn, take } from './helpers.js';

const store = openTestStore();
after(() => store.close());

const withSpec = (o: KubeObject, spec: unknown): KubeObject => ({ ...o, spec });

describe('generation and the status split', () => {
  it('generation increments only when the spec changes', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    const v1 = await store.create(pods, pod('web'));
    const labelled = await store.update(key, { ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } });
    assert.equal(labelled.metadata.generation, 1);
    const respecced = await store.update(key, withSpec(labelled, { containers: [{ name: 'c', image: 'nginx:2' }] }));
    assert.equal(respecced.metadata.generation, 2);
    const statused = await store.update(key, { ...respecced, status: { phase: 'Running' } }, { subresource: 'status' });
    assert.equal(statused.metadata.generation, 2);
  });

  it('a main-resource update keeps the stored status', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    const v1 = await store.create(pods, pod('web'));
    const v2 = await store.update(key, { ...v1, status: { phase: 'Running' } }, { subresource: 'status' });
    const v3 = await store.update(key, { ...withSpec(v2, { containers: [] }), status: { phase: 'Failed' } });
    assert.deepEqual(v3.status, { phase: 'Running' });
    assert.deepEqual(v3.spec, { containers: [] });
  });

  it('a status update changes only status', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    const v1 = await store.create(pods, pod('web', { labels: { a: 'b' } }));
    const v2 = await store.update(key, { ...withSpec(v1, { hacked: true }), metadata: { ...v1.metadata, labels: { a: 'changed' } }, status: { phase: 'Running' } }, {
      subresource: 'status',
    });
    assert.deepEqual(v2.spec, v1.spec);
    assert.deepEqual(v2.metadata.labels, { a: 'b' });
    assert.deepEqual(v2.status, { phase: 'Running' });
  });

  it('resources without a status subresource write status with the main resource', async () => {
    const widgets = { ...podsIn(), group: 'example.com', resource: 'widgets' };
    const v1 = await store.create(widgets, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    const v2 = await store.update(keyOf(widgets, 'w'), { ...v1, status: { ok: true } }, { hasStatusSubresource: false });
    assert.deepEqual(v2.status, { ok: true });
  });

  it('server-owned metadata cannot be changed by an update', async () => {
    const pods = podsIn();
    const v1 = await store.create(pods, pod('web'));
    const v2 = await store.update(keyOf(pods, 'web'), {
      ...v1,
      metadata: { ...v1.metadata, creationTimestamp: '2000-01-01T00:00:00Z', generation: 42, deletionTimestamp: '2000-01-01T00:00:00Z', labels: { x: 'y' } },
    });
    assert.equal(v2.metadata.creationTimestamp, v1.metadata.creationTimestamp);
    assert.equal(v2.metadata.generation, 1);
    assert.equal(v2.metadata.deletionTimestamp, undefined);
    assert.equal(v2.metadata.uid, v1.metadata.uid);
  });

  it('a different uid in the body is a failed precondition', async () => {
    const pods = podsIn();
    const v1 = await store.create(pods, pod('web'));
    await assert.rejects(store.update(keyOf(pods, 'web'), { ...v1, metadata: { ...v1.metadata, uid: 'other' } }), {
      message: `Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: other, UID in object meta: ${v1.metadata.uid}`,
    });
  });

  it('writing what is stored changes nothing: no new version, no event', async () => {
    const pods = podsIn();
    const v1 = await store.create(pods, pod('web'));
    const same = await store.update(keyOf(pods, 'web'), v1);
    assert.equal(same.metadata.resourceVersion, v1.metadata.resourceVersion);
  });
});

describe('finalizers and deletionTimestamp', () => {
  it('delete of an object with finalizers marks it; removing the last finalizer deletes it', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    const created = await store.create(pods, { ...pod('web'), metadata: { name: 'web', finalizers: ['example.com/a', 'example.com/b'] } });
    const watch = await store.watch(pods, { resourceVersion: created.metadata.resourceVersion });
    const marked = await store.delete(key);
    assert.equal(marked.deleted, false);
    assert.match(marked.object.metadata.deletionTimestamp ?? '', /Z$/);
    assert.equal(marked.object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(marked.object.metadata.generation, 2);
    // Deleting again is a no-op that returns it.
    const again = await store.delete(key);
    assert.equal(again.deleted, false);
    assert.equal(again.object.metadata.resourceVersion, marked.object.metadata.resourceVersion);
    // New finalizers cannot be added while terminating.
    await assert.rejects(store.update(key, { ...marked.object, metadata: { ...marked.object.metadata, finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } }), (err: unknown) => {
      assert.ok(err instanceof InvalidError);
      assert.equal(
        err.message,
        'Pod "web" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/c"}',
      );
      return true;
    });
    const one = await store.update(key, { ...marked.object, metadata: { ...marked.object.metadata, finalizers: ['example.com/b'] } });
    assert.ok(await store.get(key));
    await store.update(key, { ...one, metadata: { ...one.metadata, finalizers: [] } });
    assert.equal(await store.get(key), null);
    const events = await take(watch, 3);
    watch.close();
    assert.deepEqual(events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('Orphan and Foreground propagation add their finalizers', async () => {
    const pods = podsIn();
    await store.create(pods, pod('o'));
    await store.create(pods, pod('f'));
    const orphaned = await store.delete(keyOf(pods, 'o'), { propagationPolicy: 'Orphan' });
    assert.deepEqual(orphaned.object.metadata.finalizers, ['orphan']);
    const foreground = await store.delete(keyOf(pods, 'f'), { propagationPolicy: 'Foreground' });
    assert.deepEqual(foreground.object.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(foreground.deleted, false);
  });

  it('a graceful delete keeps the object until a delete with grace period 0', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    await store.create(pods, pod('web'));
    const before = Date.now();
    const graceful = await store.delete(key, { gracePeriodSeconds: 30 });
    assert.equal(graceful.deleted, false);
    assert.equal(graceful.object.metadata.deletionGracePeriodSeconds, 30);
    const at = Date.parse(graceful.object.metadata.deletionTimestamp ?? '');
    assert.ok(at >= before + 29_000 && at <= Date.now() + 31_000);
    const final = await store.delete(key, { gracePeriodSeconds: 0 });
    assert.equal(final.deleted, true);
    assert.equal(await store.get(key), null);
  });

  it('delete preconditions on uid and resourceVersion are honoured', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    const v1 = await store.create(pods, pod('web'));
    await assert.rejects(store.delete(key, { preconditions: { uid: 'nope' } }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.message, `Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: nope, UID in object meta: ${v1.metadata.uid}`);
      return true;
    });
    await assert.rejects(store.delete(key, { preconditions: { resourceVersion: '1' + (v1.metadata.resourceVersion ?? '') } }), {
      message: `Operation cannot be fulfilled on pods "web": Precondition failed: ResourceVersion in precondition: 1${v1.metadata.resourceVersion}, ResourceVersion in object meta: ${v1.metadata.resourceVersion}`,
    });
    const done = await store.delete(key, { preconditions: { uid: v1.metadata.uid, resourceVersion: v1.metadata.resourceVersion } });
    assert.equal(done.deleted, true);
    await assert.rejects(store.delete(key), NotFoundError);
  });
});

describe('object write and change-log row are one transaction', () => {
  it('a write that fails writes neither the object nor a log row', async () => {
    const pods = podsIn();
    await store.create(pods, pod('ok'));
    const before = await store.list(pods);
    // PostgreSQL's jsonb refuses \u0000: the write fails inside its transaction.
    await assert.rejects(store.create(pods, pod('bad', { labels: { x: 'y' }, spec: { note: 'nul\u0000byte' } })));
    assert.equal(await store.get(keyOf(pods, 'bad')), null);
    const afterList = await store.list(pods);
    assert.equal(afterList.resourceVersion, before.resourceVersion);
    // The next write gets the next version: no gap was left behind.
    const next = await store.create(pods, pod('next'));
    assert.equal(Number(next.metadata.resourceVersion), Number(before.resourceVersion) + 1);
  });
});

describe('values are stored exactly', () => {
  it('quotes, backslashes, placeholders and non-ASCII text survive a write and a read', async () => {
    const pods = podsIn();
    const tricky = `it's a \\ back\\\\slash, "quoted", $1 $2 E'x' -- ; COMMIT; \\u0041 é 🚀`;
    const created = await store.create(pods, pod("it's", { metadata: { name: 'tricky', annotations: { note: tricky } }, spec: { args: [tricky, '\\'] } }));
    const read = await store.get(keyOf(pods, 'tricky'));
    assert.equal(read?.metadata.annotations?.note, tricky);
    assert.deepEqual(read?.spec, { args: [tricky, '\\'] });
    assert.deepEqual(read, created);
  });
});

describe('the change log', () => {
  it('records each change with the object before it, also for several changes to one key in one batch', async () => {
    const pods = podsIn();
    const key = keyOf(pods, 'web');
    await store.create(pods, pod('web', { labels: { v: '0' } }));
    // Submitted in the same tick: committed together in one batch.
    const [one, two] = await Promise.all([
      store.update(key, pod('web', { labels: { v: '1' } })),
      store.update(key, pod('web', { labels: { v: '2' } })),
    ]);
    const gone = await store.delete(key);
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ rv: string; event_type: string; object: KubeObject; prev_object: KubeObject | null }>(
        'SELECT rv, event_type, object, prev_object FROM change_log WHERE cluster = $1 ORDER BY rv',
        [pods.cluster],
      );
      assert.deepEqual(rows.map((r) => [r.event_type, r.object.metadata.labels?.v, r.prev_object?.metadata.labels?.v ?? null]), [
        ['ADDED', '0', null],
        ['MODIFIED', '1', '0'],
        ['MODIFIED', '2', '1'],
        ['DELETED', '2', '2'],
      ]);
      assert.deepEqual(rows[2]?.prev_object, one);
      assert.deepEqual(rows[3]?.prev_object, two);
      assert.equal(rows[3]?.rv, gone.object.metadata.resourceVersion);
    } finally {
      await client.end();
    }
  });
});
