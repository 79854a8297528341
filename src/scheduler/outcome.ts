// What the worker writes back after a cycle, worded as kube-scheduler words
// it: the PodScheduled condition and the Scheduled / FailedScheduling events.

import type { Pod } from '../kube/types.js';
import type { ScheduleResult } from './schedule-one.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const EVENT_REASON_SCHEDULED = 'Scheduled';
export const EVENT_REASON_FAILED_SCHEDULING = 'FailedScheduling';
export const CONDITION_REASON_UNSCHEDULABLE = 'Unschedulable';
export const CONDITION_REASON_SCHEDULER_ERROR = 'SchedulerError';
/** Event notes longer than this are refused by the API (validation.NoteLengthLimit). */
export const EVENT_NOTE_LENGTH_LIMIT = 1024;

export interface PodScheduledCondition {
  readonly type: 'PodScheduled';
  readonly status: 'True' | 'False';
  readonly reason?: string;
  readonly message?: string;
}

export interface SchedulingEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  /** events.k8s.io action. */
  readonly action: 'Binding' | 'Scheduling';
  readonly note: string;
}

/** Whether this scheduler should place the pod at all (kube-scheduler's skipPodSchedule and queue admission). */
export function needsScheduling(pod: Pod, schedulerName: string = DEFAULT_SCHEDULER_NAME): boolean {
  const spec = pod.spec;
  if (spec?.nodeName !== undefined && spec.nodeName !== '') return false;
  if (pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  if ((spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== schedulerName) return false;
  return (spec?.schedulingGates?.length ?? 0) === 0;
}

export function truncateNote(message: string): string {
  if (message.length <= EVENT_NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, EVENT_NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

/** The Scheduled event for a bound pod. */
export function scheduledEvent(pod: Pod, nodeName: string): SchedulingEvent {
  return { type: 'Normal', reason: EVENT_REASON_SCHEDULED, action: 'Binding', note: `Successfully assigned ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''} to ${nodeName}` };
}

/** The condition and event for a cycle that did not place the pod. */
export function failureOutcome(result: Exclude<ScheduleResult, { kind: 'Scheduled' }>): { condition: PodScheduledCondition; event: SchedulingEvent } {
  const reason = result.kind === 'Unschedulable' ? CONDITION_REASON_UNSCHEDULABLE : CONDITION_REASON_SCHEDULER_ERROR;
  return {
    condition: { type: 'PodScheduled', status: 'False', reason, message: result.message },
    event: { type: 'Warning', reason: EVENT_REASON_FAILED_SCHEDULING, action: 'Scheduling', note: truncateNote(result.message) },
  };
}
