// batch/v1 validation (pkg/apis/batch/validation): Job and CronJob.

import { booleanAt, isObject, isSet, numberAt, objectAt, semanticEqual, stringAt, stringMapAt, type JsonObject } from '../json.js';
import { FIELD_IMMUTABLE_ERROR_MSG, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { goLabelSelector, goStringMap, goStruct } from './go-value.js';
import { cronScheduleError } from './cron.js';
import { selectorMatches, validateLabelSelector } from './label-selector.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodTemplateSpec } from './pod.js';

const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_REPLACEMENT_POLICIES = ['TerminatingOrFailed', 'Failed'];
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

function nonNegative(value: number | undefined, p: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(p, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/** validateJobSpec: everything but the selector (job templates inside CronJobs have none). */
function validateJobSpecBody(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    errs.push(...nonNegative(numberAt(spec, field), p.child(field)));
  }
  const mode = stringAt(spec, 'completionMode');
  if (mode !== undefined) {
    if (!COMPLETION_MODES.includes(mode)) errs.push(notSupported(p.child('completionMode'), mode, COMPLETION_MODES));
    if (mode === 'Indexed' && !isSet(spec, 'completions')) errs.push(required(p.child('completions'), 'when completion mode is Indexed'));
  }
  const replacement = stringAt(spec, 'podReplacementPolicy');
  if (replacement !== undefined && !POD_REPLACEMENT_POLICIES.includes(replacement)) {
    errs.push(notSupported(p.child('podReplacementPolicy'), replacement, POD_REPLACEMENT_POLICIES));
  }
  const template = spec.template;
  errs.push(...validatePodTemplateSpec(template, p.child('template')));
  const restartPolicy = stringAt(objectAt(template, 'spec'), 'restartPolicy') ?? '';
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(p.child('template', 'spec', 'restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  } else if (restartPolicy === 'OnFailure' && isSet(spec, 'podFailurePolicy')) {
    errs.push(invalid(p.child('template', 'spec', 'restartPolicy'), restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validateJobSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = validateJobSpecBody(spec, p);
  if (!isObject(spec.selector)) errs.push(required(p.child('selector')));
  else errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  const labels = stringMapAt(objectAt(objectAt(spec, 'template'), 'metadata'), 'labels');
  // Generated or manual, the selector must match the pods the job creates.
  if (!selectorMatches(spec.selector, labels ?? {})) {
    errs.push(invalid(p.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

function specOf(obj: JsonObject): JsonObject {
  return objectAt(obj, 'spec') ?? {};
}

/**
 * A Job, after the strategy generated its selector (generateJobSelector in
 * the defaults): without one, spec.selector is reported as required.
 */
export function validateJob(job: JsonObject): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });
  const spec = specOf(job);
  const completions = numberAt(spec, 'completions');
  const name = stringAt(job.metadata, 'name') ?? '';
  if (stringAt(spec, 'completionMode') === 'Indexed' && completions !== undefined && completions > 0) {
    // Indexed pods are named <job>-<index>, which must stay a DNS label.
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) errs.push(invalid(path('metadata', 'name'), name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  errs.push(...validateJobSpec(spec, path('spec')));
  return errs;
}

export function validateJobUpdate(job: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(job.metadata, old.metadata), ...validateJobSpec(specOf(job), path('spec'))];
  const spec = specOf(job);
  const oldSpec = specOf(old);
  if (!semanticEqual(spec.selector, oldSpec.selector)) errs.push(invalid(path('spec', 'selector'), goLabelSelector(spec.selector), FIELD_IMMUTABLE_ERROR_MSG));
  const suspended = booleanAt(oldSpec, 'suspend') === true;
  const started = isSet(objectAt(old, 'status'), 'startTime');
  let template = spec.template;
  let oldTemplate = oldSpec.template;
  if (suspended && !started && isObject(template) && isObject(oldTemplate)) {
    // A suspended job that never ran may change where its pods go (scheduling directives).
    const strip = (t: JsonObject): JsonObject => {
      const copy = structuredClone(t);
      const s = objectAt(copy, 'spec');
      if (s !== undefined) for (const k of ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates']) delete s[k];
      const m = objectAt(copy, 'metadata');
      if (m !== undefined) for (const k of ['labels', 'annotations']) delete m[k];
      return copy;
    };
    template = strip(template);
    oldTemplate = strip(oldTemplate);
  }
  if (!semanticEqual(template, oldTemplate)) errs.push(invalid(path('spec', 'template'), goStruct('core.PodTemplateSpec', spec.template), FIELD_IMMUTABLE_ERROR_MSG));
  for (const field of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(spec[field], oldSpec[field])) errs.push(invalid(path('spec', field), spec[field] ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  const completions = numberAt(spec, 'completions');
  const oldCompletions = numberAt(oldSpec, 'completions');
  if (completions !== oldCompletions) {
    // Only an Indexed job may change completions, and then together with parallelism.
    const elastic = stringAt(spec, 'completionMode') === 'Indexed' && completions !== undefined && oldCompletions !== undefined;
    if (!elastic) errs.push(invalid(path('spec', 'completions'), completions ?? null, FIELD_IMMUTABLE_ERROR_MSG));
    else if (completions !== numberAt(spec, 'parallelism')) errs.push(invalid(path('spec', 'completions'), completions, 'can only be modified in tandem with spec.parallelism'));
  }
  return errs;
}

function validateTimeZone(timeZone: unknown, p: FieldPath): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const tz = String(timeZone);
  if (tz.length === 0) return [invalid(p, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z._+\-0-9]+$/.test(part)) {
      return [invalid(p, tz, 'unknown time zone ' + tz)];
    }
  }
  if (tz.toLowerCase() === 'local') return [invalid(p, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return [invalid(p, tz, `unknown time zone ${tz}`)];
  }
  return [];
}

function validateCronJobSpec(spec: JsonObject, oldSpec: JsonObject | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = stringAt(spec, 'schedule') ?? '';
  if (schedule.length === 0) errs.push(required(p.child('schedule')));
  else {
    const problem = cronScheduleError(schedule);
    if (problem !== undefined) errs.push(invalid(p.child('schedule'), schedule, problem));
    const allowTZ = (stringAt(oldSpec, 'schedule') ?? '').includes('TZ');
    if (allowTZ && schedule.includes('TZ') && isSet(spec, 'timeZone')) errs.push(invalid(p.child('schedule'), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    if (!allowTZ && schedule.includes('TZ')) errs.push(invalid(p.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  errs.push(...nonNegative(numberAt(spec, 'startingDeadlineSeconds'), p.child('startingDeadlineSeconds')));
  if (oldSpec === undefined || stringAt(oldSpec, 'timeZone') !== stringAt(spec, 'timeZone')) errs.push(...validateTimeZone(spec.timeZone, p.child('timeZone')));
  const policy = stringAt(spec, 'concurrencyPolicy') ?? '';
  if (policy === '') errs.push(required(p.child('concurrencyPolicy')));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(notSupported(p.child('concurrencyPolicy'), policy, CONCURRENCY_POLICIES));
  const jobSpec = objectAt(objectAt(spec, 'jobTemplate'), 'spec') ?? {};
  const jp = p.child('jobTemplate', 'spec');
  errs.push(...validateJobSpecBody(jobSpec, jp));
  if (isSet(jobSpec, 'selector')) errs.push(invalid(jp.child('selector'), goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(notSupported(jp.child('manualSelector'), true, ['nil', 'false']));
  errs.push(...nonNegative(numberAt(spec, 'successfulJobsHistoryLimit'), p.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(numberAt(spec, 'failedJobsHistoryLimit'), p.child('failedJobsHistoryLimit')));
  return errs;
}

/** CronJob names leave room for the 11-character suffix of the jobs they create. */
const CRONJOB_NAME_MAX = 63 - 11;

export function validateCronJob(cronJob: JsonObject): FieldError[] {
  const errs = validateObjectMeta(cronJob.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });
  const name = stringAt(cronJob.metadata, 'name') ?? '';
  if (name.length > CRONJOB_NAME_MAX) errs.push(invalid(path('metadata', 'name'), name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  errs.push(...validateCronJobSpec(specOf(cronJob), undefined, path('spec')));
  return errs;
}

export function validateCronJobUpdate(cronJob: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(cronJob.metadata, old.metadata), ...validateCronJobSpec(specOf(cronJob), specOf(old), path('spec'))];
}
