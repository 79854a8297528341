// A new Pod's status as the pod strategy sets it on create (PrepareForCreate):
// phase Pending and the QoS class computed from its containers' resources
// (GetPodQOS, without pod-level resources, which are alpha in 1.33).

import { objectAt, objectsAt, type JsonObject } from '../json.js';
import { parseQuantityJson, QuantityParseError } from '../../kube/quantity.js';

export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

function positiveNanos(value: unknown): bigint | undefined {
  try {
    const q = parseQuantityJson(value);
    return q.nanos > 0n ? q.nanos : undefined;
  } catch (err) {
    if (err instanceof QuantityParseError) return undefined;
    throw err;
  }
}

export function podQOSClass(pod: JsonObject): PodQOSClass {
  const spec = objectAt(pod, 'spec');
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const list of ['containers', 'initContainers']) {
    for (const [container] of objectsAt(spec, list)) {
      const resources = objectAt(container, 'resources');
      for (const [name, value] of Object.entries(objectAt(resources, 'requests') ?? {})) {
        const nanos = QOS_RESOURCES.includes(name) ? positiveNanos(value) : undefined;
        if (nanos !== undefined) requests.set(name, (requests.get(name) ?? 0n) + nanos);
      }
      const found = new Set<string>();
      for (const [name, value] of Object.entries(objectAt(resources, 'limits') ?? {})) {
        const nanos = QOS_RESOURCES.includes(name) ? positiveNanos(value) : undefined;
        if (nanos === undefined) continue;
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + nanos);
      }
      // Guaranteed needs a CPU and a memory limit on every container.
      if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      if (limits.get(name) !== request) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** Replaces a created pod's status with what the API server starts it with. */
export function prepareNewPodStatus(pod: JsonObject): void {
  pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
}
