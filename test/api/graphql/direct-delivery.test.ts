import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type ExecutionResult } from 'graphql';
import type { DirectSink } from '../../../src/api/graphql/direct-delivery.js';
import { subscribeShared } from '../../../src/api/graphql/shared-execution.js';

interface Change {
  name: string;
  /** The resolver answers through a promise (as relationship fields do). */
  slow?: boolean;
  fail?: boolean;
  /** The source itself fails when this change is taken. */
  broken?: boolean;
}

// A subscription whose source can be polled, as the watch iterator can:
// changes are offered with push(), which calls the consumer's listener at
// once, as the watch hub does from inside a commit.
function harness() {
  const queue: Change[] = [];
  let ended = false;
  let listener: (() => void) | undefined;
  let returned = false;
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { ok: Boolean } type Subscription { changed: String }',
    resolvers: {
      Subscription: {
        changed: {
          subscribe: () => ({
            [Symbol.asyncIterator]() {
              return this;
            },
            next: async () => ({ done: false, value: queue.shift() }),
            return: async () => {
              returned = true;
              return { done: true, value: undefined };
            },
            poll: () => {
              const change = queue.shift();
              if (change?.broken) throw new Error('the source broke');
              if (change !== undefined) return { done: false, value: change };
              return ended ? { done: true, value: undefined } : undefined;
            },
            onReadable: (l: () => void) => {
              listener = l;
            },
          }),
          resolve: (change: Change) => {
            if (change.fail) throw new Error(`${change.name} failed`);
            return change.slow ? new Promise((resolve) => setTimeout(() => resolve(change.name), 5)) : change.name;
          },
        },
      },
    },
  });
  const written: string[] = [];
  let accepting = true;
  let broken = false;
  const sink: DirectSink = {
    next(payloadJson) {
      if (broken) throw new Error('the socket broke');
      if (!accepting) return false;
      written.push((JSON.parse(payloadJson) as ExecutionResult<{ changed: string }>).data?.changed ?? '?');
      return true;
    },
  };
  return {
    written,
    get returned() {
      return returned;
    },
    refuse(refusing: boolean) {
      accepting = !refusing;
    },
    breakSink() {
      broken = true;
    },
    async subscribe(): Promise<AsyncIterableIterator<ExecutionResult>> {
      const result = await subscribeShared({ schema, document: parse('subscription { changed }'), contextValue: {} }, undefined, sink);
      assert.ok(Symbol.asyncIterator in result, 'a subscription stream');
      return result as AsyncIterableIterator<ExecutionResult>;
    },
    push(...changes: Change[]) {
      for (const change of changes) {
        queue.push(change);
        listener?.();
      }
    },
    /** Buffers changes and tells the listener once, as a large initial list arrives. */
    backlog(...changes: Change[]) {
      queue.push(...changes);
      listener?.();
    },
    end() {
      ended = true;
      listener?.();
    },
  };
}

// graphql-js builds data objects without a prototype.
const plain = (item: IteratorResult<ExecutionResult>): unknown => JSON.parse(JSON.stringify(item)) as unknown;

const settled = async <T>(promise: Promise<T>): Promise<T | 'pending'> => Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 30))]);

describe('direct delivery of subscription results', () => {
  it('writes each change to the socket as it is offered while graphql-ws waits, and hands it nothing', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const waiting = stream.next();
    h.push({ name: 'a' });
    assert.deepEqual(h.written, ['a'], 'written synchronously, inside the offer');
    h.push({ name: 'b' }, { name: 'c' });
    assert.deepEqual(h.written, ['a', 'b', 'c']);
    assert.equal(await settled(waiting), 'pending');
    h.end();
    assert.deepEqual(await waiting, { done: true, value: undefined });
  });

  it('keeps order when a result is still being computed: later changes wait behind it', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const first = stream.next();
    h.push({ name: 'a' }, { name: 'b', slow: true }, { name: 'c' }, { name: 'd' });
    assert.deepEqual(h.written, ['a'], 'nothing after the pending result is written ahead of it');
    assert.deepEqual(plain(await first), { done: false, value: { data: { changed: 'b' } } });
    assert.deepEqual(h.written, ['a'], 'graphql-ws still holds b: c waits');
    // graphql-ws asks again once it has sent b.
    const second = stream.next();
    assert.deepEqual(h.written, ['a', 'c', 'd']);
    assert.equal(await settled(second), 'pending');
    await stream.return?.();
    assert.deepEqual(await second, { done: true, value: undefined });
    assert.ok(h.returned, 'the source is closed');
  });

  it('hands graphql-ws results with errors, and results a full socket refuses', async () => {
    const h = harness();
    const stream = await h.subscribe();
    let next = stream.next();
    h.push({ name: 'a', fail: true });
    const failed = await next;
    assert.equal(failed.done, false);
    assert.match(String((failed.value as ExecutionResult).errors?.[0]?.message), /a failed/);
    h.refuse(true);
    next = stream.next();
    h.push({ name: 'b' }, { name: 'c' });
    assert.deepEqual(plain(await next), { done: false, value: { data: { changed: 'b' } } });
    h.refuse(false);
    next = stream.next();
    assert.deepEqual(h.written, ['c'], 'c waited in the source until graphql-ws had sent b');
    await stream.return?.();
    await next;
  });

  it('writes a long backlog in slices across turns of the event loop, in order', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const waiting = stream.next();
    h.backlog(...Array.from({ length: 600 }, (_, i) => ({ name: `n${i}` })));
    assert.ok(h.written.length < 600, `all ${h.written.length} written in one turn`);
    // The rest follows over the next turns (a loaded machine may take a while to give them).
    const deadline = Date.now() + 5000;
    while (h.written.length < 600 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(h.written, Array.from({ length: 600 }, (_, i) => `n${i}`));
    await stream.return?.();
    await waiting;
  });

  it('a failing source fails the stream once and is released (graphql-ws does not return a failed iterator)', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const waiting = stream.next();
    h.push({ name: 'a' }, { name: 'b', broken: true });
    await assert.rejects(waiting, /the source broke/);
    assert.deepEqual(h.written, ['a']);
    assert.ok(h.returned, 'the source was returned');
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('a write that throws fails the stream instead of escaping into the offer, and releases the source', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const waiting = stream.next();
    h.breakSink();
    assert.doesNotThrow(() => h.push({ name: 'a' }), 'the offer is not disturbed');
    await assert.rejects(waiting, /the socket broke/);
    assert.ok(h.returned, 'the source was returned');
  });

  it('after return() writes nothing more', async () => {
    const h = harness();
    const stream = await h.subscribe();
    const waiting = stream.next();
    h.push({ name: 'a' });
    await stream.return?.();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    h.push({ name: 'b' });
    assert.deepEqual(h.written, ['a']);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });
});
