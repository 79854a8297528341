// The built-in resources kubeql serves, with the names, scope, verbs, short
// names, categories and subresources a Kubernetes v1.33 API server publishes
// for them (checked against `kubectl api-resources -o wide`, the /api/v1 and
// /apis/<group>/<version> discovery documents and k8s.io/api v0.33.0).
import type { GroupVersionKind, ResourceDefinition, ResourceVerb, SubresourceDefinitionInput } from './types.js';

/** What a REST storage with create, get, list, watch, update, patch, delete and deletecollection lists. */
const STANDARD: readonly ResourceVerb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Namespaces cannot be deleted as a collection. */
const NO_DELETECOLLECTION: readonly ResourceVerb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
/** Review and binding resources only accept POST. */
const CREATE_ONLY: readonly ResourceVerb[] = ['create'];
const GET_PATCH_UPDATE: readonly ResourceVerb[] = ['get', 'patch', 'update'];
/** Connect subresources (exec, attach, portforward) accept GET and POST. */
const CONNECT: readonly ResourceVerb[] = ['create', 'get'];
/** Proxy subresources accept every method. */
const PROXY: readonly ResourceVerb[] = ['create', 'delete', 'get', 'patch', 'update'];

const SCALE: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

const status: SubresourceDefinitionInput = { name: 'status', verbs: GET_PATCH_UPDATE, role: 'object' };
const scale: SubresourceDefinitionInput = { name: 'scale', verbs: GET_PATCH_UPDATE, role: 'scale', kind: SCALE };

/** Categories: `all` is what `kubectl get all` expands to. */
const ALL = ['all'] as const;

export const BUILTIN_RESOURCES: readonly ResourceDefinition[] = [
  // core/v1
  { group: '', versions: ['v1'], resource: 'bindings', singularName: 'binding', kind: 'Binding', namespaced: true, verbs: CREATE_ONLY },
  // Computed on every read (src/api/rest/component-statuses.ts), never stored.
  { group: '', versions: ['v1'], resource: 'componentstatuses', singularName: 'componentstatus', kind: 'ComponentStatus', namespaced: false, verbs: ['get', 'list'], shortNames: ['cs'] },
  { group: '', versions: ['v1'], resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: STANDARD, shortNames: ['cm'] },
  { group: '', versions: ['v1'], resource: 'endpoints', singularName: 'endpoints', kind: 'Endpoints', namespaced: true, verbs: STANDARD, shortNames: ['ep'] },
  { group: '', versions: ['v1'], resource: 'events', singularName: 'event', kind: 'Event', namespaced: true, verbs: STANDARD, shortNames: ['ev'] },
  { group: '', versions: ['v1'], resource: 'limitranges', singularName: 'limitrange', kind: 'LimitRange', namespaced: true, verbs: STANDARD, shortNames: ['limits'] },
  {
    group: '',
    versions: ['v1'],
    resource: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: NO_DELETECOLLECTION,
    shortNames: ['ns'],
    subresources: [{ name: 'finalize', verbs: ['update'], role: 'object' }, status],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'nodes',
    singularName: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: STANDARD,
    shortNames: ['no'],
    subresources: [{ name: 'proxy', verbs: PROXY, role: 'proxy', kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' }, connect: true }, status],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'persistentvolumeclaims',
    singularName: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['pvc'],
    subresources: [status],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'persistentvolumes',
    singularName: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    verbs: STANDARD,
    shortNames: ['pv'],
    subresources: [status],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['po'],
    categories: ALL,
    subresources: [
      { name: 'attach', verbs: CONNECT, role: 'node-stream', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, connect: true },
      { name: 'binding', verbs: CREATE_ONLY, role: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' } },
      { name: 'ephemeralcontainers', verbs: GET_PATCH_UPDATE, role: 'object' },
      { name: 'eviction', verbs: CREATE_ONLY, role: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' } },
      { name: 'exec', verbs: CONNECT, role: 'node-stream', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, connect: true },
      { name: 'log', verbs: ['get'], role: 'node-stream' },
      { name: 'portforward', verbs: CONNECT, role: 'node-stream', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, connect: true },
      { name: 'proxy', verbs: PROXY, role: 'proxy', kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, connect: true },
      { name: 'resize', verbs: GET_PATCH_UPDATE, role: 'object' },
      status,
    ],
  },
  { group: '', versions: ['v1'], resource: 'podtemplates', singularName: 'podtemplate', kind: 'PodTemplate', namespaced: true, verbs: STANDARD },
  {
    group: '',
    versions: ['v1'],
    resource: 'replicationcontrollers',
    singularName: 'replicationcontroller',
    kind: 'ReplicationController',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['rc'],
    categories: ALL,
    subresources: [scale, status],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'resourcequotas',
    singularName: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['quota'],
    subresources: [status],
  },
  { group: '', versions: ['v1'], resource: 'secrets', singularName: 'secret', kind: 'Secret', namespaced: true, verbs: STANDARD },
  {
    group: '',
    versions: ['v1'],
    resource: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['sa'],
    subresources: [{ name: 'token', verbs: CREATE_ONLY, role: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['svc'],
    categories: ALL,
    subresources: [{ name: 'proxy', verbs: PROXY, role: 'proxy', kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' }, connect: true }, status],
  },

  // apps/v1
  { group: 'apps', versions: ['v1'], resource: 'controllerrevisions', singularName: 'controllerrevision', kind: 'ControllerRevision', namespaced: true, verbs: STANDARD },
  { group: 'apps', versions: ['v1'], resource: 'daemonsets', singularName: 'daemonset', kind: 'DaemonSet', namespaced: true, verbs: STANDARD, shortNames: ['ds'], categories: ALL, subresources: [status] },
  { group: 'apps', versions: ['v1'], resource: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true, verbs: STANDARD, shortNames: ['deploy'], categories: ALL, subresources: [scale, status] },
  { group: 'apps', versions: ['v1'], resource: 'replicasets', singularName: 'replicaset', kind: 'ReplicaSet', namespaced: true, verbs: STANDARD, shortNames: ['rs'], categories: ALL, subresources: [scale, status] },
  { group: 'apps', versions: ['v1'], resource: 'statefulsets', singularName: 'statefulset', kind: 'StatefulSet', namespaced: true, verbs: STANDARD, shortNames: ['sts'], categories: ALL, subresources: [scale, status] },

  // events.k8s.io/v1: the same objects as core v1 Events, another schema.
  {
    group: 'events.k8s.io',
    versions: ['v1'],
    resource: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['ev'],
    storage: { group: '', version: 'v1', kind: 'Event' },
  },

  // authentication.k8s.io/v1
  { group: 'authentication.k8s.io', versions: ['v1'], resource: 'selfsubjectreviews', singularName: 'selfsubjectreview', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY },
  { group: 'authentication.k8s.io', versions: ['v1'], resource: 'tokenreviews', singularName: 'tokenreview', kind: 'TokenReview', namespaced: false, verbs: CREATE_ONLY },

  // authorization.k8s.io/v1
  { group: 'authorization.k8s.io', versions: ['v1'], resource: 'localsubjectaccessreviews', singularName: 'localsubjectaccessreview', kind: 'LocalSubjectAccessReview', namespaced: true, verbs: CREATE_ONLY },
  { group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY },
  { group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: CREATE_ONLY },
  { group: 'authorization.k8s.io', versions: ['v1'], resource: 'subjectaccessreviews', singularName: 'subjectaccessreview', kind: 'SubjectAccessReview', namespaced: false, verbs: CREATE_ONLY },

  // autoscaling: v2 is preferred; v1 serves the same objects.
  {
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    resource: 'horizontalpodautoscalers',
    singularName: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['hpa'],
    categories: ALL,
    subresources: [status],
  },

  // batch/v1
  { group: 'batch', versions: ['v1'], resource: 'cronjobs', singularName: 'cronjob', kind: 'CronJob', namespaced: true, verbs: STANDARD, shortNames: ['cj'], categories: ALL, subresources: [status] },
  { group: 'batch', versions: ['v1'], resource: 'jobs', singularName: 'job', kind: 'Job', namespaced: true, verbs: STANDARD, categories: ALL, subresources: [status] },

  // networking.k8s.io/v1
  { group: 'networking.k8s.io', versions: ['v1'], resource: 'ingressclasses', singularName: 'ingressclass', kind: 'IngressClass', namespaced: false, verbs: STANDARD },
  { group: 'networking.k8s.io', versions: ['v1'], resource: 'ingresses', singularName: 'ingress', kind: 'Ingress', namespaced: true, verbs: STANDARD, shortNames: ['ing'], subresources: [status] },
  { group: 'networking.k8s.io', versions: ['v1'], resource: 'networkpolicies', singularName: 'networkpolicy', kind: 'NetworkPolicy', namespaced: true, verbs: STANDARD, shortNames: ['netpol'] },

  // policy/v1
  {
    group: 'policy',
    versions: ['v1'],
    resource: 'poddisruptionbudgets',
    singularName: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    verbs: STANDARD,
    shortNames: ['pdb'],
    subresources: [status],
  },

  // rbac.authorization.k8s.io/v1: stored now, enforced by the tenancy work.
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'clusterrolebindings', singularName: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false, verbs: STANDARD },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'clusterroles', singularName: 'clusterrole', kind: 'ClusterRole', namespaced: false, verbs: STANDARD },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'rolebindings', singularName: 'rolebinding', kind: 'RoleBinding', namespaced: true, verbs: STANDARD },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'roles', singularName: 'role', kind: 'Role', namespaced: true, verbs: STANDARD },

  // storage.k8s.io/v1
  { group: 'storage.k8s.io', versions: ['v1'], resource: 'storageclasses', singularName: 'storageclass', kind: 'StorageClass', namespaced: false, verbs: STANDARD, shortNames: ['sc'] },

  // scheduling.k8s.io/v1
  { group: 'scheduling.k8s.io', versions: ['v1'], resource: 'priorityclasses', singularName: 'priorityclass', kind: 'PriorityClass', namespaced: false, verbs: STANDARD, shortNames: ['pc'] },

  // coordination.k8s.io/v1
  { group: 'coordination.k8s.io', versions: ['v1'], resource: 'leases', singularName: 'lease', kind: 'Lease', namespaced: true, verbs: STANDARD },

  // discovery.k8s.io/v1
  { group: 'discovery.k8s.io', versions: ['v1'], resource: 'endpointslices', singularName: 'endpointslice', kind: 'EndpointSlice', namespaced: true, verbs: STANDARD },
];

/**
 * The order groups appear in under /apis, as kube-aggregator's priorities put
 * them (clients take the first group that has a resource, so order matters
 * when two groups share a resource name, like `events`).
 */
export const GROUP_ORDER: readonly string[] = [
  '',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];
