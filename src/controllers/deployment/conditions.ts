// Deployment conditions with kube-controller-manager's reasons and messages
// (kubectl rollout status prints and acts on them).
import type { Condition } from './plan.js';

export const NewReplicaSetReason = 'NewReplicaSetCreated';
export const FoundNewRSReason = 'FoundNewReplicaSet';
export const ReplicaSetUpdatedReason = 'ReplicaSetUpdated';
export const NewRSAvailableReason = 'NewReplicaSetAvailable';
export const TimedOutReason = 'ProgressDeadlineExceeded';
export const PausedReason = 'DeploymentPaused';
export const ResumedReason = 'DeploymentResumed';
export const MinimumReplicasAvailable = 'MinimumReplicasAvailable';
export const MinimumReplicasUnavailable = 'MinimumReplicasUnavailable';

export const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** SetDeploymentCondition: lastTransitionTime kept unless the status flips. */
export function setCondition(conditions: Condition[], next: Condition): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  if (current !== undefined && current.status === next.status && current.reason === next.reason && current.message === next.message) return conditions;
  const merged = current !== undefined && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime ?? next.lastTransitionTime } : next;
  return [...conditions.filter((c) => c.type !== next.type), merged];
}

export const conditionOf = (conditions: readonly Condition[], type: string): Condition | undefined => conditions.find((c) => c.type === type);
