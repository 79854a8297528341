import { badRequest, unsupportedMediaType } from '../api/errors.js';
import { parseJson, parseYaml } from '../api/http/body.js';
import { PATCH_CONTENT_TYPES, patchTypeOf as patchTypeOfContentType, type PatchType } from '../api/patch/patch-types.js';

export type { PatchType } from '../api/patch/patch-types.js';

/** The patch type a PATCH request's Content-Type names; anything else is 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = patchTypeOfContentType(contentType);
  if (type === undefined) throw unsupportedMediaType(Object.keys(PATCH_CONTENT_TYPES));
  return type;
}

/** Parses a patch body: YAML (or JSON, a subset) for apply patches, JSON otherwise. */
export function parsePatchBody(type: PatchType, body: Buffer): unknown {
  if (body.length === 0) throw badRequest('the patch body is empty');
  return type === 'apply' ? parseYaml(body) : parseJson(body);
}
