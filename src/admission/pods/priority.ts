// Priority admission for a created Pod: resolves priorityClassName (or the
// global default class) into spec.priority and spec.preemptionPolicy
// (plugin/pkg/admission/priority).

import { ensureObject, numberAt, stringAt, type JsonObject } from '../json.js';

export interface PriorityClassInfo {
  name: string;
  value: number;
  preemptionPolicy?: string;
}

/** The classes every cluster has (created at API server start). */
export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClassInfo[] = [
  { name: 'system-node-critical', value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
  { name: 'system-cluster-critical', value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
];

export interface PriorityAdmissionOptions {
  /** Looks a PriorityClass up by name. */
  lookup: (name: string) => PriorityClassInfo | undefined;
  /** The class with globalDefault: true, if any. */
  globalDefault?: PriorityClassInfo;
}

/** Mutates the pod; returns the refusal message (403 Forbidden upstream) or undefined. */
export function admitPodPriority(pod: JsonObject, options: PriorityAdmissionOptions): string | undefined {
  const spec = ensureObject(pod, 'spec');
  const className = stringAt(spec, 'priorityClassName') ?? '';
  let priority: number;
  let preemptionPolicy: string;
  if (className === '') {
    // Without a global default a pod gets priority 0 and may preempt lower ones.
    priority = options.globalDefault?.value ?? 0;
    preemptionPolicy = options.globalDefault?.preemptionPolicy ?? 'PreemptLowerPriority';
    if (options.globalDefault !== undefined) spec.priorityClassName = options.globalDefault.name;
  } else {
    const pc = options.lookup(className);
    if (pc === undefined) return `no PriorityClass with name ${className} was found`;
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
  }
  const given = numberAt(spec, 'priority');
  if (given !== undefined && given !== priority) {
    return `the integer value of priority (${given}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  }
  spec.priority = priority;
  const givenPolicy = stringAt(spec, 'preemptionPolicy');
  if (givenPolicy !== undefined && givenPolicy !== preemptionPolicy) {
    return `the string value of PreemptionPolicy (${givenPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`;
  }
  spec.preemptionPolicy = preemptionPolicy;
  return undefined;
}
