// Printers of the smaller groups: Ingress, IngressClass, NetworkPolicy,
// RoleBinding, ClusterRoleBinding, StorageClass, EndpointSlice,
// PodDisruptionBudget, PriorityClass, Lease.

import { arrayAt, booleanAt, numberAt, objectAt, objectsAt, stringAt, stringMapAt, type JsonObject } from '../../../admission/json.js';
import { CREATION_TIMESTAMP_DESCRIPTION, fieldDescription, group, NAME_DESCRIPTION } from '../descriptions.js';
import { formatLabelSelector, int, intOrStringText } from '../format.js';
import { column } from '../types.js';
import { loadBalancerAddresses } from './core.js';
import { ageOf, nameOf, type Printer } from './printer.js';

const name = (): ReturnType<typeof column> => column('Name', NAME_DESCRIPTION, { format: 'name' });
const age = (): ReturnType<typeof column> => column('Age', CREATION_TIMESTAMP_DESCRIPTION);
const spec = (obj: JsonObject): JsonObject => objectAt(obj, 'spec') ?? {};

/** Up to three items, then `+ N more...`; `<unset>` when empty (listWithMoreString). */
function listWithMore(items: readonly string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

function ingressHosts(rules: unknown): string {
  const list: string[] = [];
  const all = objectsAt({ rules }, 'rules').map(([r]) => r);
  const max = 3;
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    const host = stringAt(rule, 'host') ?? '';
    if (!more && host.length > 0) list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${all.length - max} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    name(),
    column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    age(),
  ],
  print(obj, now) {
    const s = spec(obj);
    const tls = arrayAt(s, 'tls') ?? [];
    return {
      cells: [
        nameOf(obj),
        stringAt(s, 'ingressClassName') ?? '<none>',
        ingressHosts(s.rules),
        loadBalancerAddresses(objectAt(objectAt(obj, 'status'), 'loadBalancer')),
        tls.length > 0 ? '80, 443' : '80',
        ageOf(obj, now),
      ],
    };
  },
};

export const ingressClassPrinter: Printer = {
  columns: [name(), column('Controller', 'Controller that is responsible for handling this class'), column('Parameters', 'A reference to a resource with additional parameters'), age()],
  print(obj, now) {
    const parameters = objectAt(spec(obj), 'parameters');
    let text = '<none>';
    if (parameters !== undefined) {
      const apiGroup = stringAt(parameters, 'apiGroup');
      text = `${stringAt(parameters, 'kind') ?? ''}${apiGroup !== undefined ? `.${apiGroup}` : ''}/${stringAt(parameters, 'name') ?? ''}`;
    }
    return { cells: [nameOf(obj), stringAt(spec(obj), 'controller') ?? '', text, ageOf(obj, now)] };
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [name(), column('Pod-Selector', group('networking.v1', 'NetworkPolicySpec', 'podSelector')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), formatLabelSelector(spec(obj).podSelector ?? {}), ageOf(obj, now)] };
  },
};

/** rbac.SubjectsStrings: users, groups and service accounts (namespace/name) of a binding. */
function subjectsStrings(binding: JsonObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const [subject] of objectsAt(binding, 'subjects')) {
    const subjectName = stringAt(subject, 'name') ?? '';
    switch (stringAt(subject, 'kind')) {
      case 'ServiceAccount':
        serviceAccounts.push(`${stringAt(subject, 'namespace') ?? ''}/${subjectName}`);
        break;
      case 'User':
        users.push(subjectName);
        break;
      case 'Group':
        groups.push(subjectName);
        break;
      default:
        break;
    }
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

function bindingPrinter(which: 'roleBinding' | 'clusterRoleBinding'): Printer {
  const definition = which === 'roleBinding' ? 'RoleBinding' : 'ClusterRoleBinding';
  return {
    columns: [
      name(),
      column('Role', group('rbac.v1', definition, 'roleRef')),
      age(),
      column('Users', `Users in the ${which}`, { priority: 1 }),
      column('Groups', `Groups in the ${which}`, { priority: 1 }),
      column('ServiceAccounts', `ServiceAccounts in the ${which}`, { priority: 1 }),
    ],
    print(obj, now) {
      const roleRef = objectAt(obj, 'roleRef');
      return { cells: [nameOf(obj), `${stringAt(roleRef, 'kind') ?? ''}/${stringAt(roleRef, 'name') ?? ''}`, ageOf(obj, now), ...subjectsStrings(obj)] };
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

function isDefaultStorageClass(obj: JsonObject): boolean {
  const annotations = stringMapAt(objectAt(obj, 'metadata'), 'annotations') ?? {};
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: Printer = {
  columns: [
    name(),
    column('Provisioner', group('storage.v1', 'StorageClass', 'provisioner')),
    column('ReclaimPolicy', group('storage.v1', 'StorageClass', 'reclaimPolicy')),
    column('VolumeBindingMode', group('storage.v1', 'StorageClass', 'volumeBindingMode')),
    column('AllowVolumeExpansion', group('storage.v1', 'StorageClass', 'allowVolumeExpansion')),
    age(),
  ],
  print(obj, now) {
    return {
      cells: [
        isDefaultStorageClass(obj) ? `${nameOf(obj)} (default)` : nameOf(obj),
        stringAt(obj, 'provisioner') ?? '',
        stringAt(obj, 'reclaimPolicy') ?? 'Delete',
        stringAt(obj, 'volumeBindingMode') ?? 'Immediate',
        booleanAt(obj, 'allowVolumeExpansion') ?? false,
        ageOf(obj, now),
      ],
    };
  },
};

export const endpointSlicePrinter: Printer = {
  columns: [
    name(),
    column('AddressType', group('discovery.v1', 'EndpointSlice', 'addressType')),
    column('Ports', group('discovery.v1', 'EndpointSlice', 'ports')),
    column('Endpoints', group('discovery.v1', 'EndpointSlice', 'endpoints')),
    age(),
  ],
  print(obj, now) {
    const ports = objectsAt(obj, 'ports').map(([p]) => {
      const port = numberAt(p, 'port');
      if (port !== undefined) return String(port);
      const portName = stringAt(p, 'name');
      return portName !== undefined ? portName : '*';
    });
    const addresses = objectsAt(obj, 'endpoints').flatMap(([e]) => (arrayAt(e, 'addresses') ?? []).map(String));
    return { cells: [nameOf(obj), stringAt(obj, 'addressType') ?? '', listWithMore(ports), listWithMore(addresses), ageOf(obj, now)] };
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    name(),
    column('Min Available', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    age(),
  ],
  print(obj, now) {
    const s = spec(obj);
    const show = (v: unknown): string => (v === undefined || v === null ? 'N/A' : intOrStringText(v));
    return { cells: [nameOf(obj), show(s.minAvailable), show(s.maxUnavailable), int(objectAt(obj, 'status')?.disruptionsAllowed), ageOf(obj, now)] };
  },
};

export const priorityClassPrinter: Printer = {
  columns: [
    name(),
    column('Value', group('scheduling.v1', 'PriorityClass', 'value'), { type: 'integer' }),
    column('Global-Default', group('scheduling.v1', 'PriorityClass', 'globalDefault'), { type: 'boolean' }),
    age(),
    // Upstream leaves this column at priority 0, so kubectl shows it without -o wide.
    column('PreemptionPolicy', group('scheduling.v1', 'PriorityClass', 'preemptionPolicy')),
  ],
  print(obj, now) {
    return { cells: [nameOf(obj), int(obj.value), booleanAt(obj, 'globalDefault') ?? false, ageOf(obj, now), stringAt(obj, 'preemptionPolicy') ?? ''] };
  },
};

export const leasePrinter: Printer = {
  columns: [name(), column('Holder', fieldDescription('io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), stringAt(spec(obj), 'holderIdentity') ?? '', ageOf(obj, now)] };
  },
};
