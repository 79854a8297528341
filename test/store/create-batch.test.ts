import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { AlreadyExistsError, type KubeObject } from '../../src/store/index.js';
import { testDatabaseUrl } from '../helpers/env.js';
import { openTestStore, pod, podsIn } from './helpers.js';

// Creates that arrive together commit as one batch; a batch of creates of new
// names is written in one statement that assigns the versions itself. These
// check what that statement stores against what the writers are told.
const store = openTestStore();
const db = new pg.Client({ connectionString: testDatabaseUrl() });
const connected = db.connect();
after(async () => {
  await store.close();
  await db.end();
});

interface Stored {
  name: string;
  resource_version: string;
  object: KubeObject;
  logged: KubeObject;
  event_type: string;
}

async function stored(cluster: string): Promise<Stored[]> {
  await connected;
  const { rows } = await db.query<Stored>(
    `SELECT o.name, o.resource_version, o.object, l.object AS logged, l.event_type
     FROM objects o JOIN change_log l ON l.cluster = o.cluster AND l.rv = o.resource_version
     WHERE o.cluster = $1 ORDER BY o.resource_version`,
    [cluster],
  );
  return rows;
}

describe('creates committed together', () => {
  it('get consecutive versions, stored in the object row, its log row and the object the writer gets back', async () => {
    const pods = podsIn();
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(pods, pod(`p-${i}`, { labels: { i: String(i) } }))));
    const rows = await stored(pods.cluster);
    assert.equal(rows.length, 20);
    const versions = rows.map((r) => Number(r.resource_version));
    assert.deepEqual(versions, versions.map((_, i) => (versions[0] as number) + i), 'consecutive');
    for (const row of rows) {
      const mine = created.find((o) => o.metadata.name === row.name) as KubeObject;
      assert.equal(mine.metadata.resourceVersion, row.resource_version);
      assert.deepEqual(row.object, JSON.parse(JSON.stringify(mine)));
      assert.deepEqual(row.logged, row.object);
      assert.equal(row.event_type, 'ADDED');
      assert.equal(row.object.metadata.resourceVersion, row.resource_version);
    }
  });

  it('a taken name fails alone with AlreadyExists; the other creates of its batch are stored', async () => {
    const pods = podsIn();
    await store.create(pods, pod('taken-1'));
    await store.create(pods, pod('taken-2'));
    const names = ['new-1', 'taken-1', 'new-2', 'taken-2', 'new-3'];
    const results = await Promise.allSettled(names.map((name) => store.create(pods, pod(name))));
    const failed = names.filter((_, i) => results[i]?.status === 'rejected');
    assert.deepEqual(failed, ['taken-1', 'taken-2']);
    for (const result of results) if (result.status === 'rejected') assert.ok(result.reason instanceof AlreadyExistsError, String(result.reason));
    assert.deepEqual((await stored(pods.cluster)).map((r) => r.name).sort(), ['new-1', 'new-2', 'new-3', 'taken-1', 'taken-2']);
  });

  it('two creates of one name in one batch: one is stored, the other gets AlreadyExists', async () => {
    const pods = podsIn();
    const results = await Promise.allSettled([store.create(pods, pod('twin', { labels: { n: '1' } })), store.create(pods, pod('twin', { labels: { n: '2' } }))]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rows = await stored(pods.cluster);
    assert.equal(rows.length, 1);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<KubeObject>;
    assert.deepEqual(rows[0]?.object.metadata.labels, winner.value.metadata.labels);
  });
});
