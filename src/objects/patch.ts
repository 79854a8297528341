import { badRequest, unsupportedMediaType } from '../api/errors.js';
import { parseJson, parseYaml } from '../api/http/body.js';
import { applyJsonPatch } from '../api/patch/json-patch.js';
import { applyMergePatch } from '../api/patch/merge-patch.js';
import { schemaFor } from '../api/patch/patch-metadata.js';
import { applyStrategicMergePatch } from '../api/patch/strategic-merge.js';
import type { JsonObject } from '../api/patch/json-value.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: ReadonlyMap<string, PatchType> = new Map([
  ['application/json-patch+json', 'json'],
  ['application/merge-patch+json', 'merge'],
  ['application/strategic-merge-patch+json', 'strategic'],
  ['application/apply-patch+yaml', 'apply'],
  ['application/apply-patch+json', 'apply'],
]);

/** The patch type a PATCH request's Content-Type names; anything else is 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = PATCH_TYPES.get(media);
  if (type === undefined) throw unsupportedMediaType([...PATCH_TYPES.keys()]);
  return type;
}

/** Parses a patch body: YAML for apply patches, JSON otherwise. */
export function parsePatchBody(type: PatchType, body: Buffer): unknown {
  if (body.length === 0) throw badRequest('the patch body is empty');
  return type === 'apply' ? parseYaml(body) : parseJson(body);
}

/** Applies a JSON, merge or strategic-merge patch to a copy of `current`. */
export function applyPatch(type: Exclude<PatchType, 'apply'>, current: JsonObject, patch: unknown, group: string, kind: string): JsonObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(current, patch);
    case 'merge':
      return applyMergePatch(current, patch);
    case 'strategic':
      return applyStrategicMergePatch(current, patch, schemaFor(group, kind));
  }
}
