// core/v1 printers besides Pods and controllers: Service, Endpoints, Node,
// Namespace, ConfigMap, Secret, ServiceAccount, Event (also events.k8s.io),
// PersistentVolume, PersistentVolumeClaim, ResourceQuota.

import { arrayAt, isObject, numberAt, objectAt, objectsAt, stringAt, stringMapAt, type JsonObject } from '../../../admission/json.js';
import { core, CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from '../descriptions.js';
import { accessModesString, formatLabels, int, quantityString } from '../format.js';
import { timestampSince } from '../human-duration.js';
import { column } from '../types.js';
import { ageOf, nameOf, type Printer } from './printer.js';

const name = (): ReturnType<typeof column> => column('Name', NAME_DESCRIPTION, { format: 'name' });
const age = (): ReturnType<typeof column> => column('Age', CREATION_TIMESTAMP_DESCRIPTION);
const spec = (obj: JsonObject): JsonObject => objectAt(obj, 'spec') ?? {};
const status = (obj: JsonObject): JsonObject => objectAt(obj, 'status') ?? {};
const annotations = (obj: JsonObject): Record<string, string> => stringMapAt(objectAt(obj, 'metadata'), 'annotations') ?? {};

/** Load-balancer ingress points, IP or hostname, sorted and unique (server output is never truncated). */
export function loadBalancerAddresses(loadBalancer: unknown): string {
  const set = new Set<string>();
  for (const [ingress] of objectsAt(loadBalancer, 'ingress')) {
    const ip = stringAt(ingress, 'ip') ?? '';
    const hostname = stringAt(ingress, 'hostname') ?? '';
    if (ip !== '') set.add(ip);
    else if (hostname !== '') set.add(hostname);
  }
  return [...set].sort().join(',');
}

function serviceExternalIP(service: JsonObject): string {
  const s = spec(service);
  const externalIPs = (arrayAt(s, 'externalIPs') ?? []).map(String);
  switch (stringAt(s, 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(objectAt(status(service), 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb.length > 0 ? lb.split(',') : []), ...externalIPs].join(',');
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return stringAt(s, 'externalName') ?? '';
    default:
      return '<unknown>';
  }
}

/** PORT(S): `80/TCP`, `80:30080/TCP`, comma-separated. */
export function servicePorts(service: JsonObject): string {
  const pieces = objectsAt(spec(service), 'ports').map(([p]) => {
    const port = int(p.port);
    const protocol = stringAt(p, 'protocol') ?? '';
    const nodePort = numberAt(p, 'nodePort') ?? 0;
    return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

export const servicePrinter: Printer = {
  columns: [
    name(),
    column('Type', core('ServiceSpec', 'type')),
    column('Cluster-IP', core('ServiceSpec', 'clusterIP')),
    column('External-IP', core('ServiceSpec', 'externalIPs')),
    column('Port(s)', core('ServiceSpec', 'ports')),
    age(),
    column('Selector', core('ServiceSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = spec(obj);
    const clusterIP = String((arrayAt(s, 'clusterIPs') ?? [])[0] ?? '<none>');
    return { cells: [nameOf(obj), stringAt(s, 'type') ?? '', clusterIP, serviceExternalIP(obj), servicePorts(obj), ageOf(obj, now), formatLabels(s.selector)] };
  },
};

/** formatEndpoints: up to three ip:port pairs, then `+ N more...`. */
export function formatEndpoints(endpoints: JsonObject): string {
  const subsets = objectsAt(endpoints, 'subsets').map(([s]) => s);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const join = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const subset of subsets) {
    const addresses = objectsAt(subset, 'addresses').map(([a]) => stringAt(a, 'ip') ?? '');
    const ports = objectsAt(subset, 'ports').map(([p]) => int(p.port));
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(join(ip, port));
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

export const endpointsPrinter: Printer = {
  columns: [name(), column('Endpoints', core('Endpoints', 'subsets')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), formatEndpoints(obj), ageOf(obj, now)] };
  },
};

function nodeRoles(node: JsonObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(stringMapAt(objectAt(node, 'metadata'), 'labels') ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role.length > 0) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value !== '') {
      roles.add(value);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

/** STATUS of a node: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: JsonObject): string {
  const parts: string[] = [];
  // The last condition of a type wins, as the printer's map does.
  const ready = objectsAt(status(node), 'conditions')
    .map(([c]) => c)
    .filter((c) => stringAt(c, 'type') === 'Ready')
    .pop();
  if (ready !== undefined) parts.push(stringAt(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (spec(node).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeAddress(node: JsonObject, type: string): string {
  const found = objectsAt(status(node), 'addresses').find(([a]) => stringAt(a, 'type') === type);
  return found === undefined ? '<none>' : (stringAt(found[0], 'address') ?? '');
}

export const nodePrinter: Printer = {
  columns: [
    name(),
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    age(),
    column('Version', core('NodeSystemInfo', 'kubeletVersion')),
    column('Internal-IP', core('NodeStatus', 'addresses'), { priority: 1 }),
    column('External-IP', core('NodeStatus', 'addresses'), { priority: 1 }),
    column('OS-Image', core('NodeSystemInfo', 'osImage'), { priority: 1 }),
    column('Kernel-Version', core('NodeSystemInfo', 'kernelVersion'), { priority: 1 }),
    column('Container-Runtime', core('NodeSystemInfo', 'containerRuntimeVersion'), { priority: 1 }),
  ],
  print(obj, now) {
    const info = objectAt(status(obj), 'nodeInfo');
    const orUnknown = (key: string): string => stringAt(info, key) || '<unknown>';
    return {
      cells: [
        nameOf(obj),
        nodeStatus(obj),
        nodeRoles(obj),
        ageOf(obj, now),
        stringAt(info, 'kubeletVersion') ?? '',
        nodeAddress(obj, 'InternalIP'),
        nodeAddress(obj, 'ExternalIP'),
        orUnknown('osImage'),
        orUnknown('kernelVersion'),
        orUnknown('containerRuntimeVersion'),
      ],
    };
  },
};

export const namespacePrinter: Printer = {
  columns: [name(), column('Status', 'The status of the namespace'), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), stringAt(status(obj), 'phase') ?? '', ageOf(obj, now)] };
  },
};

const countKeys = (value: unknown): number => (isObject(value) ? Object.keys(value).length : 0);

export const configMapPrinter: Printer = {
  columns: [name(), column('Data', core('ConfigMap', 'data')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), countKeys(obj.data) + countKeys(obj.binaryData), ageOf(obj, now)] };
  },
};

export const secretPrinter: Printer = {
  columns: [name(), column('Type', core('Secret', 'type')), column('Data', core('Secret', 'data')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), stringAt(obj, 'type') ?? '', countKeys(obj.data), ageOf(obj, now)] };
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [name(), column('Secrets', core('ServiceAccount', 'secrets')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), (arrayAt(obj, 'secrets') ?? []).length, ageOf(obj, now)] };
  },
};

/** A core/v1 view of an Event, whichever API it was written through (events.k8s.io names fields differently). */
function coreEventFields(event: JsonObject): JsonObject {
  if (!isObject(event.regarding) && event.note === undefined && event.deprecatedLastTimestamp === undefined) return event;
  return {
    ...event,
    involvedObject: event.regarding,
    message: event.note,
    source: event.deprecatedSource,
    firstTimestamp: event.deprecatedFirstTimestamp,
    lastTimestamp: event.deprecatedLastTimestamp,
    count: event.deprecatedCount,
    related: event.related,
  };
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', core('Event', 'lastTimestamp')),
    column('Type', core('Event', 'type')),
    column('Reason', core('Event', 'reason')),
    column('Object', core('Event', 'involvedObject')),
    column('Subobject', core('ObjectReference', 'fieldPath'), { priority: 1 }),
    column('Source', core('Event', 'source'), { priority: 1 }),
    column('Message', core('Event', 'message')),
    column('First Seen', core('Event', 'firstTimestamp'), { priority: 1 }),
    column('Count', core('Event', 'count'), { priority: 1 }),
    column('Name', NAME_DESCRIPTION, { format: 'name', priority: 1 }),
  ],
  print(raw, now) {
    const event = coreEventFields(raw);
    const first = stringAt(event, 'firstTimestamp') ? timestampSince(event.firstTimestamp, now) : timestampSince(event.eventTime, now);
    let last = stringAt(event, 'lastTimestamp') ? timestampSince(event.lastTimestamp, now) : first;
    let count = numberAt(event, 'count') ?? 0;
    const series = objectAt(event, 'series');
    if (series !== undefined) {
      last = timestampSince(series.lastObservedTime, now);
      count = numberAt(series, 'count') ?? 0;
    } else if (count === 0) {
      // Singleton events written through events.k8s.io carry no count.
      count = 1;
    }
    const involved = objectAt(event, 'involvedObject');
    const kind = (stringAt(involved, 'kind') ?? '').toLowerCase();
    const involvedName = stringAt(involved, 'name') ?? '';
    const target = involvedName.length > 0 ? `${kind}/${involvedName}` : kind;
    const source = objectAt(event, 'source');
    const component = stringAt(source, 'component') || stringAt(event, 'reportingController') || '';
    const host = stringAt(source, 'host') || stringAt(event, 'reportingInstance') || '';
    return {
      cells: [
        last,
        stringAt(event, 'type') ?? '',
        stringAt(event, 'reason') ?? '',
        target,
        stringAt(involved, 'fieldPath') ?? '',
        host.length === 0 ? component : `${component}, ${host}`,
        (stringAt(event, 'message') ?? '').trim(),
        first,
        count,
        nameOf(event),
      ],
    };
  },
};

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumePrinter: Printer = {
  columns: [
    name(),
    column('Capacity', core('PersistentVolumeSpec', 'capacity')),
    column('Access Modes', core('PersistentVolumeSpec', 'accessModes')),
    column('Reclaim Policy', core('PersistentVolumeSpec', 'persistentVolumeReclaimPolicy')),
    column('Status', core('PersistentVolumeStatus', 'phase')),
    column('Claim', core('PersistentVolumeSpec', 'claimRef')),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    column('Reason', core('PersistentVolumeStatus', 'reason')),
    age(),
    column('VolumeMode', core('PersistentVolumeSpec', 'volumeMode'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = spec(obj);
    const claimRef = objectAt(s, 'claimRef');
    const claim = claimRef === undefined ? '' : `${stringAt(claimRef, 'namespace') ?? ''}/${stringAt(claimRef, 'name') ?? ''}`;
    const deleting = (stringAt(objectAt(obj, 'metadata'), 'deletionTimestamp') ?? '') !== '';
    const storageClass = annotations(obj)[BETA_STORAGE_CLASS_ANNOTATION] ?? stringAt(s, 'storageClassName') ?? '';
    return {
      cells: [
        nameOf(obj),
        quantityString(objectAt(s, 'capacity')?.storage),
        accessModesString(s.accessModes),
        stringAt(s, 'persistentVolumeReclaimPolicy') ?? '',
        deleting ? 'Terminating' : (stringAt(status(obj), 'phase') ?? ''),
        claim,
        storageClass,
        stringAt(s, 'volumeAttributesClassName') ?? '<unset>',
        stringAt(status(obj), 'reason') ?? '',
        ageOf(obj, now),
        stringAt(s, 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    name(),
    column('Status', core('PersistentVolumeClaimStatus', 'phase')),
    column('Volume', core('PersistentVolumeClaimSpec', 'volumeName')),
    column('Capacity', core('PersistentVolumeClaimStatus', 'capacity')),
    column('Access Modes', core('PersistentVolumeClaimStatus', 'accessModes')),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    age(),
    column('VolumeMode', core('PersistentVolumeClaimSpec', 'volumeMode'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = spec(obj);
    const volumeName = stringAt(s, 'volumeName') ?? '';
    const deleting = (stringAt(objectAt(obj, 'metadata'), 'deletionTimestamp') ?? '') !== '';
    // Capacity and access modes are only shown once the claim is bound to a volume.
    const capacity = volumeName !== '' ? quantityString(objectAt(status(obj), 'capacity')?.storage) : '';
    const modes = volumeName !== '' ? accessModesString(status(obj).accessModes) : '';
    const storageClass = annotations(obj)[BETA_STORAGE_CLASS_ANNOTATION] ?? stringAt(s, 'storageClassName') ?? '';
    return {
      cells: [
        nameOf(obj),
        deleting ? 'Terminating' : (stringAt(status(obj), 'phase') ?? ''),
        volumeName,
        capacity,
        modes,
        storageClass,
        stringAt(s, 'volumeAttributesClassName') ?? '<unset>',
        ageOf(obj, now),
        stringAt(s, 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

export const resourceQuotaPrinter: Printer = {
  columns: [
    name(),
    column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    age(),
  ],
  print(obj, now) {
    const hard = objectAt(status(obj), 'hard') ?? {};
    const used = objectAt(status(obj), 'used') ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const text = `${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`;
      const pieces = resource.split('.');
      if (pieces.length > 1 && pieces[0] === 'limits') limits.push(text);
      else requests.push(text);
    }
    return { cells: [nameOf(obj), requests.join(', '), limits.join(', '), ageOf(obj, now)] };
  },
};
