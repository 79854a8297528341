// Pod and PodSpec validation (ValidatePodSpec, ValidatePodCreate,
// ValidatePodUpdate, ValidatePodTemplateSpec in pkg/apis/core/validation).

import { arrayAt, isObject, isSet, jsonEqual, numberAt, objectAt, objectsAt, semanticEqual, stringAt, type JsonObject } from '../json.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { checkHostPortConflicts, validateContainerCommon, validateDNS1123LabelField, validateLifecycle, validateProbes } from './containers.js';
import { inclusiveRangeError, isDNS1123Subdomain, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { validateAnnotations, validateLabelName, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validateVolumes } from './volumes.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];
const MAX_INT32 = 2147483647;
const NOT_FOR_INIT = 'may not be set for init containers without restartPolicy=Always';

function containersOf(spec: unknown, list: string): JsonObject[] {
  return objectsAt(spec, list).map(([c]) => c);
}

function validateContainers(spec: JsonObject, volumes: ReadonlySet<string>, p: FieldPath): FieldError[] {
  const containers = arrayAt(spec, 'containers') ?? [];
  if (containers.length === 0) return [required(p)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((container, i) => {
    if (!isObject(container)) return;
    const cp = p.index(i);
    errs.push(...validateContainerCommon(container, volumes, cp));
    const name = stringAt(container, 'name') ?? '';
    if (names.has(name)) errs.push(duplicate(cp.child('name'), name));
    else names.add(name);
    errs.push(...validateProbes(container, cp));
    errs.push(...validateLifecycle(container.lifecycle, cp.child('lifecycle')));
    if (isSet(container, 'restartPolicy')) errs.push(forbidden(cp.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containersOf(spec, 'containers'), p));
  return errs;
}

function validateInitContainers(spec: JsonObject, volumes: ReadonlySet<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Init container names share one namespace with the regular containers.
  const names = new Set(containersOf(spec, 'containers').map((c) => stringAt(c, 'name') ?? ''));
  (arrayAt(spec, 'initContainers') ?? []).forEach((container, i) => {
    if (!isObject(container)) return;
    const cp = p.index(i);
    errs.push(...validateContainerCommon(container, volumes, cp));
    let restartAlways = false;
    if (isSet(container, 'restartPolicy')) {
      const policy = stringAt(container, 'restartPolicy') ?? '';
      if (policy !== 'Always') errs.push(notSupported(cp.child('restartPolicy'), policy, ['Always']));
      restartAlways = policy === 'Always';
    }
    const name = stringAt(container, 'name') ?? '';
    if (names.has(name)) errs.push(duplicate(cp.child('name'), name));
    else if (name.length > 0) names.add(name);
    // Init containers run one at a time, so host ports only conflict within one.
    errs.push(...checkHostPortConflicts([container], p));
    if (restartAlways) {
      errs.push(...validateProbes(container, cp));
      errs.push(...validateLifecycle(container.lifecycle, cp.child('lifecycle')));
    } else {
      for (const field of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(container, field)) errs.push(forbidden(cp.child(field), NOT_FOR_INIT));
      }
    }
  });
  return errs;
}

export function validateTolerations(tolerations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(tolerations) ? tolerations : []).forEach((toleration, i) => {
    const tp = p.index(i);
    const key = stringAt(toleration, 'key') ?? '';
    const operator = stringAt(toleration, 'operator') ?? '';
    const value = stringAt(toleration, 'value') ?? '';
    const effect = stringAt(toleration, 'effect') ?? '';
    if (key.length > 0) errs.push(...validateLabelName(key, tp.child('key')));
    if (key.length === 0 && operator !== 'Exists') errs.push(invalid(tp.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    const seconds = numberAt(toleration, 'tolerationSeconds');
    if (seconds !== undefined && effect !== 'NoExecute') errs.push(invalid(tp.child('effect'), effect, 'effect must be \'NoExecute\' when `tolerationSeconds` is set'));
    if (operator === '' || operator === 'Equal') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(tp.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value.length > 0) errs.push(invalid(tp.child('operator'), value, 'value must be empty when `operator` is \'Exists\''));
    } else {
      errs.push(notSupported(tp.child('operator'), operator, TOLERATION_OPERATORS));
    }
    if (effect.length > 0 && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(tp.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

/** ValidatePodSpec: the checks shared by Pods and pod templates. */
export function validatePodSpec(spec: unknown, p: FieldPath): FieldError[] {
  if (!isObject(spec)) return [required(p.child('containers'))];
  const errs: FieldError[] = [];
  const { names: volumes, errors: volumeErrors } = validateVolumes(spec.volumes, p.child('volumes'));
  errs.push(...volumeErrors);
  errs.push(...validateContainers(spec, volumes, p.child('containers')));
  errs.push(...validateInitContainers(spec, volumes, p.child('initContainers')));
  const restartPolicy = stringAt(spec, 'restartPolicy') ?? '';
  if (restartPolicy === '') errs.push(required(p.child('restartPolicy')));
  else if (!RESTART_POLICIES.includes(restartPolicy)) errs.push(notSupported(p.child('restartPolicy'), restartPolicy, RESTART_POLICIES));
  const dnsPolicy = stringAt(spec, 'dnsPolicy') ?? '';
  if (dnsPolicy === '') errs.push(required(p.child('dnsPolicy')));
  else if (!DNS_POLICIES.includes(dnsPolicy)) errs.push(notSupported(p.child('dnsPolicy'), dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(objectAt(spec, 'nodeSelector'), p.child('nodeSelector')));
  for (const [ref, i] of objectsAt(spec, 'imagePullSecrets')) {
    if ((stringAt(ref, 'name') ?? '') === '') errs.push(required(p.child('imagePullSecrets').index(i).child('name')));
  }
  const serviceAccountName = stringAt(spec, 'serviceAccountName') ?? '';
  if (serviceAccountName.length > 0) for (const msg of isDNS1123Subdomain(serviceAccountName)) errs.push(invalid(p.child('serviceAccountName'), serviceAccountName, msg));
  const nodeName = stringAt(spec, 'nodeName') ?? '';
  if (nodeName.length > 0) for (const msg of isDNS1123Subdomain(nodeName)) errs.push(invalid(p.child('nodeName'), nodeName, msg));
  const activeDeadlineSeconds = numberAt(spec, 'activeDeadlineSeconds');
  if (activeDeadlineSeconds !== undefined && (activeDeadlineSeconds < 1 || activeDeadlineSeconds > MAX_INT32)) {
    errs.push(invalid(p.child('activeDeadlineSeconds'), activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = stringAt(spec, 'hostname') ?? '';
  if (hostname.length > 0) errs.push(...validateDNS1123LabelField(hostname, p.child('hostname')));
  const subdomain = stringAt(spec, 'subdomain') ?? '';
  if (subdomain.length > 0) errs.push(...validateDNS1123LabelField(subdomain, p.child('subdomain')));
  errs.push(...validateTolerations(spec.tolerations, p.child('tolerations')));
  const priorityClassName = stringAt(spec, 'priorityClassName') ?? '';
  if (priorityClassName.length > 0) for (const msg of isDNS1123Subdomain(priorityClassName)) errs.push(invalid(p.child('priorityClassName'), priorityClassName, msg));
  const preemptionPolicy = stringAt(spec, 'preemptionPolicy');
  if (preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(preemptionPolicy)) errs.push(notSupported(p.child('preemptionPolicy'), preemptionPolicy, PREEMPTION_POLICIES));
  return errs;
}

/** ValidatePodTemplateSpec: a template's labels, annotations and spec. */
export function validatePodTemplateSpec(template: unknown, p: FieldPath): FieldError[] {
  if (!isObject(template)) return [required(p)];
  const metadata = objectAt(template, 'metadata');
  const errs: FieldError[] = [];
  errs.push(...validateLabels(objectAt(metadata, 'labels'), p.child('labels')));
  errs.push(...validateAnnotations(objectAt(metadata, 'annotations'), p.child('annotations')));
  errs.push(...validatePodSpec(template.spec, p.child('spec')));
  if ((arrayAt(objectAt(template, 'spec'), 'ephemeralContainers') ?? []).length > 0) {
    errs.push(forbidden(p.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

function validatePodOnly(pod: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objectAt(pod, 'spec');
  const specPath = path('spec');
  if ((stringAt(spec, 'serviceAccountName') ?? '') === '') {
    for (const [volume, vi] of objectsAt(spec, 'volumes')) {
      for (const [source, si] of objectsAt(objectAt(volume, 'projected'), 'sources')) {
        if (isSet(source, 'serviceAccountToken')) {
          errs.push(forbidden(specPath.child('volumes').index(vi).child('projected', 'sources').index(si).child('serviceAccountToken'), 'must not be specified when serviceAccountName is not set'));
        }
      }
    }
  }
  for (const list of ['containers', 'initContainers']) {
    for (const [container, i] of objectsAt(spec, list)) {
      const image = stringAt(container, 'image') ?? '';
      if (image.trim().length !== image.length) errs.push(invalid(specPath.child(list).index(i).child('image'), image, 'must not have leading or trailing whitespace'));
    }
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(pod.metadata, { requiresNamespace: true, nameValidator: nameIsDNSSubdomain }),
    ...validatePodSpec(pod.spec, path('spec')),
    ...validatePodOnly(pod),
  ];
}

export function validatePodCreate(pod: JsonObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = objectAt(pod, 'spec');
  if ((arrayAt(spec, 'ephemeralContainers') ?? []).length > 0) errs.push(forbidden(path('spec', 'ephemeralContainers'), 'cannot be set on create'));
  if ((stringAt(spec, 'nodeName') ?? '') !== '' && (arrayAt(spec, 'schedulingGates') ?? []).length > 0) {
    errs.push(forbidden(path('spec', 'nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** What a pod update may change, as the message lists it. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

function validateContainerUpdates(newSpec: JsonObject, oldSpec: JsonObject, list: string): { errors: FieldError[]; stop: boolean } {
  const p = path('spec', list);
  const now = arrayAt(newSpec, list) ?? [];
  const before = arrayAt(oldSpec, list) ?? [];
  if (now.length !== before.length) return { errors: [forbidden(p, 'pod updates may not add or remove containers')], stop: true };
  const errors: FieldError[] = [];
  now.forEach((container, i) => {
    const image = stringAt(container, 'image') ?? '';
    if (image.length === 0) errors.push(required(p.index(i).child('image')));
    if (image.trim().length !== image.length) errors.push(invalid(p.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errors, stop: false };
}

function validateOnlyAddedTolerations(now: unknown, before: unknown, p: FieldPath): FieldError[] {
  const newTolerations = (Array.isArray(now) ? now : []).filter(isObject);
  for (const old of (Array.isArray(before) ? before : []).filter(isObject)) {
    // An existing toleration may change only its tolerationSeconds.
    const found = newTolerations.some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(p, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(now, p);
}

// Go field names of PodSpec, used to print the spec diff the way cmp.Diff names fields.
function goFieldName(key: string): string {
  const special: Record<string, string> = { serviceAccount: 'DeprecatedServiceAccount', hostPID: 'HostPID', hostIPC: 'HostIPC', dnsPolicy: 'DNSPolicy', dnsConfig: 'DNSConfig', os: 'OS' };
  return special[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** A side of the diff; an absent field shows as the Go zero value of the other side's type. */
function diffValue(value: unknown, other: unknown): string {
  if (value !== undefined && value !== null) return JSON.stringify(value);
  if (typeof other === 'string') return '""';
  if (typeof other === 'number') return '0';
  if (typeof other === 'boolean') return 'false';
  return 'nil';
}

/**
 * A readable stand-in for the cmp.Diff text upstream appends: go-cmp
 * randomizes its own whitespace, so clients cannot depend on its exact form.
 */
export function podSpecDiff(oldSpec: JsonObject, newSpec: JsonObject): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = ['  core.PodSpec{'];
  let same = 0;
  const flush = (): void => {
    if (same > 0) lines.push(`  \t... // ${same} identical field${same === 1 ? '' : 's'}`);
    same = 0;
  };
  for (const key of keys) {
    if (semanticEqual(oldSpec[key], newSpec[key])) {
      same++;
      continue;
    }
    flush();
    lines.push(`- \t${goFieldName(key)}: ${diffValue(oldSpec[key], newSpec[key])},`);
    lines.push(`+ \t${goFieldName(key)}: ${diffValue(newSpec[key], oldSpec[key])},`);
  }
  flush();
  lines.push('  }');
  return lines.join('\n');
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and a negative grace period's fix may change. */
export function validatePodUpdate(pod: JsonObject, oldPod: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pod.metadata, oldPod.metadata), ...validatePodMetadataAndSpec(pod)];
  const newSpec = objectAt(pod, 'spec') ?? {};
  const oldSpec = objectAt(oldPod, 'spec') ?? {};
  for (const list of ['containers', 'initContainers']) {
    const { errors, stop } = validateContainerUpdates(newSpec, oldSpec, list);
    errs.push(...errors);
    if (stop) return errs;
  }
  const specPath = path('spec');
  const newDeadline = numberAt(newSpec, 'activeDeadlineSeconds');
  const oldDeadline = numberAt(oldSpec, 'activeDeadlineSeconds');
  if (newDeadline !== undefined) {
    if (newDeadline < 0 || newDeadline > MAX_INT32) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), newDeadline, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oldDeadline !== undefined && oldDeadline < newDeadline) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), newDeadline, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldDeadline !== undefined) {
    errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(newSpec.tolerations, oldSpec.tolerations, specPath.child('tolerations')));
  if (semanticEqual(newSpec, oldSpec)) return errs;
  // Put the updatable fields back to their old values; whatever still differs is forbidden.
  const munged: JsonObject = structuredClone(newSpec);
  for (const list of ['containers', 'initContainers']) {
    const before = arrayAt(oldSpec, list) ?? [];
    (arrayAt(munged, list) ?? []).forEach((container, i) => {
      if (isObject(container)) container.image = stringAt(before[i], 'image');
    });
  }
  if (oldSpec.activeDeadlineSeconds !== undefined) munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  else delete munged.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = numberAt(oldSpec, 'terminationGracePeriodSeconds');
  if (oldGrace !== undefined && oldGrace < 0 && numberAt(munged, 'terminationGracePeriodSeconds') === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n${podSpecDiff(oldSpec, munged)}`));
  }
  return errs;
}
