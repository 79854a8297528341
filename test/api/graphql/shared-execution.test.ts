import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type ExecutionResult } from 'graphql';
import { subscribeShared, shareKeyOf, type ShareablePayload } from '../../../src/api/graphql/shared-execution.js';

// A subscription whose source yields the payloads pushed to it, and whose
// resolver counts how often it runs (what sharing saves).
function harness() {
  const sources: ((payload: ShareablePayload & { name: string; fail?: boolean }) => void)[] = [];
  let resolved = 0;
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { ok: Boolean } type Subscription { changed: String }',
    resolvers: {
      Subscription: {
        changed: {
          subscribe: () => {
            const queue: unknown[] = [];
            let wake: (() => void) | undefined;
            sources.push((payload) => {
              queue.push(payload);
              wake?.();
            });
            return {
              [Symbol.asyncIterator]() {
                return this;
              },
              async next() {
                while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
                return { done: false, value: queue.shift() };
              },
              async return() {
                return { done: true, value: undefined };
              },
            };
          },
          resolve: (payload: { name: string; fail?: boolean }) => {
            resolved += 1;
            if (payload.fail) throw new Error('read failed');
            return payload.name;
          },
        },
      },
    },
  });
  const document = parse('subscription { changed }');
  return {
    get resolved() {
      return resolved;
    },
    async subscribe(shareKey: string | undefined): Promise<AsyncIterableIterator<ExecutionResult>> {
      const result = await subscribeShared({ schema, document, contextValue: {} }, shareKey);
      assert.ok(Symbol.asyncIterator in result, 'a subscription stream');
      return result as AsyncIterableIterator<ExecutionResult>;
    },
    /** Delivers one change (the same object) to every subscription, as the watch hub does. */
    deliver(object: object, extra: { fail?: boolean } = {}) {
      for (const push of sources) push({ name: 'pod-a', shareBy: { object, tag: 'MODIFIED' }, ...extra });
    },
  };
}

const identity = { cluster: 'c1', username: 'alice', groups: ['g'], kind: 'admin' as const };

describe('shared subscription execution', () => {
  it('executes a change once for subscriptions with the same share key, and each still gets it', async () => {
    const h = harness();
    const key = shareKeyOf('c1', identity, 'subscription { changed }', undefined, { ns: 'a' });
    const subs = await Promise.all(Array.from({ length: 5 }, () => h.subscribe(key)));
    h.deliver({});
    const results = await Promise.all(subs.map((s) => s.next()));
    for (const r of results) assert.equal(r.value.data?.changed, 'pod-a');
    assert.equal(h.resolved, 1);
    h.deliver({});
    await Promise.all(subs.map((s) => s.next()));
    assert.equal(h.resolved, 2, 'a new change is executed again');
  });

  it('does not share across identities, clusters or variables', async () => {
    const h = harness();
    const keys = [
      shareKeyOf('c1', identity, 'subscription { changed }', undefined, { ns: 'a' }),
      shareKeyOf('c1', { ...identity, username: 'bob' }, 'subscription { changed }', undefined, { ns: 'a' }),
      shareKeyOf('c1', { ...identity, groups: ['other'] }, 'subscription { changed }', undefined, { ns: 'a' }),
      shareKeyOf('c2', { ...identity, cluster: 'c2' }, 'subscription { changed }', undefined, { ns: 'a' }),
      shareKeyOf('c1', identity, 'subscription { changed }', undefined, { ns: 'b' }),
    ];
    assert.equal(new Set(keys).size, keys.length);
    const subs = await Promise.all(keys.map((k) => h.subscribe(k)));
    h.deliver({});
    await Promise.all(subs.map((s) => s.next()));
    assert.equal(h.resolved, keys.length);
  });

  it('does not share a result with errors: each subscription computes its own', async () => {
    const h = harness();
    const key = shareKeyOf('c1', identity, 'subscription { changed }', undefined, undefined);
    const subs = await Promise.all([h.subscribe(key), h.subscribe(key), h.subscribe(key)]);
    h.deliver({}, { fail: true });
    const results = await Promise.all(subs.map((s) => s.next()));
    for (const r of results) assert.equal(r.value.errors?.[0]?.message, 'read failed');
    assert.equal(h.resolved, 3);
  });

  it('without a share key every subscription executes for itself', async () => {
    const h = harness();
    const subs = await Promise.all([h.subscribe(undefined), h.subscribe(undefined)]);
    h.deliver({});
    await Promise.all(subs.map((s) => s.next()));
    assert.equal(h.resolved, 2);
  });

  it('closing the mapped stream closes its source', async () => {
    let closed = false;
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { ok: Boolean } type Subscription { changed: String }',
      resolvers: {
        Subscription: {
          changed: {
            subscribe: () => ({
              [Symbol.asyncIterator]() {
                return this;
              },
              next: () => new Promise(() => undefined),
              return: async () => {
                closed = true;
                return { done: true, value: undefined };
              },
            }),
          },
        },
      },
    });
    const stream = (await subscribeShared({ schema, document: parse('subscription { changed }'), contextValue: {} }, 'k')) as AsyncIterableIterator<ExecutionResult>;
    await stream.return?.();
    assert.equal(closed, true);
  });
});
