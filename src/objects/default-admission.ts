import { forbidden } from '../api/errors.js';
import type { JsonObject } from '../api/patch/json-value.js';
import { setDefaults } from '../admission/defaults/index.js';
import { assignClusterIPs, assignNodePorts, clusterIPsOf, nodePortsOf, parsePortRange, parseServiceCIDR, patchAllocatedValues, DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR } from '../admission/allocators.js';
import { addDefaultTolerations } from '../admission/pods/default-tolerations.js';
import { admitPodPriority, SYSTEM_PRIORITY_CLASSES, type PriorityClassInfo } from '../admission/pods/priority.js';
import { admitPodServiceAccount, podServiceAccountName } from '../admission/pods/service-account.js';
import { resourceQuotaAdmission } from '../admission/quota.js';
import { invalidError, throwIfInvalid, validateCreate, validateUpdate } from '../admission/validation/index.js';
import type { Store } from '../store/store.js';
import { prepareNewPodStatus } from '../admission/pods/qos.js';
import { defaultServiceIPFamilies } from '../admission/defaults/service-ip-families.js';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.js';
import { informerFor } from './informer.js';
import { nodeAuthorizer } from '../api/authz/node-authorizer.js';
import type { KubeObject } from '../store/types.js';

export interface DefaultAdmissionOptions {
  store: Store;
  /** Service ClusterIP range. @defaultValue 10.96.0.0/12 */
  serviceCidr?: string;
  /** Service NodePort range. @defaultValue 30000-32767 */
  nodePortRange?: string;
}

const isMainWrite = (a: AdmissionAttributes): boolean => a.subresource === '' && a.object !== undefined && (a.operation === 'CREATE' || a.operation === 'UPDATE');
const is = (a: AdmissionAttributes, group: string, resource: string): boolean => a.resource.group === group && a.resource.resource === resource;
const kindRef = (a: AdmissionAttributes): { group: string; kind: string } => ({ group: a.resource.group, kind: a.resource.kind });
const asJson = (value: unknown): JsonObject => value as JsonObject;

/** SetDefaults, as the API server applies on decoding every write. */
const defaulting: AdmissionPlugin = {
  name: 'Defaults',
  mutate(a) {
    if (!isMainWrite(a)) return;
    setDefaults(kindRef(a), asJson(a.object));
  },
};

/** ServiceAccount, Priority and DefaultTolerationSeconds for new pods. */
function podAdmission(store: Store): AdmissionPlugin {
  const serviceAccounts = informerFor(store, '', 'serviceaccounts');
  const priorityClasses = informerFor(store, 'scheduling.k8s.io', 'priorityclasses');
  // The cached classes answer unless the pod names one the cache lacks (created a
  // moment ago on another replica, or not at all): then the store does.
  const classesFor = async (cluster: string, wanted: string | undefined): Promise<KubeObject[]> => {
    const cached = await priorityClasses.list(cluster);
    const known = (list: KubeObject[]): boolean => wanted === undefined || SYSTEM_PRIORITY_CLASSES.some((c) => c.name === wanted) || list.some((c) => c.metadata.name === wanted);
    if (cached !== undefined && known(cached)) return cached;
    return (await store.list({ cluster, group: 'scheduling.k8s.io', resource: 'priorityclasses', namespace: '' })).items;
  };
  return {
    name: 'PodAdmission',
    async mutate(a) {
      if (a.operation !== 'CREATE' || a.subresource !== '' || !is(a, '', 'pods') || a.object === undefined) return;
      const pod = asJson(a.object);
      const saName = podServiceAccountName(pod);
      // A miss may be an account created a moment ago on another replica: read it.
      const sa = (await serviceAccounts.get(a.cluster, a.namespace, saName)) ?? (await store.get({ cluster: a.cluster, group: '', resource: 'serviceaccounts', namespace: a.namespace, name: saName }));
      // Upstream refuses pods whose service account does not exist yet; kubeql
      // defaults the name and mounts nothing until the account exists, so a
      // pod created before the service-account controller ran is not lost.
      if (sa !== null) {
        const refusal = admitPodServiceAccount(pod, { serviceAccount: asJson(sa) });
        if (refusal !== undefined) throw forbidden(`pods "${a.name}" is forbidden: ${refusal}`);
      } else {
        const spec = (pod.spec ?? {}) as JsonObject;
        spec.serviceAccountName = saName;
        spec.serviceAccount = saName;
      }
      const wanted = (pod.spec as JsonObject | undefined)?.priorityClassName;
      const classes = { items: await classesFor(a.cluster, typeof wanted === 'string' && wanted !== '' ? wanted : undefined) };
      const known: PriorityClassInfo[] = [
        ...SYSTEM_PRIORITY_CLASSES,
        ...classes.items.map((c) => ({ name: c.metadata.name ?? '', value: Number(c.value ?? 0), ...(typeof c.preemptionPolicy === 'string' ? { preemptionPolicy: c.preemptionPolicy } : {}) })),
      ];
      const globalDefault = classes.items.find((c) => c.globalDefault === true);
      const refusal = admitPodPriority(pod, {
        lookup: (name) => known.find((c) => c.name === name),
        ...(globalDefault ? { globalDefault: known.find((c) => c.name === globalDefault.metadata.name) as PriorityClassInfo } : {}),
      });
      if (refusal !== undefined) throw forbidden(`pods "${a.name}" is forbidden: ${refusal}`);
      addDefaultTolerations(pod);
      // PrepareForCreate: a new pod is Pending with its QoS class until a node runs it.
      prepareNewPodStatus(pod);
    },
  };
}

/**
 * ClusterIP and NodePort allocation. Picks are serialized per cluster in this
 * process (so its own creates do not collide); PostgreSQL's
 * service_allocations table refuses a value another replica committed first,
 * and ObjectService.create then runs admission again.
 */
function serviceAllocation(store: Store, options: DefaultAdmissionOptions): AdmissionPlugin {
  const cidr = parseServiceCIDR(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const ports = parsePortRange(options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE);
  const locks = new Map<string, Promise<void>>();
  return {
    name: 'ServiceAllocation',
    async mutate(a) {
      if (!is(a, '', 'services') || !isMainWrite(a)) return;
      const service = asJson(a.object);
      const familyErrors = defaultServiceIPFamilies(service, a.oldObject === undefined ? undefined : asJson(a.oldObject));
      if (familyErrors.length > 0) throw invalidError(kindRef(a), a.name, familyErrors);
      if (a.operation === 'UPDATE') {
        if (a.oldObject !== undefined) patchAllocatedValues(service, asJson(a.oldObject));
        return;
      }
      const previous = locks.get(a.cluster) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      locks.set(a.cluster, previous.then(() => mine));
      await previous;
      try {
        const services = await store.list({ cluster: a.cluster, group: '', resource: 'services', namespace: '' });
        const usedIPs = new Set(services.items.flatMap((s) => clusterIPsOf(s)));
        const usedPorts = new Set(services.items.flatMap((s) => nodePortsOf(s)));
        for (const result of [assignClusterIPs(service, cidr, usedIPs), assignNodePorts(service, ports, usedPorts)]) {
          if ('errors' in result) throw invalidError(kindRef(a), a.name, result.errors);
          if ('internal' in result) throw new Error(result.internal);
        }
      } finally {
        release();
      }
    },
  };
}

/** Field validation with Kubernetes' messages, after every mutation. */
const validation: AdmissionPlugin = {
  name: 'Validation',
  validate(a) {
    if (!isMainWrite(a)) return;
    const ref = kindRef(a);
    const errors = a.operation === 'CREATE' ? validateCreate(ref, asJson(a.object), { namespaced: a.resource.namespaced }) : validateUpdate(ref, asJson(a.object), asJson(a.oldObject));
    throwIfInvalid(ref, a.name || String(asJson(a.object).metadata && (asJson(a.object).metadata as JsonObject).generateName || ''), errors);
  },
};

/**
 * ResourceQuota admission, skipped for namespaces the quota cache knows have
 * no quota (most writes). This process's own quota writes are in the cache
 * before their requests are answered; another replica's arrive by watch, so
 * for a few milliseconds after a quota is created elsewhere a write may pass
 * unchecked, as with the API server's informer-fed quota admission.
 */
function quotaAdmission(store: Store): AdmissionPlugin {
  const quotas = informerFor(store, '', 'resourcequotas');
  const inner = resourceQuotaAdmission({ store });
  // When the cache cannot answer, the quota plugin reads the store itself.
  const hasQuotas = async (a: AdmissionAttributes): Promise<boolean> => {
    if (a.namespace === '') return true;
    const cached = await quotas.list(a.cluster, a.namespace);
    return cached === undefined || cached.length > 0;
  };
  return {
    name: inner.name,
    ...(inner.mutate ? { mutate: async (a: AdmissionAttributes) => (await hasQuotas(a) ? inner.mutate?.(a) : undefined) } : {}),
    ...(inner.validate ? { validate: async (a: AdmissionAttributes) => (await hasQuotas(a) ? inner.validate?.(a) : undefined) } : {}),
  };
}

/** The admission chain every write passes, in order (mutating steps run before validating ones). */
export function defaultAdmission(options: DefaultAdmissionOptions): AdmissionPlugin[] {
  return [defaulting, nodeAuthorizer(options.store), podAdmission(options.store), serviceAllocation(options.store, options), validation, quotaAdmission(options.store)];
}
