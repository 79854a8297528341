// The pure admission steps every write goes through: schema decoding,
// defaulting, pod admission mutations, validation, namespace lifecycle and
// service IP/port allocation. The object service wires them to the store.

export { setDefaults, defaultPodSpec, defaultPodTemplateSpec, generateJobSelector, defaultServiceIPFamilies } from './defaults/index.js';
export { validateCreate, validateUpdate, invalidError, invalidMessage, aggregateMessage, throwIfInvalid, errorBody, errorString, type FieldError, type FieldErrorType } from './validation/index.js';
export { decodeWithSchema, parseFieldValidation, type FieldValidation, type DecodeResult } from './schema/decode.js';
export { builtinSchemaLookup } from './schema/definitions-lookup.js';
export type { SchemaLookup, SchemaNode, KindVersion } from './schema/schema-lookup.js';
export { checkNamespaceLifecycle, forbiddenError, namespaceNotFound, IMMORTAL_NAMESPACES, type NamespaceLifecycleRequest } from './namespace-lifecycle.js';
export { admitPodServiceAccount } from './pods/service-account.js';
export { addDefaultTolerations } from './pods/default-tolerations.js';
export { admitPodPriority, SYSTEM_PRIORITY_CLASSES, type PriorityClassInfo } from './pods/priority.js';
export { podQOSClass, prepareNewPodStatus, type PodQOSClass } from './pods/qos.js';
export * from './allocators.js';
export { qualifiedKind, type KindRef } from './kind-ref.js';
