import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerMetrics, Histogram, labelValue } from '../../../src/controllers/runtime/metrics.js';
import { parseBindAddress } from '../../../src/config.js';
import { metricsAddressFromArgs } from '../../../workers/controller-manager.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every line is a comment (HELP/TYPE) or a sample. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment !== null) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram'].includes(rest), `type of ${name}: ${rest}`);
        assert.ok(!types.has(name), `one TYPE line for ${name}`);
        types.set(name, rest);
      } else {
        helps.add(name);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\} (\S+)$/.exec(line);
    assert.ok(sample !== null, `not a valid sample line: ${JSON.stringify(line)}`);
    const [, name, labelText, value] = sample as unknown as [string, string, string, string];
    const labels: Record<string, string> = {};
    for (const m of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    const type = types.get(name) ?? types.get(family);
    assert.ok(type !== undefined, `${name} comes after its TYPE line`);
    assert.ok(helps.has(name) || helps.has(family), `${name} has a HELP line`);
    if (type === 'counter') assert.match(name, /_total$/, 'counters end in _total');
    samples.push({ name, labels, value: value === '+Inf' ? Infinity : Number(value) });
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('controller metrics exposition', () => {
  it('renders workqueue and reconcile families with HELP and TYPE lines that a strict parser accepts', () => {
    const m = new ControllerMetrics();
    m.register('replicaset');
    m.dequeued('replicaset', 0.002);
    m.observe('replicaset', 'error', 0.03);
    m.retried('replicaset');
    m.dequeued('replicaset', 0.5);
    m.observe('replicaset', 'success', 0.2);
    const { types, samples } = parseExposition(m.render(new Map([['replicaset', 7]])));
    assert.deepEqual(Object.fromEntries(types), {
      workqueue_depth: 'gauge',
      workqueue_adds_total: 'counter',
      workqueue_retries_total: 'counter',
      workqueue_queue_duration_seconds: 'histogram',
      workqueue_work_duration_seconds: 'histogram',
      controller_runtime_reconcile_total: 'counter',
      controller_runtime_reconcile_errors_total: 'counter',
      controller_runtime_reconcile_time_seconds: 'histogram',
    });
    assert.equal(value(samples, 'workqueue_depth', { name: 'replicaset' }), 7);
    assert.equal(value(samples, 'workqueue_adds_total', { name: 'replicaset' }), 2);
    assert.equal(value(samples, 'workqueue_retries_total', { name: 'replicaset' }), 1);
    assert.equal(value(samples, 'controller_runtime_reconcile_errors_total', { controller: 'replicaset' }), 1);
    assert.equal(value(samples, 'controller_runtime_reconcile_total', { controller: 'replicaset', result: 'success' }), 1);
    assert.equal(value(samples, 'controller_runtime_reconcile_total', { controller: 'replicaset', result: 'error' }), 1);
    assert.equal(value(samples, 'workqueue_work_duration_seconds_count', { name: 'replicaset' }), 2);
    assert.ok(Math.abs((value(samples, 'workqueue_work_duration_seconds_sum', { name: 'replicaset' }) ?? 0) - 0.23) < 1e-9);
    assert.equal(value(samples, 'workqueue_queue_duration_seconds_bucket', { name: 'replicaset', le: '0.01' }), 1);
    assert.equal(value(samples, 'workqueue_queue_duration_seconds_bucket', { name: 'replicaset', le: '1' }), 2);
  });

  it('histogram buckets are cumulative, ascending, and end in +Inf equal to _count', () => {
    const m = new ControllerMetrics();
    for (const seconds of [0.001, 0.004, 0.05, 0.3, 2, 120]) m.observe('deployment', 'success', seconds);
    const { samples } = parseExposition(m.render());
    for (const family of ['workqueue_work_duration_seconds', 'controller_runtime_reconcile_time_seconds']) {
      const buckets = samples.filter((s) => s.name === `${family}_bucket`);
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      assert.deepEqual(les, [...les].sort((a, b) => a - b), `${family} le ascending`);
      assert.equal(les.at(-1), Infinity);
      const counts = buckets.map((b) => b.value);
      assert.deepEqual(counts, [...counts].sort((a, b) => a - b), `${family} counts cumulative`);
      assert.equal(counts.at(-1), 6);
      assert.equal(value(samples, `${family}_count`, { name: 'deployment' }) ?? value(samples, `${family}_count`, { controller: 'deployment' }), 6);
    }
    // 120 s is above every finite bucket: only +Inf counts it.
    assert.equal(value(samples, 'controller_runtime_reconcile_time_seconds_bucket', { controller: 'deployment', le: '60' }), 5);
  });

  it('a registered controller that has not reconciled yet shows zero counters and an empty histogram', () => {
    const m = new ControllerMetrics();
    m.register('endpoints');
    const { samples } = parseExposition(m.render(new Map([['endpoints', 0]])));
    assert.equal(value(samples, 'workqueue_adds_total', { name: 'endpoints' }), 0);
    assert.equal(value(samples, 'controller_runtime_reconcile_errors_total', { controller: 'endpoints' }), 0);
    assert.equal(value(samples, 'workqueue_work_duration_seconds_bucket', { name: 'endpoints', le: '+Inf' }), 0);
  });

  it('label values escape backslashes, quotes and newlines', () => {
    assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    const m = new ControllerMetrics();
    m.observe('we"ird\\name', 'success', 0.1);
    const { samples } = parseExposition(m.render());
    assert.equal(value(samples, 'controller_runtime_reconcile_errors_total', { controller: 'we\\"ird\\\\name' }), 0);
  });

  it('a histogram counts an observation in every bucket at or above it', () => {
    const h = new Histogram([1, 2, 3]);
    h.observe(2);
    h.observe(2.5);
    assert.deepEqual(h.counts, [0, 1, 2]);
    assert.equal(h.count, 2);
    assert.equal(h.sum, 4.5);
  });
});

describe('--metrics-bind-address', () => {
  const configured = parseBindAddress('127.0.0.1:10257', 'default');
  const cases: { name: string; args: string[]; want: { host: string; port: number } | undefined }[] = [
    { name: 'no flag keeps the configured address', args: [], want: { host: '127.0.0.1', port: 10257 } },
    { name: 'a separate value', args: ['--metrics-bind-address', '127.0.0.1:9090'], want: { host: '127.0.0.1', port: 9090 } },
    { name: 'an inline value', args: ['--metrics-bind-address=localhost:0'], want: { host: 'localhost', port: 0 } },
    { name: 'an IPv6 literal in brackets', args: ['--metrics-bind-address', '[::1]:8443'], want: { host: '::1', port: 8443 } },
    { name: '0 turns metrics off', args: ['--metrics-bind-address', '0'], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(metricsAddressFromArgs(c.args, configured), c.want));

  const bad: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'a missing port is refused', args: ['--metrics-bind-address', '127.0.0.1'], message: /"127\.0\.0\.1" is not host:port/ },
    { name: 'a port above 65535 is refused', args: ['--metrics-bind-address=127.0.0.1:70000'], message: /is not host:port/ },
    { name: 'a flag without value is refused', args: ['--metrics-bind-address'], message: /needs a value/ },
    { name: 'an unknown flag is refused', args: ['--bind-address', 'x'], message: /unknown flag "--bind-address"/ },
  ];
  for (const c of bad) it(c.name, () => assert.throws(() => metricsAddressFromArgs(c.args, configured), c.message));
});
