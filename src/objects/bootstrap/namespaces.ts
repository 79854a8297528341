import type { KubeObject } from '../../store/types.js';

// Namespaces every cluster has (kube-apiserver creates them at start).
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export function systemNamespaces(): KubeObject[] {
  return SYSTEM_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }));
}
