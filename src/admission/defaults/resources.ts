// SetDefaults_ResourceList: quantities rounded up to milli precision and
// written back in the canonical form the API server serializes.

import { isObject, type JsonObject } from '../json.js';
import { canonicalQuantity, formatQuantity, parseQuantityJson, QuantityParseError } from '../../kube/quantity.js';

const NANO_PER_MILLI = 1_000_000n;

/** A quantity as the API server stores it after defaulting; the input unchanged when it does not parse (validation reports it). */
export function defaultedQuantity(value: unknown): unknown {
  try {
    const q = parseQuantityJson(value);
    if (q.nanos % NANO_PER_MILLI === 0n) return formatQuantity(q);
    // Sub-milli precision is rounded up, away from zero, to the next milli.
    const milli = q.nanos / NANO_PER_MILLI + (q.nanos > 0n ? 1n : -1n);
    return canonicalQuantity({ nanos: milli * NANO_PER_MILLI, format: q.format });
  } catch (err) {
    if (err instanceof QuantityParseError) return value;
    throw err;
  }
}

export function defaultResourceList(list: unknown): void {
  if (!isObject(list)) return;
  for (const key of Object.keys(list)) list[key] = defaultedQuantity(list[key]);
}

/** limits and requests of a ResourceRequirements. */
export function defaultResourceRequirements(resources: unknown): void {
  if (!isObject(resources)) return;
  defaultResourceList((resources as JsonObject).limits);
  defaultResourceList((resources as JsonObject).requests);
}
