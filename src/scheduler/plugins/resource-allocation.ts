// Shared by NodeResourcesFit's scoring strategies and
// NodeResourcesBalancedAllocation (kube-scheduler's resourceAllocationScorer):
// per configured resource, what the node can allocate and what would be
// requested on it with this pod.

import { isScalarResourceName, RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY } from '../../kube/resources.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = Object.freeze([
  { name: RESOURCE_CPU, weight: 1 },
  { name: RESOURCE_MEMORY, weight: 1 },
]);

/**
 * The pod's request per resource. With `useRequested` false, cpu and memory
 * use the non-zero stand-ins (100m, 200Mi) for containers that set nothing,
 * so empty pods still spread.
 */
export function podResourceRequests(pod: PodInfo, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  return resources.map(({ name }) => {
    switch (name) {
      case RESOURCE_CPU:
        return useRequested ? pod.requests.milliCPU : pod.nonZeroMilliCPU;
      case RESOURCE_MEMORY:
        return useRequested ? pod.requests.memory : pod.nonZeroMemory;
      case RESOURCE_EPHEMERAL_STORAGE:
        return pod.requests.ephemeralStorage;
      default:
        return pod.requests.scalar.get(name) ?? 0;
    }
  });
}

/** Fills allocatable[i]/requested[i] for every resource the node has (0 means: skip it). */
export function allocatableAndRequested(node: NodeInfo, resources: readonly ResourceSpec[], podRequests: readonly number[], useRequested: boolean, allocatable: number[], requested: number[]): void {
  for (let i = 0; i < resources.length; i++) {
    const name = (resources[i] as ResourceSpec).name;
    const podRequest = podRequests[i] ?? 0;
    let alloc = 0;
    let req = 0;
    if (podRequest === 0 && isScalarResourceName(name)) {
      // An extended resource the pod does not ask for does not count.
    } else if (name === RESOURCE_CPU) {
      alloc = node.allocatable.milliCPU;
      req = (useRequested ? node.requested.milliCPU : node.nonZeroMilliCPU) + podRequest;
    } else if (name === RESOURCE_MEMORY) {
      alloc = node.allocatable.memory;
      req = (useRequested ? node.requested.memory : node.nonZeroMemory) + podRequest;
    } else if (name === RESOURCE_EPHEMERAL_STORAGE) {
      alloc = node.allocatable.ephemeralStorage;
      req = node.requested.ephemeralStorage + podRequest;
    } else {
      const a = node.allocatable.scalar.get(name);
      if (a !== undefined) {
        alloc = a;
        req = (node.requested.scalar.get(name) ?? 0) + podRequest;
      }
    }
    allocatable[i] = alloc;
    requested[i] = alloc === 0 ? 0 : req;
  }
}
