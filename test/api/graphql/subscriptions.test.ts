import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlWsClient } from '../../helpers/graphql.js';
import { uniqueClusterName } from '../../helpers/env.js';
import { ADMIN_GROUPS, issueToken } from '../../../src/auth/tokens.js';
import type { KubeObject } from '../../../src/store/types.js';
import { createObject, namespace, updateObject } from './fixtures.js';

interface Result {
  data?: Record<string, { type: string; resourceVersion: string; object: { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; data?: Record<string, string> } } | null> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A running subscription collecting results, with a way to wait for the n-th. */
function subscription(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Result[] = [];
  let completed = false;
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters) w();
    waiters = [];
  };
  const unsubscribe = client.subscribe<Result['data']>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as Result);
        wake();
      },
      error: (err) => {
        results.push({ errors: [{ message: String((err as Error).message ?? err) }] });
        completed = true;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    results,
    get completed() {
      return completed;
    },
    unsubscribe,
    async waitFor(n: number, timeoutMs = 5000): Promise<Result[]> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < n && !completed) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} results within ${timeoutMs} ms, got ${results.length}: ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results.slice(0, n);
    },
  };
}

const configMap = (ns: string, name: string, labels: Record<string, string>, value = 'v1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { value } });

const WATCH = `subscription($ns: String, $sel: String, $rv: String) {
  watch(apiVersion: "v1", kind: "ConfigMap", namespace: $ns, labelSelector: $sel, resourceVersion: $rv) {
    type resourceVersion object { metadata { name namespace labels } ... on ConfigMap { data } }
  }
}`;

const summary = (r: Result): string => {
  const e = r.data?.watch;
  return e ? `${e.type} ${e.object.metadata.name}` : `error ${JSON.stringify(r.errors)}`;
};

describe('GraphQL subscriptions', () => {
  let t: TestApi;
  let client: Client;

  before(async () => {
    t = await startTestApi();
    for (const ns of ['alpha', 'beta']) await createObject(t.api.objects, t.cluster, namespace(ns));
    client = graphqlWsClient(`${t.url}/graphql`, t.token);
  });
  after(async () => {
    await client.dispose();
    await t.stop();
  });

  it('delivers changes in order, only for the namespace and label selector asked for', async () => {
    const { objects } = t.api;
    const list = await objects.list(objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'alpha');
    const sub = subscription(client, WATCH, { ns: 'alpha', sel: 'app=web', rv: list.resourceVersion });
    await new Promise((r) => setTimeout(r, 200));
    const a = await createObject(objects, t.cluster, configMap('alpha', 'a', { app: 'web' }));
    await createObject(objects, t.cluster, configMap('alpha', 'other-app', { app: 'db' }));
    await createObject(objects, t.cluster, configMap('beta', 'a', { app: 'web' }));
    await updateObject(objects, t.cluster, { ...a, data: { value: 'v2' } });
    await objects.delete(objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'alpha', 'a', { requester: { username: 'test-admin', groups: ['system:masters'] } });
    const results = await sub.waitFor(3);
    sub.unsubscribe();
    assert.deepEqual(results.map(summary), ['ADDED a', 'MODIFIED a', 'DELETED a']);
    assert.equal(results[1]?.data?.watch?.object.data?.value, 'v2');
    for (const r of results) assert.equal(r.data?.watch?.object.metadata.namespace, 'alpha');
    const versions = results.map((r) => BigInt(r.data?.watch?.resourceVersion ?? '0'));
    assert.deepEqual([...versions].sort((x, y) => (x < y ? -1 : 1)), versions);
    // Nothing else arrived (the other app, the other namespace).
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sub.results.length, 3, JSON.stringify(sub.results.map(summary)));
  });

  it('starts with the current objects as ADDED when no resourceVersion is given', async () => {
    await createObject(t.api.objects, t.cluster, configMap('beta', 'initial', { app: 'init' }));
    const sub = subscription(client, WATCH, { ns: 'beta', sel: 'app=init' });
    const results = await sub.waitFor(1);
    sub.unsubscribe();
    assert.deepEqual(results.map(summary), ['ADDED initial']);
  });

  it('resumes after a disconnect from the last resourceVersion with no gap and no duplicate', async () => {
    const { objects } = t.api;
    const first = graphqlWsClient(`${t.url}/graphql`, t.token);
    const list = await objects.list(objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'alpha');
    const sub = subscription(first, WATCH, { ns: 'alpha', sel: 'app=resume', rv: list.resourceVersion });
    await new Promise((r) => setTimeout(r, 200));
    await createObject(objects, t.cluster, configMap('alpha', 'r1', { app: 'resume' }));
    const [seen] = await sub.waitFor(1);
    await first.dispose();
    // Changes while disconnected.
    await createObject(objects, t.cluster, configMap('alpha', 'r2', { app: 'resume' }));
    await createObject(objects, t.cluster, configMap('alpha', 'r3', { app: 'resume' }));
    const resumed = subscription(client, WATCH, { ns: 'alpha', sel: 'app=resume', rv: seen?.data?.watch?.resourceVersion });
    await createObject(objects, t.cluster, configMap('alpha', 'r4', { app: 'resume' }));
    const results = await resumed.waitFor(3);
    resumed.unsubscribe();
    assert.deepEqual(results.map(summary), ['ADDED r2', 'ADDED r3', 'ADDED r4']);
  });

  it('ends with an Expired (410) error when the resourceVersion is too old', async () => {
    const { objects, store } = t.api;
    const old = await createObject(objects, t.cluster, configMap('alpha', 'expired', { app: 'old' }));
    await createObject(objects, t.cluster, configMap('alpha', 'newer', { app: 'old' }));
    await store.compact(0, t.cluster);
    const sub = subscription(client, WATCH, { ns: 'alpha', rv: String(BigInt(old.metadata.resourceVersion ?? '1') - 1n) });
    const [result] = await sub.waitFor(1);
    assert.equal(result?.errors?.[0]?.extensions?.code, 'Expired', JSON.stringify(result));
    assert.equal(result?.errors?.[0]?.extensions?.status, 410);
    assert.match(result?.errors?.[0]?.message ?? '', /too old resource version/);
  });

  it('serves typed pod events with their typed fields and relationships', async () => {
    const { objects } = t.api;
    const list = await objects.list(objects.resourceForKind(t.cluster, 'v1', 'Pod'), 'beta');
    type PodEvent = { pods: { type: string; object: { __typename: string; spec: { nodeName: string | null }; containers: { name: string; image: string }[]; node: unknown } } };
    const results: PodEvent[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<PodEvent['pods']>(
        { query: `subscription { pods(namespace: "beta", resourceVersion: "${list.resourceVersion}") { type object { __typename spec { nodeName } containers { name image } node { metadata { name } } } } }` },
        {
          next: (value) => {
            results.push(value.data as unknown as PodEvent);
            stop();
            resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    await new Promise((r) => setTimeout(r, 200));
    await createObject(objects, t.cluster, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'typed', namespace: 'beta' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    await done;
    assert.deepEqual(results[0]?.pods, { type: 'ADDED', object: { __typename: 'Pod', spec: { nodeName: null }, containers: [{ name: 'main', image: 'busybox' }], node: null } });
  });

  it('keeps order when some events need a store read (a pod on a node) and the others do not', async () => {
    const { objects } = t.api;
    const list = await objects.list(objects.resourceForKind(t.cluster, 'v1', 'Pod'), 'alpha');
    const sub = subscription(client, `subscription { pods(namespace: "alpha", resourceVersion: "${list.resourceVersion}") { type object { metadata { name } node { metadata { name } } } } }`);
    await new Promise((r) => setTimeout(r, 200));
    const names = Array.from({ length: 8 }, (_, i) => `mixed-${i}`);
    // Alternate pods bound to a node (its node field is a batched read) with unbound ones (answered at once).
    await Promise.all(
      names.map((name, i) => createObject(objects, t.cluster, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'alpha' }, spec: { ...(i % 2 === 0 ? { nodeName: 'no-such-node' } : {}), containers: [{ name: 'main', image: 'busybox' }] } })),
    );
    const results = await sub.waitFor(names.length);
    sub.unsubscribe();
    const created = (await objects.list(objects.resourceForKind(t.cluster, 'v1', 'Pod'), 'alpha')).items
      .filter((p) => names.includes(p.metadata.name ?? ''))
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((p) => p.metadata.name);
    const pods = results.map((r) => (r.data as { pods?: { object: { metadata: { name: string } } } } | null | undefined)?.pods?.object.metadata.name ?? JSON.stringify(r));
    assert.deepEqual(pods, created, 'in commit order');
  });

  it('serves typed node and event subscriptions', async () => {
    const nodes = subscription(client, 'subscription { nodes(labelSelector: "pool=sub") { type object { metadata { name } ready } } }');
    const events = subscription(client, 'subscription { events(namespace: "beta", fieldSelector: "reason=Pulled") { type object { reason message involvedObject { name } } } }');
    await new Promise((r) => setTimeout(r, 200));
    await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'sub-node', labels: { pool: 'sub' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'other-node', labels: { pool: 'other' } } });
    for (const reason of ['Pulling', 'Pulled']) {
      await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'Event', metadata: { name: `typed.${reason.toLowerCase()}`, namespace: 'beta' }, involvedObject: { kind: 'Pod', name: 'typed', namespace: 'beta' }, reason, message: `${reason} image` });
    }
    const [node] = await nodes.waitFor(1);
    const [event] = await events.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    nodes.unsubscribe();
    events.unsubscribe();
    assert.deepEqual(node?.data?.nodes, { type: 'ADDED', object: { metadata: { name: 'sub-node' }, ready: true } });
    assert.deepEqual(event?.data?.events, { type: 'ADDED', object: { reason: 'Pulled', message: 'Pulled image', involvedObject: { name: 'typed' } } });
    assert.equal(nodes.results.length, 1);
    assert.equal(events.results.length, 1);
  });

  it('answers an unknown kind with NotFound', async () => {
    const sub = subscription(client, 'subscription { watch(apiVersion: "v1", kind: "Nope") { type } }');
    const [result] = await sub.waitFor(1);
    assert.equal(result?.errors?.[0]?.extensions?.code, 'NotFound', JSON.stringify(result));
  });

  it('delivers a change written through another API replica (the change log, not process memory)', async () => {
    const replica = await startTestApi();
    try {
      const list = await t.api.objects.list(t.api.objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'beta');
      const sub = subscription(client, WATCH, { ns: 'beta', sel: 'app=replica', rv: list.resourceVersion });
      await new Promise((r) => setTimeout(r, 200));
      await createObject(replica.api.objects, t.cluster, configMap('beta', 'from-replica', { app: 'replica' }));
      const results = await sub.waitFor(1);
      sub.unsubscribe();
      assert.deepEqual(results.map(summary), ['ADDED from-replica']);
    } finally {
      await replica.stop();
    }
  });

  it('never delivers another cluster\'s objects, even in a namespace of the same name', async () => {
    const otherCluster = uniqueClusterName();
    const otherToken = await issueToken(t.api.prisma, { cluster: otherCluster, kind: 'admin', username: 'other-admin', groups: ADMIN_GROUPS });
    const other = graphqlWsClient(`${t.url}/graphql`, otherToken);
    try {
      await createObject(t.api.objects, otherCluster, namespace('alpha'));
      const list = await t.api.objects.list(t.api.objects.resourceForKind(otherCluster, 'v1', 'ConfigMap'), 'alpha');
      const sub = subscription(other, WATCH, { ns: 'alpha', rv: list.resourceVersion });
      const typed = subscription(other, 'subscription { pods { type object { metadata { name } } } }');
      await new Promise((r) => setTimeout(r, 200));
      await createObject(t.api.objects, t.cluster, configMap('alpha', 'mine', { app: 'tenant' }));
      await createObject(t.api.objects, otherCluster, configMap('alpha', 'theirs', { app: 'tenant' }));
      const results = await sub.waitFor(1);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(sub.results.map(summary), ['ADDED theirs']);
      assert.deepEqual(results.map(summary), ['ADDED theirs']);
      assert.equal(typed.results.length, 0, JSON.stringify(typed.results));
      sub.unsubscribe();
      typed.unsubscribe();
    } finally {
      await other.dispose();
    }
  });
});
