import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../src/store/index.js';
import { keyOf, openTestStore, pod, podsIn } from './helpers.js';

const store = openTestStore();
after(() => store.close());

describe('create', () => {
  it('sets uid, creationTimestamp, generation 1 and a resourceVersion', async () => {
    const pods = podsIn();
    const created = await store.create(pods, pod('web'));
    assert.match(created.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.metadata.namespace, 'default');
    assert.match(created.metadata.resourceVersion ?? '', /^\d+$/);
    assert.deepEqual(await store.get(keyOf(pods, 'web')), created);
  });

  it('an existing name gets AlreadyExists with the Kubernetes message', async () => {
    const pods = podsIn();
    await store.create(pods, pod('web'));
    await assert.rejects(store.create(pods, pod('web')), (err: unknown) => {
      assert.ok(err instanceof AlreadyExistsError);
      assert.equal(err.message, 'pods "web" already exists');
      assert.equal(err.code, 409);
      return true;
    });
  });

  it('generateName gets a random five-character suffix', async () => {
    const pods = podsIn();
    const created = await store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' } });
    assert.match(created.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(created.metadata.generateName, 'web-');
  });

  it('a name in a non-core group is qualified in messages', async () => {
    const deployments = { cluster: podsIn().cluster, group: 'apps', resource: 'deployments', namespace: 'default' };
    await store.create(deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
    await assert.rejects(store.create(deployments, { metadata: { name: 'web' } }), { message: 'deployments.apps "web" already exists' });
  });
});

describe('update', () => {
  it('a stale resourceVersion gets Conflict', async () => {
    const pods = podsIn();
    const v1 = await store.create(pods, pod('web'));
    const v2 = await store.update(keyOf(pods, 'web'), { ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } });
    assert.notEqual(v2.metadata.resourceVersion, v1.metadata.resourceVersion);
    await assert.rejects(store.update(keyOf(pods, 'web'), { ...v1, metadata: { ...v1.metadata, labels: { a: 'c' } } }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(
        err.message,
        'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
      );
      return true;
    });
  });

  it('an update without resourceVersion is unconditional', async () => {
    const pods = podsIn();
    const v1 = await store.create(pods, pod('web'));
    await store.update(keyOf(pods, 'web'), { ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } });
    const v3 = await store.update(keyOf(pods, 'web'), { ...v1, metadata: { name: 'web', labels: { a: 'c' } } });
    assert.deepEqual(v3.metadata.labels, { a: 'c' });
    assert.equal(v3.metadata.uid, v1.metadata.uid);
  });

  it('a missing object gets NotFound', async () => {
    const pods = podsIn();
    await assert.rejects(store.update(keyOf(pods, 'nope'), pod('nope')), (err: unknown) => err instanceof NotFoundError && err.message === 'pods "nope" not found');
  });
});

describe('delete', () => {
  it('removes an object without finalizers', async () => {
    const pods = podsIn();
    await store.create(pods, pod('web'));
    const result = await store.delete(keyOf(pods, 'web'));
    assert.equal(result.deleted, true);
    assert.equal(await store.get(keyOf(pods, 'web')), null);
    await assert.rejects(store.delete(keyOf(pods, 'web')), NotFoundError);
  });
});

describe('list', () => {
  it('lists a namespace in name order with the snapshot resourceVersion', async () => {
    const pods = podsIn();
    for (const name of ['c', 'a', 'b']) await store.create(pods, pod(name));
    await store.create({ ...pods, namespace: 'other' }, pod('z'));
    const list = await store.list(pods);
    assert.deepEqual(list.items.map((p) => p.metadata.name), ['a', 'b', 'c']);
    assert.equal(list.resourceVersion, '4');
    const all = await store.list({ ...pods, namespace: '' });
    assert.deepEqual(all.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ['default/a', 'default/b', 'default/c', 'other/z']);
  });
});
