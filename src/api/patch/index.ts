// The patch engines' public surface, for the REST verbs and GraphQL mutations:
//
//   const type = patchTypeOf(req.headers['content-type']);        // undefined -> 415
//   validatePatchOptions(type, { fieldManager, force });            // 422 like the API server
//   if (type === 'apply') {
//     next = serverSideApply(current ?? undefined, parseYaml(body), { group, version, kind, manager: fieldManager, force, subresource, resetFields });
//   } else {
//     next = applyPatch(type, current, parseJson(body), { group, kind });   // strategic: built-in kinds only
//     next = updateManagedFields(current, next, { group, version, kind, manager: managerFromRequest(fieldManager, userAgent), subresource, resetFields });
//   }
//
// Creates and updates call updateManagedFields too (current undefined on create).
// Every function is pure and throws ApiError subclasses (PatchError) that
// toApiError passes through unchanged.

export { LAST_APPLIED_ANNOTATION, managerFromRequest, serverSideApply, updateManagedFields } from './apply.js';
export type { ApplyOptions, FieldManagerOptions, UpdateOptions } from './apply.js';
export { PATCH_REJECTED_MESSAGE, PatchError } from './errors.js';
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { BUILTIN_PATCH_METADATA, patchMetadataAt, schemaFor } from './patch-metadata.js';
export { validatePatchOptions } from './patch-options.js';
export { applyPatch, PATCH_CONTENT_TYPES, patchTypeOf } from './patch-types.js';
export type { PatchTarget, PatchType } from './patch-types.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
