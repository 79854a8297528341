// `kubeql controllers` as a process: its metrics endpoint. The process gets a
// database and a Redis logical database of its own, because a real controller
// manager reconciles every cluster it finds and would act on other tests' ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService } from '../../src/objects/service.js';
import { Store } from '../../src/store/store.js';
import { isolatedEnv, RunningKubeql, runKubeql } from '../helpers/cli.js';
import { uniqueClusterName } from '../helpers/env.js';
import { privateBackends } from '../helpers/private-backends.js';
import { admin, eventually } from './helpers.js';

const backends = privateBackends('cm_metrics', 11);
const { databaseUrl, redisUrl } = backends;

let objects: ObjectService | undefined;
let proc: RunningKubeql | undefined;

before(async () => {
  await backends.create();
  const store = new Store({ databaseUrl, poolSize: 2 });
  objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store }) });
});

after(async () => {
  await proc?.stop('SIGTERM');
  await objects?.store.close();
  await backends.destroy();
});

/** The metrics URL from the process's "controllers started" log line. */
function metricsUrlOf(stdout: string): string {
  for (const line of stdout.split('\n')) {
    if (!line.includes('controllers started')) continue;
    const parsed = JSON.parse(line) as { metrics?: string };
    if (parsed.metrics !== undefined) return parsed.metrics;
  }
  throw new Error(`no metrics URL logged: ${stdout}`);
}

describe('kubeql controllers serves metrics', () => {
  it('--metrics-bind-address serves /metrics with per-queue series and /healthz, and stops serving on SIGTERM', async () => {
    proc = new RunningKubeql(['controllers', '--metrics-bind-address', '127.0.0.1:0'], isolatedEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, KUBEQL_LOG_LEVEL: 'info' }));
    await proc.waitForOutput(/controllers started/, 30_000);
    const url = metricsUrlOf(proc.stdout);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    // A new namespace is work for the namespace and serviceaccount controllers.
    const cluster = uniqueClusterName('cm-metrics');
    const namespaces = (objects as ObjectService).resource(cluster, '', 'v1', 'namespaces');
    await (objects as ObjectService).create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe' } }, { requester: admin });
    let text = '';
    await eventually(async () => {
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      text = await response.text();
      // Adds are counted when a job is taken, durations when its reconcile ends.
      return /workqueue_work_duration_seconds_bucket\{name="serviceaccount",le="\+Inf"\} [1-9]/.test(text);
    }, 20_000, 'serviceaccount reconciles counted');
    assert.match(text, /workqueue_adds_total\{name="serviceaccount"\} [1-9]/);
    for (const name of ['deployment', 'replicaset', 'namespace', 'endpoints', 'garbage-collector', 'serviceaccount-token']) {
      assert.match(text, new RegExp(`workqueue_depth\\{name="${name}"\\} \\d+`), `depth of ${name}`);
      assert.match(text, new RegExp(`controller_runtime_reconcile_errors_total\\{controller="${name}"\\} \\d+`), `errors of ${name}`);
    }
    assert.match(text, /# TYPE workqueue_work_duration_seconds histogram/);
    const health = await fetch(url.replace(/\/metrics$/, '/healthz'));
    assert.equal(health.status, 200);

    assert.equal(await proc.stop('SIGTERM'), 0);
    await assert.rejects(fetch(url), 'nothing listens after the process stopped');
  });

  it('a malformed --metrics-bind-address ends the process with one line saying what to pass', async () => {
    const result = await runKubeql(['controllers', '--metrics-bind-address', 'localhost'], isolatedEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }));
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'kubeql controllers: --metrics-bind-address "localhost" is not host:port (for example 127.0.0.1:10257, or 0 to turn it off)\n');
  });
});
