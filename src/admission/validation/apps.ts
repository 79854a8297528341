// apps/v1 validation (pkg/apis/apps/validation): Deployment, ReplicaSet,
// DaemonSet, StatefulSet and ControllerRevision, create and update.

import { isObject, isSet, numberAt, objectAt, semanticEqual, stringAt, stringMapAt, type JsonObject } from '../json.js';
import { FIELD_IMMUTABLE_ERROR_MSG, forbidden, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { GoLiteral, goIntOrString, goLabelSelector, goQuote, goStringMap, goStruct } from './go-value.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { isEmptySelector, selectorMatches, validateLabelSelector } from './label-selector.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodTemplateSpec } from './pod.js';

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function nonNegative(value: number | undefined, p: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(p, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

function templateLabels(template: unknown): Record<string, string> | undefined {
  return stringMapAt(objectAt(template, 'metadata'), 'labels');
}

/** The selector must pick the template's pods; a missing selector selects nothing, an empty one everything. */
function selectorMismatch(selector: unknown, template: unknown, p: FieldPath, skipWhenEmpty: boolean): FieldError[] {
  if (skipWhenEmpty && isObject(selector) && isEmptySelector(selector)) return [];
  const labels = templateLabels(template);
  if (selectorMatches(selector, labels ?? {})) return [];
  return [invalid(p.child('metadata', 'labels'), goStringMap(labels), SELECTOR_MISMATCH)];
}

/** A required, non-empty selector (Deployment, ReplicaSet, StatefulSet). */
function validateRequiredSelector(spec: JsonObject, p: FieldPath, kindWord: string): FieldError[] {
  const selector = spec.selector;
  if (!isObject(selector)) return [required(p.child('selector'))];
  const errs = validateLabelSelector(selector, p.child('selector'));
  if (isEmptySelector(selector)) errs.push(invalid(p.child('selector'), goLabelSelector(selector), `empty selector is invalid for ${kindWord}`));
  return errs;
}

function restartPolicyAlways(template: unknown, p: FieldPath): FieldError[] {
  const policy = stringAt(objectAt(template, 'spec'), 'restartPolicy') ?? '';
  return policy === 'Always' ? [] : [notSupported(p.child('spec', 'restartPolicy'), policy, ['Always'])];
}

/** ValidatePodTemplateSpecForReplicaSet (also used by Deployments). */
function validateTemplateForReplicaSet(spec: JsonObject, p: FieldPath, kind: string): FieldError[] {
  const template = spec.template;
  if (!isObject(template)) return [required(p)];
  const errs = selectorMismatch(spec.selector, template, p, true);
  errs.push(...validatePodTemplateSpec(template, p));
  errs.push(...restartPolicyAlways(template, p));
  if (isSet(objectAt(template, 'spec'), 'activeDeadlineSeconds')) {
    errs.push(forbidden(p.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

function validateDeploymentStrategy(strategy: unknown, p: FieldPath): FieldError[] {
  const type = stringAt(strategy, 'type') ?? '';
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (type === 'Recreate') {
    return rollingUpdate !== undefined ? [forbidden(p.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    if (rollingUpdate === undefined) return [required(p.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const rp = p.child('rollingUpdate');
    const errs = [
      ...validatePositiveIntOrPercent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')),
      ...validatePositiveIntOrPercent(rollingUpdate.maxSurge, rp.child('maxSurge')),
    ];
    if (intOrPercentValue(rollingUpdate.maxUnavailable) === 0 && intOrPercentValue(rollingUpdate.maxSurge) === 0) {
      errs.push(invalid(rp.child('maxUnavailable'), goIntOrString(rollingUpdate.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
    errs.push(...isNotMoreThan100Percent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')));
    return errs;
  }
  return [notSupported(p, goStrategy('DeploymentStrategy', 'RollingUpdateDeployment', strategy), ['Recreate', 'RollingUpdate'])];
}

/** %#v of a strategy struct with its optional rolling-update pointer. */
function goStrategy(typeName: string, rollingType: string, strategy: unknown): GoLiteral {
  const rolling = objectAt(strategy, 'rollingUpdate');
  const rollingText = rolling === undefined ? `(*apps.${rollingType})(nil)` : `&${goStruct(`apps.${rollingType}`, rolling).text}`;
  return new GoLiteral(`apps.${typeName}{Type:${goQuote(stringAt(strategy, 'type') ?? '')}, RollingUpdate:${rollingText}}`);
}

function validateDeploymentSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = nonNegative(numberAt(spec, 'replicas'), p.child('replicas'));
  errs.push(...validateRequiredSelector(spec, p, 'deployment'));
  errs.push(...validateTemplateForReplicaSet(spec, p.child('template'), 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec.strategy, p.child('strategy')));
  const minReady = numberAt(spec, 'minReadySeconds') ?? 0;
  errs.push(...nonNegative(minReady, p.child('minReadySeconds')));
  errs.push(...nonNegative(numberAt(spec, 'revisionHistoryLimit'), p.child('revisionHistoryLimit')));
  const deadline = numberAt(spec, 'progressDeadlineSeconds');
  if (deadline !== undefined) {
    errs.push(...nonNegative(deadline, p.child('progressDeadlineSeconds')));
    if (deadline <= minReady) errs.push(invalid(p.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function specOf(obj: JsonObject): JsonObject {
  return objectAt(obj, 'spec') ?? {};
}

const immutableSelector = (obj: JsonObject, old: JsonObject): FieldError[] =>
  semanticEqual(specOf(obj).selector, specOf(old).selector) ? [] : [invalid(path('spec', 'selector'), goLabelSelector(specOf(obj).selector), FIELD_IMMUTABLE_ERROR_MSG)];

const dnsSubdomainMeta = (obj: JsonObject): FieldError[] => validateObjectMeta(obj.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain });

export function validateDeployment(obj: JsonObject): FieldError[] {
  return [...dnsSubdomainMeta(obj), ...validateDeploymentSpec(specOf(obj), path('spec'))];
}

export function validateDeploymentUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateDeploymentSpec(specOf(obj), path('spec')), ...immutableSelector(obj, old)];
}

function validateReplicaSetSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = nonNegative(numberAt(spec, 'replicas'), p.child('replicas'));
  errs.push(...nonNegative(numberAt(spec, 'minReadySeconds'), p.child('minReadySeconds')));
  // Upstream shares the Deployment wording here.
  errs.push(...validateRequiredSelector(spec, p, 'deployment'));
  errs.push(...validateTemplateForReplicaSet(spec, p.child('template'), 'ReplicaSet'));
  return errs;
}

export function validateReplicaSet(obj: JsonObject): FieldError[] {
  return [...dnsSubdomainMeta(obj), ...validateReplicaSetSpec(specOf(obj), path('spec'))];
}

export function validateReplicaSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateReplicaSetSpec(specOf(obj), path('spec')), ...immutableSelector(obj, old)];
}

function validateDaemonSetStrategy(strategy: unknown, p: FieldPath): FieldError[] {
  const type = stringAt(strategy, 'type') ?? '';
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') return [notSupported(p, goStrategy('DaemonSetUpdateStrategy', 'RollingUpdateDaemonSet', strategy), ['RollingUpdate', 'OnDelete'])];
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (rollingUpdate === undefined) return [required(p.child('rollingUpdate'))];
  const rp = p.child('rollingUpdate');
  const errs = [
    ...validatePositiveIntOrPercent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(rollingUpdate.maxSurge, rp.child('maxSurge')),
    ...isNotMoreThan100Percent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')),
    ...isNotMoreThan100Percent(rollingUpdate.maxSurge, rp.child('maxSurge')),
  ];
  const hasUnavailable = intOrPercentValue(rollingUpdate.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(rollingUpdate.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(rp.child('maxSurge'), goIntOrString(rollingUpdate.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSetSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs = validateLabelSelector(spec.selector, p.child('selector'));
  const template = spec.template;
  if (!selectorMatches(spec.selector, templateLabels(template) ?? {})) {
    errs.push(invalid(p.child('template', 'metadata', 'labels'), goStringMap(templateLabels(template)), SELECTOR_MISMATCH));
  }
  if (isObject(spec.selector) && isEmptySelector(spec.selector)) errs.push(invalid(p.child('selector'), goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template, p.child('template')));
  errs.push(...restartPolicyAlways(template, p.child('template')));
  const deadline = numberAt(objectAt(template, 'spec'), 'activeDeadlineSeconds');
  if (deadline !== undefined) errs.push(invalid(p.child('template', 'spec', 'activeDeadlineSeconds'), deadline, 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...nonNegative(numberAt(spec, 'minReadySeconds'), p.child('minReadySeconds')));
  errs.push(...nonNegative(numberAt(spec, 'templateGeneration'), p.child('templateGeneration')));
  errs.push(...validateDaemonSetStrategy(spec.updateStrategy, p.child('updateStrategy')));
  errs.push(...nonNegative(numberAt(spec, 'revisionHistoryLimit'), p.child('revisionHistoryLimit')));
  return errs;
}

export function validateDaemonSet(obj: JsonObject): FieldError[] {
  return [...dnsSubdomainMeta(obj), ...validateDaemonSetSpec(specOf(obj), path('spec'))];
}

export function validateDaemonSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...immutableSelector(obj, old), ...validateDaemonSetSpec(specOf(obj), path('spec'))];
}

/**
 * The template as the StatefulSet controller makes its pods: each volume
 * claim template becomes a persistentVolumeClaim volume of the same name, so
 * containers may mount it (upstream leaves the template's pod spec to pod
 * creation for exactly this reason; validating the union refuses nothing a
 * pod would accept).
 */
function withClaimTemplateVolumes(template: JsonObject, claimTemplates: unknown): JsonObject {
  if (!Array.isArray(claimTemplates) || claimTemplates.length === 0) return template;
  const podSpec = objectAt(template, 'spec');
  if (podSpec === undefined) return template;
  const volumes: unknown[] = Array.isArray(podSpec.volumes) ? [...(podSpec.volumes as unknown[])] : [];
  const named = new Set(volumes.map((v) => stringAt(v, 'name')));
  for (const claim of claimTemplates) {
    const name = stringAt(objectAt(claim, 'metadata'), 'name');
    if (name === undefined || name === '' || named.has(name)) continue;
    volumes.push({ name, persistentVolumeClaim: { claimName: name } });
    named.add(name);
  }
  return { ...template, spec: { ...podSpec, volumes } } as JsonObject;
}

function validateStatefulSetSpec(spec: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const policy = stringAt(spec, 'podManagementPolicy') ?? '';
  if (policy === '') errs.push(required(p.child('podManagementPolicy')));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid(p.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = objectAt(spec, 'updateStrategy');
  const type = stringAt(strategy, 'type') ?? '';
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (type === '') errs.push(required(p.child('updateStrategy')));
  else if (type === 'OnDelete') {
    if (rollingUpdate !== undefined) errs.push(invalid(p.child('updateStrategy', 'rollingUpdate'), goStruct('apps.RollingUpdateStatefulSetStrategy', rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    if (rollingUpdate !== undefined) {
      const rp = p.child('updateStrategy', 'rollingUpdate');
      errs.push(...nonNegative(numberAt(rollingUpdate, 'partition'), rp.child('partition')));
      if (isSet(rollingUpdate, 'maxUnavailable')) {
        errs.push(...validatePositiveIntOrPercent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')));
        if (intOrPercentValue(rollingUpdate.maxUnavailable) === 0) errs.push(invalid(rp.child('maxUnavailable'), goIntOrString(rollingUpdate.maxUnavailable), 'cannot be 0'));
        errs.push(...isNotMoreThan100Percent(rollingUpdate.maxUnavailable, rp.child('maxUnavailable')));
      }
    }
  } else {
    errs.push(invalid(p.child('updateStrategy'), goStrategy('StatefulSetUpdateStrategy', 'RollingUpdateStatefulSetStrategy', strategy), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = objectAt(spec, 'persistentVolumeClaimRetentionPolicy');
  for (const field of ['whenDeleted', 'whenScaled']) {
    const value = stringAt(retention, field);
    if (value !== undefined && value !== 'Retain' && value !== 'Delete') errs.push(notSupported(p.child('persistentVolumeClaimRetentionPolicy', field), value, ['Retain', 'Delete']));
  }
  errs.push(...nonNegative(numberAt(spec, 'replicas'), p.child('replicas')));
  errs.push(...nonNegative(numberAt(spec, 'minReadySeconds'), p.child('minReadySeconds')));
  errs.push(...nonNegative(numberAt(objectAt(spec, 'ordinals'), 'start'), p.child('ordinals', 'start')));
  errs.push(...validateRequiredSelector(spec, p, 'statefulset'));
  const template = spec.template;
  if (!isObject(template)) errs.push(required(p.child('template')));
  else {
    errs.push(...selectorMismatch(spec.selector, template, p.child('template'), true));
    errs.push(...validatePodTemplateSpec(withClaimTemplateVolumes(template, spec.volumeClaimTemplates), p.child('template')));
  }
  errs.push(...restartPolicyAlways(template, p.child('template')));
  if (isSet(objectAt(template, 'spec'), 'activeDeadlineSeconds')) {
    errs.push(forbidden(p.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

export function validateStatefulSet(obj: JsonObject): FieldError[] {
  return [...dnsSubdomainMeta(obj), ...validateStatefulSetSpec(specOf(obj), path('spec'))];
}

/** Fields of a StatefulSet spec an update may change; anything else is refused as a whole. */
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];

export function validateStatefulSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateStatefulSetSpec(specOf(obj), path('spec'))];
  const now = { ...specOf(obj) };
  const before = { ...specOf(old) };
  for (const field of STATEFULSET_MUTABLE) {
    delete now[field];
    delete before[field];
  }
  if (!semanticEqual(now, before)) {
    errs.push(
      forbidden(
        path('spec'),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export function validateControllerRevision(obj: JsonObject): FieldError[] {
  const errs = dnsSubdomainMeta(obj);
  if (obj.data === undefined || obj.data === null) errs.push(required(path('data'), 'data is mandatory'));
  errs.push(...nonNegative(numberAt(obj, 'revision'), path('revision')));
  return errs;
}

export function validateControllerRevisionUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...nonNegative(numberAt(obj, 'revision'), path('revision'))];
  if (!semanticEqual(obj.data, old.data)) errs.push(invalid(path('data'), goStruct('runtime.RawExtension', obj.data), FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}
