// batch/v1 defaults (pkg/apis/batch/v1/defaults.go, 1.33 feature gates): Job and CronJob.

import { ensureObject, isSet, objectAt, objectsAt, setDefault, setDefaultString, stringMapAt, type JsonObject } from '../json.js';
import { defaultPodTemplateSpec } from './pod-spec.js';

const MAX_INT32 = 2147483647;

export function defaultJob(job: JsonObject): void {
  const spec = ensureObject(job, 'spec');
  // A non-parallel job may leave both unset: then both are 1.
  if (!isSet(spec, 'completions') && !isSet(spec, 'parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  // With a per-index backoff limit the global one is effectively unlimited.
  setDefault(spec, 'backoffLimit', isSet(spec, 'backoffLimitPerIndex') ? MAX_INT32 : 6);
  const template = ensureObject(spec, 'template');
  const templateLabels = stringMapAt(objectAt(template, 'metadata'), 'labels');
  const metadata = ensureObject(job, 'metadata');
  const own = objectAt(metadata, 'labels');
  if (templateLabels !== undefined && (own === undefined || Object.keys(own).length === 0)) metadata.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  // manualSelector reads back as false when unset (the job strategy relies on it).
  setDefault(spec, 'manualSelector', false);
  const podFailurePolicy = objectAt(spec, 'podFailurePolicy');
  for (const [rule] of objectsAt(podFailurePolicy, 'rules')) {
    for (const [pattern] of objectsAt(rule, 'onPodConditions')) setDefaultString(pattern, 'status', 'True');
  }
  setDefault(spec, 'podReplacementPolicy', podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplateSpec(template);
}

export function defaultCronJob(cronJob: JsonObject): void {
  const spec = ensureObject(cronJob, 'spec');
  setDefaultString(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = ensureObject(spec, 'jobTemplate');
  const jobTemplateMeta = ensureObject(jobTemplate, 'metadata');
  if (!('creationTimestamp' in jobTemplateMeta)) jobTemplateMeta.creationTimestamp = null;
  // Only the pod template inside is defaulted; the job spec's own defaults apply when the Job is created.
  defaultPodTemplateSpec(ensureObject(ensureObject(jobTemplate, 'spec'), 'template'));
}

/**
 * The job strategy's generated selector (PrepareForCreate): unless
 * manualSelector is true, the pod template is labelled with the job's name
 * and uid and the selector matches the uid. Needs the uid, so the store calls it.
 */
export function generateJobSelector(job: JsonObject, uid: string): void {
  const spec = ensureObject(job, 'spec');
  if (spec.manualSelector === true) return;
  const name = typeof objectAt(job, 'metadata')?.name === 'string' ? String(objectAt(job, 'metadata')?.name) : '';
  const templateMeta = ensureObject(ensureObject(spec, 'template'), 'metadata');
  const labels = ensureObject(templateMeta, 'labels');
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) if (!(key in labels)) labels[key] = name;
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (!(key in labels)) labels[key] = uid;
  const matchLabels = ensureObject(ensureObject(spec, 'selector'), 'matchLabels');
  if (!('batch.kubernetes.io/controller-uid' in matchLabels)) matchLabels['batch.kubernetes.io/controller-uid'] = uid;
  // The API server defaults again when it reads the job back from storage, so
  // a job without labels ends up with its template's (now generated) labels.
  const metadata = ensureObject(job, 'metadata');
  const own = objectAt(metadata, 'labels');
  if (own === undefined || Object.keys(own).length === 0) metadata.labels = { ...labels };
}
