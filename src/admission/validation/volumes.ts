// Pod volumes (ValidateVolumes): unique DNS-label names and exactly one
// source each, with the common sources' required fields checked.

import { isObject, isSet, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from '../json.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { validateDNS1123LabelField, validateLocalDescendingPath } from './containers.js';
import { isDNS1123Subdomain } from './names.js';

/** Every volume source a Volume may carry, in the order upstream checks them (the first one wins). */
const VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
];

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(mode: unknown, p: FieldPath): FieldError[] {
  if (typeof mode !== 'number') return [];
  return mode < 0 || mode > 0o777 ? [invalid(p, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPaths(items: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(items) ? items : []).forEach((item, i) => {
    const ip = p.index(i);
    if ((stringAt(item, 'key') ?? '') === '') errs.push(required(ip.child('key')));
    const itemPath = stringAt(item, 'path') ?? '';
    if (itemPath === '') errs.push(required(ip.child('path')));
    else errs.push(...validateLocalDescendingPath(itemPath, ip.child('path')));
    errs.push(...validateMode(isObject(item) ? item.mode : undefined, ip.child('mode')));
  });
  return errs;
}

function validateSource(volume: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const present = VOLUME_SOURCES.filter((s) => isSet(volume, s));
  if (present.length === 0) return [required(p, 'must specify a volume type')];
  for (const extra of present.slice(1)) errs.push(forbidden(p.child(extra), 'may not specify more than 1 volume type'));
  const source = present[0] ?? '';
  const sp = p.child(source);
  const s = objectAt(volume, source) ?? {};
  switch (source) {
    case 'hostPath': {
      if ((stringAt(s, 'path') ?? '') === '') errs.push(required(sp.child('path')));
      const type = stringAt(s, 'type');
      if (type !== undefined && !HOST_PATH_TYPES.includes(type)) errs.push(notSupported(sp.child('type'), type, HOST_PATH_TYPES));
      break;
    }
    case 'secret':
      if ((stringAt(s, 'secretName') ?? '') === '') errs.push(required(sp.child('secretName')));
      errs.push(...validateMode(s.defaultMode, sp.child('defaultMode')));
      errs.push(...validateKeyToPaths(s.items, sp.child('items')));
      break;
    case 'configMap': {
      const name = stringAt(s, 'name') ?? '';
      if (name === '') errs.push(required(sp.child('name')));
      else for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(sp.child('name'), name, msg));
      errs.push(...validateMode(s.defaultMode, sp.child('defaultMode')));
      errs.push(...validateKeyToPaths(s.items, sp.child('items')));
      break;
    }
    case 'persistentVolumeClaim':
      if ((stringAt(s, 'claimName') ?? '') === '') errs.push(required(sp.child('claimName')));
      break;
    case 'nfs': {
      if ((stringAt(s, 'server') ?? '') === '') errs.push(required(sp.child('server')));
      const nfsPath = stringAt(s, 'path') ?? '';
      if (nfsPath === '') errs.push(required(sp.child('path')));
      else if (!nfsPath.startsWith('/')) errs.push(invalid(sp.child('path'), nfsPath, 'must be an absolute path'));
      break;
    }
    case 'downwardAPI':
      errs.push(...validateMode(s.defaultMode, sp.child('defaultMode')));
      for (const [item, i] of objectsAt(s, 'items')) {
        const itemPath = stringAt(item, 'path') ?? '';
        if (itemPath === '') errs.push(required(sp.child('items').index(i).child('path')));
      }
      break;
    case 'projected':
      errs.push(...validateMode(s.defaultMode, sp.child('defaultMode')));
      for (const [projection, i] of objectsAt(s, 'sources')) {
        const pp = sp.child('sources').index(i);
        const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => isSet(projection, k));
        if (kinds.length > 1) for (const k of kinds.slice(1)) errs.push(forbidden(pp.child(k), 'may not specify more than 1 volume type per source'));
        const token = objectAt(projection, 'serviceAccountToken');
        if (token !== undefined) {
          const tokenPath = stringAt(token, 'path') ?? '';
          if (tokenPath === '') errs.push(required(pp.child('serviceAccountToken', 'path')));
          const exp = numberAt(token, 'expirationSeconds');
          if (exp !== undefined && exp < 600) errs.push(invalid(pp.child('serviceAccountToken', 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
          if (exp !== undefined && exp > 2 ** 32) errs.push(invalid(pp.child('serviceAccountToken', 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
        }
      }
      break;
    case 'emptyDir': {
      const medium = stringAt(s, 'medium') ?? '';
      if (!['', 'Memory', 'HugePages'].includes(medium) && !medium.startsWith('HugePages-')) errs.push(notSupported(sp.child('medium'), medium, ['', 'Memory', 'HugePages']));
      break;
    }
    case 'ephemeral':
      if (!isSet(s, 'volumeClaimTemplate')) errs.push(required(sp.child('volumeClaimTemplate')));
      break;
    default:
      break;
  }
  return errs;
}

/** Validates the volumes and returns the names of the valid ones (volume mounts must name one). */
export function validateVolumes(volumes: unknown, p: FieldPath): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  (Array.isArray(volumes) ? volumes : []).forEach((volume, i) => {
    if (!isObject(volume)) return;
    const ip = p.index(i);
    const el = validateSource(volume, ip);
    const name = stringAt(volume, 'name') ?? '';
    if (name.length === 0) el.push(required(ip.child('name')));
    else el.push(...validateDNS1123LabelField(name, ip.child('name')));
    if (names.has(name)) el.push(duplicate(ip.child('name'), name));
    if (el.length === 0) names.add(name);
    else errors.push(...el);
  });
  return { names, errors };
}
