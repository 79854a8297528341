import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateJobSelector, setDefaults } from '../../../src/admission/defaults/index.js';
import type { JsonObject } from '../../../src/admission/json.js';

/** The pod template spec every controller gets from one nginx container, defaulted. */
function defaultedTemplateSpec(restartPolicy = 'Always', image = 'nginx', pullPolicy = 'Always'): JsonObject {
  return {
    containers: [{ image, imagePullPolicy: pullPolicy, name: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst',
    restartPolicy,
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  };
}

describe('workload defaults', () => {
  // What `kubectl create deployment web --image=nginx` sends, and the spec a v1.33 server returns.
  it('a Deployment from kubectl create gets the rolling update strategy and limits', () => {
    const deployment: JsonObject = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
        strategy: {},
      },
      status: {},
    };
    setDefaults({ group: 'apps', kind: 'Deployment' }, deployment);
    assert.deepEqual(deployment.spec, {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: defaultedTemplateSpec() },
    });
  });

  it('a Deployment asking for Recreate gets no rolling update parameters', () => {
    const deployment: JsonObject = { metadata: {}, spec: { strategy: { type: 'Recreate' }, template: { spec: { containers: [] } } } };
    setDefaults({ group: 'apps', kind: 'Deployment' }, deployment);
    assert.deepEqual((deployment.spec as JsonObject).strategy, { type: 'Recreate' });
  });

  it('a minimal StatefulSet gets ordered pod management, partitioned rolling updates and a retention policy', () => {
    const sts: JsonObject = {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    setDefaults({ group: 'apps', kind: 'StatefulSet' }, sts);
    assert.deepEqual(sts.spec, {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      podManagementPolicy: 'OrderedReady',
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'db' } },
      serviceName: 'db',
      template: { metadata: { creationTimestamp: null, labels: { app: 'db' } }, spec: defaultedTemplateSpec() },
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { creationTimestamp: null, name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
  });

  it('a minimal DaemonSet gets a rolling update of one unavailable pod at a time', () => {
    const ds: JsonObject = {
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    };
    setDefaults({ group: 'apps', kind: 'DaemonSet' }, ds);
    assert.deepEqual(ds.spec, {
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { creationTimestamp: null, labels: { app: 'agent' } }, spec: defaultedTemplateSpec() },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    });
  });

  it('a ReplicaSet defaults to one replica', () => {
    const rs: JsonObject = { metadata: {}, spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } } };
    setDefaults({ group: 'apps', kind: 'ReplicaSet' }, rs);
    assert.equal((rs.spec as JsonObject).replicas, 1);
  });

  // `kubectl create job pi --image=perl:5.34.0` (restartPolicy Never), then the job strategy's selector.
  it('a minimal Job gets one completion, backoff 6, NonIndexed mode and a generated selector', () => {
    const job: JsonObject = {
      metadata: { name: 'pi', namespace: 'default', uid: 'c9948307-e56d-4b5d-8302-ae2d7b7da67c' },
      spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'nginx', image: 'perl:5.34.0', resources: {} }], restartPolicy: 'Never' } } },
    };
    setDefaults({ group: 'batch', kind: 'Job' }, job);
    generateJobSelector(job, 'c9948307-e56d-4b5d-8302-ae2d7b7da67c');
    const uid = 'c9948307-e56d-4b5d-8302-ae2d7b7da67c';
    assert.deepEqual(job.spec, {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      suspend: false,
      template: {
        metadata: {
          creationTimestamp: null,
          labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' },
        },
        spec: defaultedTemplateSpec('Never', 'perl:5.34.0', 'IfNotPresent'),
      },
    });
    assert.deepEqual((job.metadata as JsonObject).labels, { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' });
  });

  it('a Job with parallelism only keeps completions unset', () => {
    const job: JsonObject = { metadata: {}, spec: { parallelism: 3, template: { spec: { containers: [] } } } };
    setDefaults({ group: 'batch', kind: 'Job' }, job);
    assert.equal((job.spec as JsonObject).completions, undefined);
    assert.equal((job.spec as JsonObject).parallelism, 3);
  });

  it('a Job with a pod failure policy gets podReplacementPolicy Failed and pattern status True', () => {
    const job: JsonObject = {
      metadata: {},
      spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: { spec: { containers: [] } } },
    };
    setDefaults({ group: 'batch', kind: 'Job' }, job);
    const spec = job.spec as JsonObject;
    assert.equal(spec.podReplacementPolicy, 'Failed');
    assert.deepEqual(spec.podFailurePolicy, { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] });
  });

  it('a Job with a per-index backoff limit has no global backoff limit', () => {
    const job: JsonObject = { metadata: {}, spec: { backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 3, template: { spec: { containers: [] } } } };
    setDefaults({ group: 'batch', kind: 'Job' }, job);
    assert.equal((job.spec as JsonObject).backoffLimit, 2147483647);
  });

  it('a Job takes its labels from its template when it has none', () => {
    const job: JsonObject = { metadata: {}, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } };
    setDefaults({ group: 'batch', kind: 'Job' }, job);
    assert.deepEqual((job.metadata as JsonObject).labels, { app: 'x' });
  });

  it('a manual selector is left to the user', () => {
    const job: JsonObject = { metadata: { name: 'j' }, spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } } };
    generateJobSelector(job, 'uid');
    assert.deepEqual(job.spec, { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } });
  });

  // `kubectl create cronjob hello --image=busybox --schedule="*/1 * * * *"`.
  it('a minimal CronJob gets Allow concurrency, history limits and a defaulted job template', () => {
    const cronJob: JsonObject = {
      metadata: { name: 'hello' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: { metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ name: 'nginx', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } } } },
      },
    };
    setDefaults({ group: 'batch', kind: 'CronJob' }, cronJob);
    assert.deepEqual(cronJob.spec, {
      concurrencyPolicy: 'Allow',
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null, name: 'hello' },
        spec: { template: { metadata: { creationTimestamp: null }, spec: defaultedTemplateSpec('OnFailure', 'busybox') } },
      },
      schedule: '*/1 * * * *',
      successfulJobsHistoryLimit: 3,
      suspend: false,
    });
  });

  it('a ReplicationController takes selector and labels from its template', () => {
    const rc: JsonObject = { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } };
    setDefaults({ group: '', kind: 'ReplicationController' }, rc);
    assert.deepEqual((rc.metadata as JsonObject).labels, { app: 'x' });
    assert.deepEqual((rc.spec as JsonObject).selector, { app: 'x' });
    assert.equal((rc.spec as JsonObject).replicas, 1);
  });
});
