import type { KubeObject } from '../../store/types.js';

/** A kind with its own GraphQL object type, and the root fields that read it. */
export interface TypedKind {
  typeName: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** Root field reading one object: `pod(namespace, name)`. */
  single: string;
  /** Root field listing them as a connection: `pods(...)`. */
  plural: string;
}

const kind = (typeName: string, apiVersion: string, namespaced: boolean, single: string, plural: string): TypedKind => ({ typeName, apiVersion, kind: typeName, namespaced, single, plural });

/** The kinds dashboards show (issue #5); every other kind is served as GenericObject. */
export const TYPED_KINDS: readonly TypedKind[] = [
  kind('Namespace', 'v1', false, 'namespace', 'namespaces'),
  kind('Node', 'v1', false, 'node', 'nodes'),
  kind('Pod', 'v1', true, 'pod', 'pods'),
  kind('Deployment', 'apps/v1', true, 'deployment', 'deployments'),
  kind('ReplicaSet', 'apps/v1', true, 'replicaSet', 'replicaSets'),
  kind('StatefulSet', 'apps/v1', true, 'statefulSet', 'statefulSets'),
  kind('DaemonSet', 'apps/v1', true, 'daemonSet', 'daemonSets'),
  kind('Job', 'batch/v1', true, 'job', 'jobs'),
  kind('CronJob', 'batch/v1', true, 'cronJob', 'cronJobs'),
  kind('Service', 'v1', true, 'service', 'services'),
  kind('Endpoints', 'v1', true, 'endpoints', 'endpointsList'),
  kind('Ingress', 'networking.k8s.io/v1', true, 'ingress', 'ingresses'),
  kind('ConfigMap', 'v1', true, 'configMap', 'configMaps'),
  kind('Secret', 'v1', true, 'secret', 'secrets'),
  kind('PersistentVolume', 'v1', false, 'persistentVolume', 'persistentVolumes'),
  kind('PersistentVolumeClaim', 'v1', true, 'persistentVolumeClaim', 'persistentVolumeClaims'),
  kind('ResourceQuota', 'v1', true, 'resourceQuota', 'resourceQuotas'),
  kind('Event', 'v1', true, 'event', 'events'),
];

const byKind = new Map(TYPED_KINDS.map((k) => [`${k.apiVersion}/${k.kind}`, k]));

/** The GraphQL type an object resolves to: its typed one, or GenericObject. */
export function graphqlTypeOf(object: KubeObject): string {
  return byKind.get(`${object.apiVersion ?? ''}/${object.kind ?? ''}`)?.typeName ?? 'GenericObject';
}

export function isSecret(object: KubeObject): boolean {
  return object.apiVersion === 'v1' && object.kind === 'Secret';
}

/** An object as `raw` serves it: Secret values are withheld (Secret.data(reveal: true) reads them). */
export function rawOf(object: KubeObject): KubeObject {
  if (!isSecret(object)) return object;
  const { data: _data, stringData: _stringData, ...rest } = object;
  return rest as KubeObject;
}
