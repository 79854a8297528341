// The PATCH content types the API server accepts, and one entry point for the
// three that need nothing but the current object and the body. Server-side apply
// (`application/apply-patch+yaml`) also needs the field manager and managedFields:
// see apply.ts.

import { applyJsonPatch } from './json-patch.js';
import type { JsonObject } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';
import { schemaFor } from './patch-metadata.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Content-Type -> patch type (k8s.io/apimachinery/pkg/types PatchType). */
export const PATCH_CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type of a Content-Type header (parameters such as charset ignored), or undefined (415). */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return Object.prototype.hasOwnProperty.call(PATCH_CONTENT_TYPES, base) ? PATCH_CONTENT_TYPES[base] : undefined;
}

export interface PatchTarget {
  /** API group of the object ('' for core) and its kind: they select the strategic merge metadata. */
  group: string;
  kind: string;
}

/**
 * Applies a JSON, merge or strategic merge patch body (already parsed JSON) to
 * the current object and returns the patched copy. Strategic merge is for
 * built-in kinds only: for custom resources the REST layer answers 415 before
 * calling this, as upstream does.
 */
export function applyPatch(type: Exclude<PatchType, 'apply'>, current: JsonObject, body: unknown, target: PatchTarget): JsonObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(current, body);
    case 'merge':
      return applyMergePatch(current, body);
    case 'strategic':
      return applyStrategicMergePatch(current, body, schemaFor(target.group, target.kind));
    default:
      return assertNever(type);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected patch type ${String(value)}`);
}
