// The IP family fields the service allocator fills in before allocating
// (registry/core/service/storage alloc.go, initIPFamilyFields), for a cluster
// that serves one family. Errors for families the cluster lacks are the
// allocator's and come back as field errors.

import { arrayAt, ensureObject, objectAt, stringAt, type JsonObject } from '../json.js';
import { invalid, type FieldError } from '../validation/field-errors.js';
import { path } from '../validation/field-path.js';
import { isIPv6 } from '../validation/names.js';

export type IPFamily = 'IPv4' | 'IPv6';

function familyOf(ip: string): IPFamily {
  return isIPv6(ip) ? 'IPv6' : 'IPv4';
}

/**
 * Fills ipFamilyPolicy and ipFamilies on a created (oldService undefined) or
 * updated Service. Returns the field errors the allocator would report.
 */
export function defaultServiceIPFamilies(service: JsonObject, oldService: JsonObject | undefined, clusterFamily: IPFamily = 'IPv4'): FieldError[] {
  const spec = ensureObject(service, 'spec');
  if (spec.type === 'ExternalName') return [];
  const selector = objectAt(spec, 'selector');
  const headlessSelectorless = spec.clusterIP === 'None' && (selector === undefined || Object.keys(selector).length === 0);
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    const oldPolicy = stringAt(objectAt(oldService, 'spec'), 'ipFamilyPolicy');
    if (oldPolicy !== undefined) spec.ipFamilyPolicy = oldPolicy;
    else spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  }
  const errs: FieldError[] = [];
  const families = (arrayAt(spec, 'ipFamilies') ?? []).filter((f): f is string => typeof f === 'string');
  const clusterIPs = (arrayAt(spec, 'clusterIPs') ?? []).filter((ip): ip is string => typeof ip === 'string');
  if (spec.ipFamilyPolicy === 'SingleStack') {
    if (clusterIPs.length === 2) errs.push(invalid(path('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families.length === 2) errs.push(invalid(path('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  clusterIPs.forEach((ip, i) => {
    if (ip === 'None' || i < families.length) return;
    const family = familyOf(ip);
    if (family !== clusterFamily) errs.push(invalid(path('spec', 'clusterIPs').index(i), clusterIPs, `${family} is not configured on this cluster`));
    else families.push(family);
  });
  if (errs.length > 0) return errs;
  if (headlessSelectorless) {
    if (families.length === 0) families.push(clusterFamily);
    // Headless without selector may list both families even on a single-stack cluster.
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    spec.ipFamilies = families;
    return [];
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(invalid(path('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
  families.forEach((family, i) => {
    if (family !== clusterFamily) errs.push(invalid(path('spec', 'ipFamilies').index(i), family, 'not configured on this cluster'));
  });
  if (errs.length > 0) return errs;
  if (families.length === 0) families.push(clusterFamily);
  spec.ipFamilies = families;
  return [];
}
