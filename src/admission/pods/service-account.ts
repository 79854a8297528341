// The ServiceAccount admission plugin's mutation of a created Pod: the
// default service account, and the projected API token volume mounted into
// every container (plugin/pkg/admission/serviceaccount).

import { arrayAt, ensureObject, objectsAt, stringAt, type JsonObject } from '../json.js';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
export const API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** Bound tokens projected into pods last a little over an hour (WarnOnlyBoundTokenExpirationSeconds). */
export const TOKEN_EXPIRATION_SECONDS = 3607;
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator's 5-character suffix. */
export function randomNameSuffix(random: () => number = Math.random, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_SUFFIX_ALPHABET[Math.floor(random() * NAME_SUFFIX_ALPHABET.length)] ?? 'b';
  return out;
}

/** The projected volume source holding the token, the cluster CA and the namespace. */
export function tokenVolumeSource(): JsonObject {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

export interface ServiceAccountAdmissionOptions {
  /** The pod's service account as stored, or undefined when it does not exist. */
  serviceAccount: JsonObject | undefined;
  random?: () => number;
}

/** Which service account a pod runs as (serviceAccountName, else the deprecated serviceAccount, else default). */
export function podServiceAccountName(pod: JsonObject): string {
  const spec = ensureObject(pod, 'spec');
  return stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount') || DEFAULT_SERVICE_ACCOUNT_NAME;
}

/**
 * Mutates a Pod being created. Returns the refusal message when the service
 * account is missing (upstream answers 403 Forbidden with it), else undefined.
 */
export function admitPodServiceAccount(pod: JsonObject, options: ServiceAccountAdmissionOptions): string | undefined {
  const spec = ensureObject(pod, 'spec');
  const name = podServiceAccountName(pod);
  spec.serviceAccountName = name;
  // The v1 form mirrors the name into the deprecated field.
  spec.serviceAccount = name;
  const namespace = stringAt(pod.metadata, 'namespace') ?? '';
  if (options.serviceAccount === undefined) {
    return `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`;
  }
  const podSetting = spec.automountServiceAccountToken;
  const automount = typeof podSetting === 'boolean' ? podSetting : options.serviceAccount.automountServiceAccountToken !== false;
  if (!automount) return undefined;
  mountToken(spec, options.random ?? Math.random);
  return undefined;
}

function mountToken(spec: JsonObject, random: () => number): void {
  const volumes = objectsAt(spec, 'volumes').map(([v]) => v);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName = typeof existing?.name === 'string' ? existing.name : `${TOKEN_VOLUME_PREFIX}${randomNameSuffix(random)}`;
  let needsVolume = false;
  for (const list of ['initContainers', 'containers']) {
    for (const [container] of objectsAt(spec, list)) {
      const mounts = arrayAt(container, 'volumeMounts') ?? [];
      // A container that already mounts something at the token path keeps it.
      if (mounts.some((m) => stringAt(m, 'mountPath') === API_TOKEN_MOUNT_PATH)) continue;
      container.volumeMounts = [...mounts, { mountPath: API_TOKEN_MOUNT_PATH, name: volumeName, readOnly: true }];
      needsVolume = true;
    }
  }
  if (existing === undefined && needsVolume) spec.volumes = [...(arrayAt(spec, 'volumes') ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}
