// Patch metadata for built-in kinds: how each list and map of an object merges.
//
// Strategic merge patch reads `patchStrategy` / `patchMergeKey`; server-side
// apply reads `listType` / `listMapKeys` and atomic maps and structs. Both come
// from the tags and markers of the Go types in k8s.io/api and
// k8s.io/apimachinery (`patchStrategy:"merge" patchMergeKey:"name"`,
// `+listType=map`, `+listMapKey=...`, `+structType=atomic`, `+mapType=atomic`),
// which is also what the API server's OpenAPI document publishes as
// x-kubernetes-patch-strategy, x-kubernetes-list-type and friends.
//
// The table is data, keyed by OpenAPI definition names, so an OpenAPI-derived
// source can replace it. Only types on a path to something special are listed;
// what is not listed behaves as upstream treats an untagged field: lists are
// replaced whole (atomic), maps and structs merge key by key.

import type { JsonPrimitive } from './json-value.js';

export type ListType = 'atomic' | 'set' | 'map';
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys';

export interface FieldMeta {
  /** Definition name of the field's value, or of each item for a list. */
  readonly type?: string;
  /** Server-side apply's view of a list; absent means atomic. */
  readonly listType?: ListType;
  /** For `listType: 'map'`: the fields that identify an item. */
  readonly listMapKeys?: readonly string[];
  /** Server-filled defaults of key fields (`protocol: TCP`), used to key items that omit them. */
  readonly keyDefaults?: Readonly<Record<string, JsonPrimitive>>;
  /** Strategic merge patch strategies (`merge`, `replace`, `retainKeys`). */
  readonly patchStrategy?: readonly PatchStrategy[];
  /** Strategic merge patch: the field that identifies an item of a merging list of objects. */
  readonly patchMergeKey?: string;
  /** `atomic`: apply owns and replaces the map whole. `granular` overrides an atomic type here. */
  readonly mapType?: 'atomic' | 'granular';
  /**
   * What Go's zero value of the parent serializes here when the field is unset:
   * `{}` for a non-pointer struct, null for a slice without omitempty. Ownership
   * comparisons use it so managedFields match the API server's, which compares typed objects.
   */
  readonly zero?: 'object' | 'null';
}

export interface TypeMeta {
  readonly fields: Readonly<Record<string, FieldMeta>>;
  /** `+structType=atomic`: apply owns and replaces values of this type whole. */
  readonly atomic?: boolean;
}

export interface SchemaTable {
  readonly types: Readonly<Record<string, TypeMeta>>;
  /** `group/Kind` ('' group for core: `/Pod`) -> definition name of the object. */
  readonly roots: Readonly<Record<string, string>>;
}

const meta = (name: string): string => `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`;
const core = (name: string): string => `io.k8s.api.core.v1.${name}`;
const apps = (name: string): string => `io.k8s.api.apps.v1.${name}`;
const batch = (name: string): string => `io.k8s.api.batch.v1.${name}`;

const OBJECT_META = meta('ObjectMeta');
const LABEL_SELECTOR = meta('LabelSelector');
const POD_TEMPLATE_SPEC = core('PodTemplateSpec');

/** A list of objects merged by one key, the usual `patchStrategy:"merge" patchMergeKey:"k"` + `listType=map` pair. */
function mergedBy(key: string, type?: string, extra: Partial<FieldMeta> = {}): FieldMeta {
  return { type, listType: 'map', listMapKeys: [key], patchStrategy: ['merge'], patchMergeKey: key, ...extra };
}

/** `conditions` lists: merged by `type` in both engines. */
const CONDITIONS = mergedBy('type');
/** Field metadata for a non-pointer struct field of the given type. */
const struct = (type?: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ ...(type === undefined ? {} : { type }), zero: 'object', ...extra });
const ATOMIC_MAP: FieldMeta = { mapType: 'atomic' };
const ATOMIC_LIST: FieldMeta = { listType: 'atomic' };

const CONTAINER_FIELDS: Record<string, FieldMeta> = {
  ports: mergedBy('containerPort', core('ContainerPort'), { listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
  env: mergedBy('name', core('EnvVar')),
  volumeMounts: mergedBy('mountPath'),
  volumeDevices: mergedBy('devicePath'),
  resources: struct(core('ResourceRequirements')),
  command: ATOMIC_LIST,
  args: ATOMIC_LIST,
  envFrom: ATOMIC_LIST,
  resizePolicy: ATOMIC_LIST,
};

const STATUS_WITH_CONDITIONS: TypeMeta = { fields: { conditions: CONDITIONS } };


const TYPES: Record<string, TypeMeta> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1
  [OBJECT_META]: {
    fields: {
      ownerReferences: mergedBy('uid', meta('OwnerReference')),
      finalizers: { listType: 'set', patchStrategy: ['merge'] },
      managedFields: ATOMIC_LIST,
    },
  },
  [meta('OwnerReference')]: { fields: {}, atomic: true },
  [LABEL_SELECTOR]: { fields: { matchExpressions: ATOMIC_LIST }, atomic: true },

  // k8s.io/api/core/v1
  [POD_TEMPLATE_SPEC]: { fields: { metadata: struct(OBJECT_META), spec: struct(core('PodSpec')) } },
  [core('PodSpec')]: {
    fields: {
      volumes: mergedBy('name', core('Volume'), { patchStrategy: ['merge', 'retainKeys'] }),
      initContainers: mergedBy('name', core('Container')),
      containers: mergedBy('name', core('Container'), { zero: 'null' }),
      ephemeralContainers: mergedBy('name', core('EphemeralContainer')),
      imagePullSecrets: mergedBy('name', core('LocalObjectReference')),
      hostAliases: mergedBy('ip'),
      topologySpreadConstraints: mergedBy('topologyKey', undefined, { listMapKeys: ['topologyKey', 'whenUnsatisfiable'] }),
      schedulingGates: mergedBy('name'),
      resourceClaims: mergedBy('name', undefined, { patchStrategy: ['merge', 'retainKeys'] }),
      nodeSelector: ATOMIC_MAP,
      affinity: { type: core('Affinity') },
      tolerations: ATOMIC_LIST,
      readinessGates: ATOMIC_LIST,
    },
  },
  [core('Container')]: { fields: CONTAINER_FIELDS },
  [core('EphemeralContainer')]: { fields: CONTAINER_FIELDS },
  [core('ResourceRequirements')]: { fields: { claims: { listType: 'map', listMapKeys: ['name'] } } },
  [core('EnvVar')]: { fields: { valueFrom: { type: core('EnvVarSource') } } },
  [core('EnvVarSource')]: {
    fields: {
      configMapKeyRef: { type: core('ConfigMapKeySelector') },
      secretKeyRef: { type: core('SecretKeySelector') },
      fieldRef: { type: core('ObjectFieldSelector') },
      resourceFieldRef: { type: core('ResourceFieldSelector') },
      fileKeyRef: { type: core('FileKeySelector') },
    },
  },
  [core('ConfigMapKeySelector')]: { fields: {}, atomic: true },
  [core('SecretKeySelector')]: { fields: {}, atomic: true },
  [core('ObjectFieldSelector')]: { fields: {}, atomic: true },
  [core('ResourceFieldSelector')]: { fields: {}, atomic: true },
  [core('FileKeySelector')]: { fields: {}, atomic: true },
  [core('LocalObjectReference')]: { fields: {}, atomic: true },
  [core('ObjectReference')]: { fields: {}, atomic: true },
  [core('Affinity')]: { fields: { nodeAffinity: { type: core('NodeAffinity') } } },
  [core('NodeAffinity')]: { fields: { requiredDuringSchedulingIgnoredDuringExecution: { type: core('NodeSelector') } } },
  [core('NodeSelector')]: { fields: {}, atomic: true },
  [core('Pod')]: { fields: { spec: struct(core('PodSpec')), status: struct(core('PodStatus')) } },
  [core('PodStatus')]: {
    fields: {
      conditions: CONDITIONS,
      podIPs: mergedBy('ip'),
      hostIPs: { listType: 'atomic', patchStrategy: ['merge'], patchMergeKey: 'ip' },
      resourceClaimStatuses: mergedBy('name', undefined, { patchStrategy: ['merge', 'retainKeys'] }),
    },
  },
  [core('PodTemplate')]: { fields: { template: struct(POD_TEMPLATE_SPEC) } },
  [core('ReplicationController')]: { fields: { spec: struct(core('ReplicationControllerSpec')), status: struct(core('ReplicationControllerStatus')) } },
  [core('ReplicationControllerSpec')]: { fields: { selector: ATOMIC_MAP, template: struct(POD_TEMPLATE_SPEC) } },
  [core('ReplicationControllerStatus')]: STATUS_WITH_CONDITIONS,
  [core('Service')]: { fields: { spec: struct(core('ServiceSpec')), status: struct(core('ServiceStatus')) } },
  [core('ServiceSpec')]: {
    fields: {
      ports: mergedBy('port', core('ServicePort'), { listMapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
      selector: ATOMIC_MAP,
      clusterIPs: ATOMIC_LIST,
      externalIPs: ATOMIC_LIST,
      ipFamilies: ATOMIC_LIST,
      loadBalancerSourceRanges: ATOMIC_LIST,
    },
  },
  [core('ServiceStatus')]: STATUS_WITH_CONDITIONS,
  [core('ServiceAccount')]: { fields: { secrets: mergedBy('name', core('ObjectReference')), imagePullSecrets: { listType: 'atomic', type: core('LocalObjectReference') } } },
  [core('Node')]: { fields: { spec: struct(core('NodeSpec')), status: struct(core('NodeStatus')) } },
  [core('NodeSpec')]: { fields: { podCIDRs: { listType: 'set', patchStrategy: ['merge'] }, taints: ATOMIC_LIST } },
  [core('NodeStatus')]: { fields: { conditions: CONDITIONS, addresses: mergedBy('type') } },
  [core('Namespace')]: { fields: { spec: struct(core('NamespaceSpec')), status: struct(core('NamespaceStatus')) } },
  [core('NamespaceSpec')]: { fields: { finalizers: ATOMIC_LIST } },
  [core('NamespaceStatus')]: STATUS_WITH_CONDITIONS,
  [core('PersistentVolumeClaim')]: { fields: { spec: struct(core('PersistentVolumeClaimSpec')), status: struct(core('PersistentVolumeClaimStatus')) } },
  [core('PersistentVolumeClaimSpec')]: { fields: { accessModes: ATOMIC_LIST, selector: { type: LABEL_SELECTOR } } },
  [core('PersistentVolumeClaimStatus')]: { fields: { conditions: CONDITIONS, accessModes: ATOMIC_LIST } },
  [core('PersistentVolume')]: { fields: { spec: struct(core('PersistentVolumeSpec')) } },
  // claimRef is the one ObjectReference apply tracks field by field (+structType=granular).
  [core('PersistentVolumeSpec')]: { fields: { claimRef: { type: core('ObjectReference'), mapType: 'granular' }, accessModes: ATOMIC_LIST, mountOptions: ATOMIC_LIST } },
  [core('ComponentStatus')]: STATUS_WITH_CONDITIONS,

  // k8s.io/api/apps/v1
  [apps('Deployment')]: { fields: { spec: struct(apps('DeploymentSpec')), status: struct(apps('DeploymentStatus')) } },
  [apps('DeploymentSpec')]: {
    fields: {
      selector: { type: LABEL_SELECTOR, zero: 'null' },
      template: struct(POD_TEMPLATE_SPEC),
      strategy: struct(undefined, { patchStrategy: ['retainKeys'] }),
    },
  },
  [apps('DeploymentStatus')]: STATUS_WITH_CONDITIONS,
  [apps('ReplicaSet')]: { fields: { spec: struct(apps('ReplicaSetSpec')), status: struct(apps('ReplicaSetStatus')) } },
  [apps('ReplicaSetSpec')]: { fields: { selector: { type: LABEL_SELECTOR, zero: 'null' }, template: struct(POD_TEMPLATE_SPEC) } },
  [apps('ReplicaSetStatus')]: STATUS_WITH_CONDITIONS,
  [apps('StatefulSet')]: { fields: { spec: struct(apps('StatefulSetSpec')), status: struct(apps('StatefulSetStatus')) } },
  [apps('StatefulSetSpec')]: { fields: { selector: { type: LABEL_SELECTOR, zero: 'null' }, template: struct(POD_TEMPLATE_SPEC), volumeClaimTemplates: ATOMIC_LIST } },
  [apps('StatefulSetStatus')]: STATUS_WITH_CONDITIONS,
  [apps('DaemonSet')]: { fields: { spec: struct(apps('DaemonSetSpec')), status: struct(apps('DaemonSetStatus')) } },
  [apps('DaemonSetSpec')]: { fields: { selector: { type: LABEL_SELECTOR, zero: 'null' }, template: struct(POD_TEMPLATE_SPEC) } },
  [apps('DaemonSetStatus')]: STATUS_WITH_CONDITIONS,

  // k8s.io/api/batch/v1
  [batch('Job')]: { fields: { spec: struct(batch('JobSpec')), status: struct(batch('JobStatus')) } },
  [batch('JobSpec')]: { fields: { selector: { type: LABEL_SELECTOR }, template: struct(POD_TEMPLATE_SPEC) } },
  // Job conditions merge by type in strategic patches but are atomic for apply (+listType=atomic).
  [batch('JobStatus')]: { fields: { conditions: { listType: 'atomic', patchStrategy: ['merge'], patchMergeKey: 'type' } } },
  [batch('CronJob')]: { fields: { spec: struct(batch('CronJobSpec')) } },
  [batch('CronJobSpec')]: { fields: { jobTemplate: struct(batch('JobTemplateSpec')) } },
  [batch('JobTemplateSpec')]: { fields: { metadata: struct(OBJECT_META), spec: struct(batch('JobSpec')) } },

  // autoscaling/v2, policy/v1, networking/v1, rbac/v1, admissionregistration/v1, storage/v1, certificates/v1, flowcontrol/v1
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': { fields: { status: struct('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus') } },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': STATUS_WITH_CONDITIONS,
  'io.k8s.api.policy.v1.PodDisruptionBudget': {
    fields: { spec: { type: 'io.k8s.api.policy.v1.PodDisruptionBudgetSpec' }, status: { type: 'io.k8s.api.policy.v1.PodDisruptionBudgetStatus' } },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { fields: { selector: { type: LABEL_SELECTOR, patchStrategy: ['replace'] } } },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': STATUS_WITH_CONDITIONS,
  'io.k8s.api.networking.v1.NetworkPolicy': { fields: { spec: struct('io.k8s.api.networking.v1.NetworkPolicySpec') } },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { fields: { podSelector: { type: LABEL_SELECTOR } } },
  'io.k8s.api.rbac.v1.RoleBinding': { fields: { roleRef: { type: 'io.k8s.api.rbac.v1.RoleRef' } } },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { fields: { roleRef: { type: 'io.k8s.api.rbac.v1.RoleRef' } } },
  'io.k8s.api.rbac.v1.RoleRef': { fields: {}, atomic: true },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': { fields: { webhooks: mergedBy('name', 'io.k8s.api.admissionregistration.v1.ValidatingWebhook') } },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': { fields: { webhooks: mergedBy('name', 'io.k8s.api.admissionregistration.v1.MutatingWebhook') } },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': { fields: { matchConditions: mergedBy('name') } },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': { fields: { matchConditions: mergedBy('name') } },
  'io.k8s.api.storage.v1.CSINode': { fields: { spec: struct('io.k8s.api.storage.v1.CSINodeSpec') } },
  'io.k8s.api.storage.v1.CSINodeSpec': { fields: { drivers: mergedBy('name') } },
  'io.k8s.api.certificates.v1.CertificateSigningRequest': { fields: { status: struct('io.k8s.api.certificates.v1.CertificateSigningRequestStatus') } },
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus': { fields: { conditions: { listType: 'map', listMapKeys: ['type'] } } },
  'io.k8s.api.flowcontrol.v1.FlowSchema': { fields: { status: struct('io.k8s.api.flowcontrol.v1.FlowSchemaStatus') } },
  'io.k8s.api.flowcontrol.v1.FlowSchemaStatus': STATUS_WITH_CONDITIONS,
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration': { fields: { status: struct('io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus') } },
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus': STATUS_WITH_CONDITIONS,
};

const ROOTS: Record<string, string> = {
  '/Pod': core('Pod'),
  '/PodTemplate': core('PodTemplate'),
  '/ReplicationController': core('ReplicationController'),
  '/Service': core('Service'),
  '/ServiceAccount': core('ServiceAccount'),
  '/Node': core('Node'),
  '/Namespace': core('Namespace'),
  '/PersistentVolumeClaim': core('PersistentVolumeClaim'),
  '/PersistentVolume': core('PersistentVolume'),
  '/ComponentStatus': core('ComponentStatus'),
  'apps/Deployment': apps('Deployment'),
  'apps/ReplicaSet': apps('ReplicaSet'),
  'apps/StatefulSet': apps('StatefulSet'),
  'apps/DaemonSet': apps('DaemonSet'),
  'batch/Job': batch('Job'),
  'batch/CronJob': batch('CronJob'),
  'autoscaling/HorizontalPodAutoscaler': 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget': 'io.k8s.api.policy.v1.PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy': 'io.k8s.api.networking.v1.NetworkPolicy',
  'rbac.authorization.k8s.io/RoleBinding': 'io.k8s.api.rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': 'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': 'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration',
  'storage.k8s.io/CSINode': 'io.k8s.api.storage.v1.CSINode',
  'certificates.k8s.io/CertificateSigningRequest': 'io.k8s.api.certificates.v1.CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema': 'io.k8s.api.flowcontrol.v1.FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': 'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration',
};

/** The built-in table. */
export const BUILTIN_PATCH_METADATA: SchemaTable = { types: TYPES, roots: ROOTS };

/** Every object has ObjectMeta at `metadata`, whatever else its type says (custom resources included). */
const OBJECT_ROOT: TypeMeta = { fields: { metadata: { type: OBJECT_META, zero: 'object' } } };

/**
 * A position in an object's schema: the metadata of the field that holds the
 * value there, and the type of that value. Unknown positions have neither and
 * get the defaults (atomic lists, granular maps).
 */
export class SchemaNode {
  // Lazily filled caches: the walks over objects ask for the same schema
  // positions for every field of every write. Only declared fields are cached,
  // so arbitrary keys (labels, data) cannot grow them.
  private readonly fieldNodes = new Map<string, SchemaNode>();
  private itemNode: SchemaNode | undefined;
  private zeros: readonly (readonly [string, 'object' | 'null'])[] | undefined;

  constructor(
    readonly table: SchemaTable,
    readonly type: TypeMeta | undefined,
    readonly meta: FieldMeta | undefined,
  ) {}

  private resolve(name: string | undefined): TypeMeta | undefined {
    if (name === undefined) return undefined;
    return Object.prototype.hasOwnProperty.call(this.table.types, name) ? this.table.types[name] : undefined;
  }

  /** The schema of a named field of the object at this position. */
  field(name: string): SchemaNode {
    const cached = this.fieldNodes.get(name);
    if (cached !== undefined) return cached;
    const fields = this.type?.fields;
    const meta = fields !== undefined && Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
    if (meta === undefined) return unknownNode(this.table);
    const node = new SchemaNode(this.table, this.resolve(meta.type), meta);
    this.fieldNodes.set(name, node);
    return node;
  }

  /** The schema of each item of the list at this position. */
  item(): SchemaNode {
    this.itemNode ??= new SchemaNode(this.table, this.resolve(this.meta?.type), undefined);
    return this.itemNode;
  }

  /** Server-side apply's list semantics; lists without metadata are atomic. */
  get listType(): ListType {
    return this.meta?.listType ?? 'atomic';
  }

  get listMapKeys(): readonly string[] {
    return this.meta?.listMapKeys ?? [];
  }

  /** True when apply treats the map or struct here as one value. */
  get atomicMap(): boolean {
    if (this.meta?.mapType !== undefined) return this.meta.mapType === 'atomic';
    return this.type?.atomic === true;
  }

  get patchStrategies(): readonly PatchStrategy[] {
    return this.meta?.patchStrategy ?? [];
  }

  get patchMergeKey(): string {
    return this.meta?.patchMergeKey ?? '';
  }

  /** Fields Go's zero value of this type serializes (non-pointer structs, nil slices without omitempty). */
  get zeroFields(): readonly (readonly [string, 'object' | 'null'])[] {
    if (this.zeros !== undefined) return this.zeros;
    const fields = this.type?.fields ?? {};
    this.zeros = Object.keys(fields).flatMap((name) => {
      const zero = fields[name]?.zero;
      return zero === undefined ? [] : [[name, zero] as const];
    });
    return this.zeros;
  }
}

/** The node of a position no schema declares, one per table. */
const unknownNodes = new WeakMap<SchemaTable, SchemaNode>();
function unknownNode(table: SchemaTable): SchemaNode {
  let node = unknownNodes.get(table);
  if (node === undefined) {
    node = new SchemaNode(table, undefined, undefined);
    unknownNodes.set(table, node);
  }
  return node;
}

/** Kind roots, per table and "group/kind" (a table is never changed once built). */
const rootNodes = new WeakMap<SchemaTable, Map<string, SchemaNode>>();

/** The schema of a kind's objects; kinds without an entry still get ObjectMeta's. */
export function schemaFor(group: string, kind: string, table: SchemaTable = BUILTIN_PATCH_METADATA): SchemaNode {
  const key = `${group}/${kind}`;
  let roots = rootNodes.get(table);
  if (roots === undefined) {
    roots = new Map();
    rootNodes.set(table, roots);
  }
  // Kinds the table does not know (custom resources) share one root, so the cache stays the table's size.
  const name = Object.prototype.hasOwnProperty.call(table.roots, key) ? table.roots[key] : undefined;
  const cacheKey = name === undefined ? '' : key;
  let root = roots.get(cacheKey);
  if (root === undefined) {
    root = buildRoot(table, name);
    roots.set(cacheKey, root);
  }
  return root;
}

function buildRoot(table: SchemaTable, name: string | undefined): SchemaNode {
  const declared = name !== undefined && Object.prototype.hasOwnProperty.call(table.types, name) ? table.types[name] : undefined;
  const type: TypeMeta = { fields: { ...OBJECT_ROOT.fields, ...declared?.fields } };
  return new SchemaNode(table, type, undefined);
}

/** What both patch engines know about the field at a path: `['spec', 'template', 'spec', 'containers']`; `*` steps into list items. */
export interface PatchMetadataAt {
  listType: ListType;
  listMapKeys: readonly string[];
  patchStrategy: readonly PatchStrategy[];
  patchMergeKey: string;
  atomic: boolean;
}

/**
 * The patch metadata at a path of a kind's objects, for code that publishes or
 * checks it (OpenAPI x-kubernetes-* extensions, validation).
 */
export function patchMetadataAt(group: string, kind: string, path: readonly string[], table: SchemaTable = BUILTIN_PATCH_METADATA): PatchMetadataAt {
  const node = path.reduce((at, step) => (step === '*' ? at.item() : at.field(step)), schemaFor(group, kind, table));
  return { listType: node.listType, listMapKeys: node.listMapKeys, patchStrategy: node.patchStrategies, patchMergeKey: node.patchMergeKey, atomic: node.atomicMap };
}
