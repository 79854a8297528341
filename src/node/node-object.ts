// The Node object a simulated kubelet registers, and its status.
import crypto from 'node:crypto';
import type { KubeObject } from '../store/types.js';
import type { NodeCondition, NodeImage } from './runtime.js';

export const KUBELET_VERSION = 'v1.33.0';
export const INSTANCE_TYPE = 'kubeql-simulated';

export interface NodeIdentity {
  name: string;
  podCIDR: string;
  internalIP: string;
}

export function nodeObject(node: NodeIdentity): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': INSTANCE_TYPE,
        'kubeql.io/runtime': 'simulated',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR], providerID: `kubeql://simulated/${node.name}` },
  };
}

const stableUuid = (seed: string): string => {
  const hex = crypto.createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export interface NodeStatusInput {
  node: NodeIdentity;
  capacity: Record<string, string>;
  conditions: NodeCondition[];
  images: NodeImage[];
  /** When the agent (re)started: the conditions' lastTransitionTime. */
  since: string;
  now: string;
  bootId: string;
  /** Port of the agent's kubelet API (status.daemonEndpoints.kubeletEndpoint.Port). @defaultValue 10250 */
  kubeletPort?: number;
}

export function nodeStatus(input: NodeStatusInput): Record<string, unknown> {
  return {
    capacity: input.capacity,
    // A simulated node reserves nothing for the system (as KWOK's nodes).
    allocatable: input.capacity,
    conditions: input.conditions.map((c) => ({ ...c, lastHeartbeatTime: input.now, lastTransitionTime: input.since })),
    addresses: [
      { type: 'InternalIP', address: input.node.internalIP },
      { type: 'Hostname', address: input.node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: stableUuid(`machine/${input.node.name}`).replaceAll('-', ''),
      systemUUID: stableUuid(`system/${input.node.name}`),
      bootID: input.bootId,
      kernelVersion: '6.8.0-kubeql-simulated',
      osImage: 'kubeql simulated node',
      containerRuntimeVersion: 'simulated://0.1.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    images: input.images,
  };
}
