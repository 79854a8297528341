// metadata checks every kind shares (apimachinery's ValidateObjectMeta and
// ValidateObjectMetaUpdate): name or generateName, namespace presence,
// labels, annotations, owner references and finalizers, and the fields an
// update may not change.

import { arrayAt, byteLength, isObject, numberAt, objectAt, semanticEqual, stringAt, stringMapAt } from '../json.js';
import { FIELD_IMMUTABLE_ERROR_MSG, forbidden, invalid, IS_NEGATIVE_ERROR_MSG, required, tooLong, type FieldError } from './field-errors.js';
import { path, type FieldPath } from './field-path.js';
import { goStringSlice } from './go-value.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** Label keys and values. Keys are visited in sorted order so messages are stable. */
export function validateLabels(labels: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(labels)) return errs;
  for (const key of Object.keys(labels).sort()) {
    errs.push(...validateLabelName(key, p));
    const value = labels[key];
    const text = typeof value === 'string' ? value : String(value);
    for (const msg of isValidLabelValue(text)) errs.push(invalid(p, text, msg));
  }
  return errs;
}

export function validateLabelName(key: string, p: FieldPath): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(p, key, msg));
}

export function validateAnnotations(annotations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(annotations)) return errs;
  let total = 0;
  for (const key of Object.keys(annotations).sort()) {
    // Annotation keys are qualified names, but case does not matter.
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(invalid(p, key, msg));
    const value = annotations[key];
    total += byteLength(key) + byteLength(typeof value === 'string' ? value : String(value));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(p, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

function validateOwnerReferences(refs: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(refs)) return errs;
  let firstController = '';
  for (const ref of refs) {
    if (!isObject(ref)) continue;
    const apiVersion = stringAt(ref, 'apiVersion') ?? '';
    const kind = stringAt(ref, 'kind') ?? '';
    const name = stringAt(ref, 'name') ?? '';
    const uid = stringAt(ref, 'uid') ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version.length === 0) errs.push(invalid(p.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(invalid(p.child('kind'), kind, 'kind must not be empty'));
    if (name.length === 0) errs.push(invalid(p.child('name'), name, 'name must not be empty'));
    if (uid.length === 0) errs.push(invalid(p.child('uid'), uid, 'uid must not be empty'));
    if (ref.controller === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        errs.push(
          invalid(p, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  const names = finalizers.filter((x): x is string => typeof x === 'string');
  for (const name of names) for (const msg of isQualifiedName(name)) errs.push(invalid(p, name, msg));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errs.push(invalid(p, goStringSlice(names), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

export interface ObjectMetaOptions {
  requiresNamespace: boolean;
  nameValidator: NameValidator;
}

/** ValidateObjectMeta: what a created object's metadata must satisfy. */
export function validateObjectMeta(meta: unknown, options: ObjectMetaOptions, p: FieldPath = path('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = stringAt(meta, 'generateName') ?? '';
  if (generateName.length > 0) {
    for (const msg of options.nameValidator(generateName, true)) errs.push(invalid(p.child('generateName'), generateName, msg));
  }
  const name = stringAt(meta, 'name') ?? '';
  if (name.length === 0) errs.push(required(p.child('name'), 'name or generateName is required'));
  else for (const msg of options.nameValidator(name, false)) errs.push(invalid(p.child('name'), name, msg));
  const namespace = stringAt(meta, 'namespace') ?? '';
  if (options.requiresNamespace) {
    if (namespace.length === 0) errs.push(required(p.child('namespace')));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(invalid(p.child('namespace'), namespace, msg));
  } else if (namespace.length > 0) {
    errs.push(forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  const generation = numberAt(meta, 'generation') ?? 0;
  if (generation < 0) errs.push(invalid(p.child('generation'), generation, IS_NEGATIVE_ERROR_MSG));
  errs.push(...validateLabels(objectAt(meta, 'labels'), p.child('labels')));
  errs.push(...validateAnnotations(objectAt(meta, 'annotations'), p.child('annotations')));
  errs.push(...validateOwnerReferences(arrayAt(meta, 'ownerReferences'), p.child('ownerReferences')));
  errs.push(...validateFinalizers(arrayAt(meta, 'finalizers'), p.child('finalizers')));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields never change; labels and annotations stay valid. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, p: FieldPath = path('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  if (stringAt(oldMeta, 'deletionTimestamp') !== undefined) {
    const oldFinalizers = new Set((arrayAt(oldMeta, 'finalizers') ?? []).filter((x): x is string => typeof x === 'string'));
    const added = [...new Set((arrayAt(meta, 'finalizers') ?? []).filter((x): x is string => typeof x === 'string' && !oldFinalizers.has(x)))].sort();
    if (added.length > 0) {
      errs.push(
        forbidden(p.child('finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added).text}`),
      );
    }
  }
  const resourceVersion = stringAt(meta, 'resourceVersion') ?? '';
  if (resourceVersion.length === 0) errs.push(invalid(p.child('resourceVersion'), resourceVersion, 'must be specified for an update'));
  const generation = numberAt(meta, 'generation') ?? 0;
  if (generation < (numberAt(oldMeta, 'generation') ?? 0)) errs.push(invalid(p.child('generation'), generation, 'must not be decremented'));
  for (const field of ['name', 'namespace', 'uid']) {
    const now = stringAt(meta, field) ?? '';
    if (now !== (stringAt(oldMeta, field) ?? '')) errs.push(invalid(p.child(field), now, FIELD_IMMUTABLE_ERROR_MSG));
  }
  for (const field of ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    const now = isObject(meta) ? meta[field] : undefined;
    const before = isObject(oldMeta) ? oldMeta[field] : undefined;
    if (!semanticEqual(now, before)) errs.push(invalid(p.child(field), now ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  errs.push(...validateLabels(objectAt(meta, 'labels'), p.child('labels')));
  errs.push(...validateAnnotations(objectAt(meta, 'annotations'), p.child('annotations')));
  errs.push(...validateOwnerReferences(arrayAt(meta, 'ownerReferences'), p.child('ownerReferences')));
  return errs;
}

/** Labels of an object's metadata as a plain map (empty when absent). */
export function labelsOf(meta: unknown): Record<string, string> {
  return stringMapAt(meta, 'labels') ?? {};
}
