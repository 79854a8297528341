// ResourceRequirements checks (requests and limits of containers and pods):
// resource names, non-negative quantities, integers where required, and
// requests not above limits (equal for non-overcommittable resources).

import { isObject, objectAt } from '../json.js';
import { compareQuantities, formatQuantity, parseQuantityJson, quantityMilliValue, QuantityParseError, type Quantity } from '../../kube/quantity.js';
import { invalid, IS_NEGATIVE_ERROR_MSG, required, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { isQualifiedName } from './names.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
/** Native resources have no domain, or the kubernetes.io domain. */
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const isOvercommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);
const isExtended = (name: string): boolean => !isNative(name) && !name.startsWith('requests.');

function quantityOf(value: unknown): Quantity | undefined {
  try {
    return parseQuantityJson(value);
  } catch (err) {
    if (err instanceof QuantityParseError) return undefined;
    throw err;
  }
}

function validateResourceName(name: string, p: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(p, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isHugePages(name) && !name.startsWith('requests.hugepages-') && !name.startsWith('count/')) {
    return [invalid(p, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

function validateContainerResourceName(name: string, p: FieldPath): FieldError[] {
  const errs = validateResourceName(name, p);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) return [...errs, invalid(p, name, 'must be a standard resource for containers')];
  } else if (!isNative(name) && !isExtended(name)) {
    return [...errs, invalid(p, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** ValidateResourceQuantityValue: non-negative, and whole for countable resources. */
export function validateResourceQuantityValue(name: string, value: unknown, p: FieldPath): FieldError[] {
  const q = quantityOf(value);
  if (q === undefined) return [];
  const errs: FieldError[] = [];
  if (q.nanos < 0n) errs.push(invalid(p, formatQuantity(q), IS_NEGATIVE_ERROR_MSG));
  if (INTEGER_RESOURCES.has(name) && quantityMilliValue(q) % 1000n !== 0n) errs.push(invalid(p, formatQuantity(q), 'must be an integer'));
  return errs;
}

/** A ResourceRequirements of a container (requests, limits). */
export function validateContainerResources(resources: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(resources)) return errs;
  const limits = objectAt(resources, 'limits') ?? {};
  const requests = objectAt(resources, 'requests') ?? {};
  const limPath = p.child('limits');
  const reqPath = p.child('requests');
  for (const name of Object.keys(limits).sort()) {
    errs.push(...validateContainerResourceName(name, limPath.key(name)));
    errs.push(...validateResourceQuantityValue(name, limits[name], limPath.key(name)));
  }
  for (const name of Object.keys(requests).sort()) {
    errs.push(...validateContainerResourceName(name, reqPath.key(name)));
    errs.push(...validateResourceQuantityValue(name, requests[name], reqPath.key(name)));
    const request = quantityOf(requests[name]);
    if (request === undefined) continue;
    if (name in limits) {
      const limit = quantityOf(limits[name]);
      if (limit === undefined) continue;
      const cmp = compareQuantities(request, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, formatQuantity(request), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(invalid(reqPath, formatQuantity(request), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

/** A ResourceList outside containers (quota hard limits, PV capacity): names and non-negative values. */
export function validateResourceList(list: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(list)) return errs;
  for (const name of Object.keys(list).sort()) {
    errs.push(...validateResourceName(name, p.key(name)));
    errs.push(...validateResourceQuantityValue(name, list[name], p.key(name)));
  }
  return errs;
}
