import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronScheduleError } from '../../../src/admission/validation/cron.js';
import { createErrors, createMessage, deployment, DEPLOYMENT, NGINX, updateErrors } from './helpers.js';

const template = (labels: Record<string, string> | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: labels === undefined ? {} : { labels },
  spec: { containers: [NGINX], ...extra },
});

describe('deployment validation', () => {
  it('a deployment without selector whose template labels cannot match is refused with both errors', () => {
    assert.equal(
      createMessage(DEPLOYMENT, deployment({ template: template({ app: 'x' }) })),
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`]',
    );
  });

  it('a selector that does not match the template labels is refused', () => {
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'api' }) })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
    ]);
  });

  it('an empty selector is invalid for a deployment', () => {
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ selector: {}, template: template({ app: 'web' }) })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('a deployment\'s pods must restart Always', () => {
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, { restartPolicy: 'Never' }) })), [
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('replicas and revision history may not be negative', () => {
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ replicas: -1, revisionHistoryLimit: -2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
    ]);
  });

  it('maxSurge and maxUnavailable may not both be zero', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ strategy, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
  });

  it('maxUnavailable may not exceed 100% and must be a valid percentage', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: '120%' } };
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ strategy, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })), [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
    ]);
  });

  it('Recreate may not carry rolling update parameters', () => {
    const strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ strategy, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
  });

  it('progressDeadlineSeconds must exceed minReadySeconds', () => {
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ minReadySeconds: 30, progressDeadlineSeconds: 30, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })), [
      'spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds',
    ]);
  });

  it('a deployment\'s selector is immutable', () => {
    const old = deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) });
    const next = deployment({ selector: { matchLabels: { app: 'web2' } }, template: template({ app: 'web2' }) });
    assert.deepEqual(updateErrors(DEPLOYMENT, next, old), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('scaling and changing the image of a deployment is a valid update', () => {
    const old = deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) });
    const next = deployment({ replicas: 5, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } });
    assert.deepEqual(updateErrors(DEPLOYMENT, next, old), []);
  });

  it('bad matchExpressions are reported', () => {
    const selector = { matchExpressions: [{ key: 'tier', operator: 'In' }, { key: 'x', operator: 'Like', values: ['a'] }] };
    assert.deepEqual(createErrors(DEPLOYMENT, deployment({ selector, template: template({ tier: 'a' }) })), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector.matchExpressions[1].operator: Invalid value: "Like": not a valid selector operator',
      'spec.template.metadata.labels: Invalid value: map[string]string{"tier":"a"}: `selector` does not match template `labels`',
    ]);
  });
});

describe('replica set, daemon set and stateful set validation', () => {
  const RS = { group: 'apps', kind: 'ReplicaSet' };
  const DS = { group: 'apps', kind: 'DaemonSet' };
  const STS = { group: 'apps', kind: 'StatefulSet' };
  const obj = (spec: Record<string, unknown>): Record<string, unknown> => ({ metadata: { name: 'x', namespace: 'default' }, spec });

  it('a replica set reuses the deployment wording for an empty selector', () => {
    assert.deepEqual(createErrors(RS, obj({ selector: {}, template: template({ a: 'b' }) })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('a replica set\'s selector is immutable', () => {
    const old = obj({ selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) });
    const next = obj({ selector: { matchLabels: { a: 'b', c: 'd' } }, template: template({ a: 'b', c: 'd' }) });
    assert.equal(updateErrors(RS, next, old)[0]?.endsWith(': field is immutable'), true);
  });

  it('a daemon set with selector mismatch and both surge and unavailable set is refused', () => {
    const spec = { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'c' }), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } };
    assert.deepEqual(createErrors(DS, obj(spec)), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match template `labels`',
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
    ]);
  });

  it('a stateful set may change replicas and template but not its claim templates', () => {
    const claim = (size: string): Record<string, unknown> => ({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } });
    const old = obj({ serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }), volumeClaimTemplates: [claim('1Gi')] });
    const scaled = obj({ replicas: 3, serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }), volumeClaimTemplates: [claim('1Gi')] });
    assert.deepEqual(updateErrors(STS, scaled, old), []);
    const grown = obj({ serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }), volumeClaimTemplates: [claim('2Gi')] });
    assert.deepEqual(updateErrors(STS, grown, old), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('a stateful set\'s containers may mount its volume claim templates, but not a volume that exists nowhere', () => {
    const claim = { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const mounting = (mount: string): Record<string, unknown> => ({ metadata: { labels: { a: 'b' } }, spec: { containers: [{ ...NGINX, volumeMounts: [{ name: mount, mountPath: '/data' }] }] } });
    assert.deepEqual(createErrors(STS, obj({ serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: mounting('www'), volumeClaimTemplates: [claim] })), []);
    assert.deepEqual(createErrors(STS, obj({ serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: mounting('logs'), volumeClaimTemplates: [claim] })), [
      'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "logs"',
    ]);
  });

  it('a stateful set\'s pod management policy must be known', () => {
    assert.deepEqual(createErrors(STS, obj({ podManagementPolicy: 'Random', selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) })), [
      'spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'',
    ]);
  });
});

describe('job and cron job validation', () => {
  const JOB = { group: 'batch', kind: 'Job' };
  const CRON = { group: 'batch', kind: 'CronJob' };
  const selected = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } };
  const jobTemplate = (restartPolicy?: string): Record<string, unknown> => ({
    metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'u' } },
    spec: { containers: [NGINX], ...(restartPolicy === undefined ? {} : { restartPolicy }) },
  });
  const job = (spec: Record<string, unknown>): Record<string, unknown> => ({ metadata: { name: 'pi', namespace: 'default' }, spec });

  it('a job\'s pods must restart OnFailure or Never', () => {
    assert.equal(
      createMessage(JOB, job({ selector: selected, template: jobTemplate() })),
      'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
  });

  it('a job without a generated selector is told it needs one', () => {
    assert.deepEqual(createErrors(JOB, job({ template: jobTemplate('Never') })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u"}: `selector` does not match template `labels`',
    ]);
  });

  it('a job\'s pod template is immutable', () => {
    const old = job({ selector: selected, template: jobTemplate('Never') });
    const next = job({ selector: selected, template: { ...jobTemplate('Never'), spec: { containers: [{ name: 'nginx', image: 'nginx:2' }], restartPolicy: 'Never' } } });
    const errors = updateErrors(JOB, next, old);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
  });

  it('a job may not change completions unless it is Indexed', () => {
    const old = job({ completions: 1, selector: selected, template: jobTemplate('Never') });
    const next = job({ completions: 2, selector: selected, template: jobTemplate('Never') });
    assert.deepEqual(updateErrors(JOB, next, old), ['spec.completions: Invalid value: 2: field is immutable']);
  });

  it('a cron job needs a parsable schedule', () => {
    const cron = (schedule: string): Record<string, unknown> => ({ metadata: { name: 'c', namespace: 'default' }, spec: { schedule, jobTemplate: { spec: { template: jobTemplate('OnFailure') } } } });
    assert.deepEqual(createErrors(CRON, cron('every minute')), ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]']);
    assert.deepEqual(createErrors(CRON, cron('*/5 * * * *')), []);
    assert.deepEqual(createErrors(CRON, cron('TZ=UTC 0 * * * *')), ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
  });

  it('a cron job\'s job template may not set its own selector', () => {
    const spec = { schedule: '@hourly', jobTemplate: { spec: { selector: selected, template: jobTemplate('OnFailure') } } };
    assert.deepEqual(createErrors(CRON, { metadata: { name: 'c', namespace: 'default' }, spec }), [
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"u"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
    ]);
  });

  it('a cron job name leaves room for the jobs it creates', () => {
    const name = 'c'.repeat(53);
    const errors = createErrors(CRON, { metadata: { name, namespace: 'default' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: jobTemplate('Never') } } } });
    assert.deepEqual(errors, [`metadata.name: Invalid value: "${name}": must be no more than 52 characters`]);
  });

  const schedules: [string, string | undefined][] = [
    ['0 0 * * *', undefined],
    ['*/15 9-17 * * mon-fri', undefined],
    ['@weekly', undefined],
    ['@every 1h30m', undefined],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['', 'empty spec string'],
  ];
  for (const [schedule, error] of schedules) {
    it(`schedule "${schedule}" ${error === undefined ? 'parses' : `fails with: ${error}`}`, () => assert.equal(cronScheduleError(schedule), error));
  }
});
