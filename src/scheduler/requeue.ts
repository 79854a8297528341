// Which cluster changes may make an unschedulable pod schedulable: each plugin
// registers the events that can undo its rejections (kube-scheduler's
// EventsToRegister), and a pod waits for an event registered by one of the
// plugins that rejected it. The worker turns change-log entries into events
// with nodeUpdateActions/podUpdateActions.

import { podRequests } from '../kube/resources.js';
import { compareQuantities } from '../kube/quantity.js';
import type { Node, Pod } from '../kube/types.js';
import type { ClusterEvent, EventAction, EventRegistration } from './framework.js';
import type { Profile } from './registry.js';

export interface RequeuePolicy {
  /** Plugin name -> the events it registered. */
  readonly registrations: ReadonlyMap<string, readonly EventRegistration[]>;
}

export function requeuePolicy(profile: Profile): RequeuePolicy {
  return { registrations: new Map(profile.plugins.map((p) => [p.name, p.events ?? []])) };
}

/**
 * Whether `event` may help a pod rejected by `unschedulablePlugins`. A pod
 * rejected by no plugin in particular (no nodes, an internal error) is
 * retried on any event.
 */
export function mayBecomeSchedulable(policy: RequeuePolicy, unschedulablePlugins: ReadonlySet<string>, event: ClusterEvent): boolean {
  if (unschedulablePlugins.size === 0) return true;
  for (const name of unschedulablePlugins) {
    const registered = policy.registrations.get(name);
    // A plugin that registered nothing cannot say; retry rather than strand the pod.
    if (registered === undefined || registered.length === 0) return true;
    for (const r of registered) {
      if (r.resource === event.resource && (r.actions.includes(event.action) || (event.action === 'Update' && r.actions.some((a) => a.startsWith('Update'))))) return true;
    }
  }
  return false;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What changed between two versions of a node, as scheduling-relevant actions. */
export function nodeUpdateActions(before: Node, after: Node): EventAction[] {
  const out: EventAction[] = [];
  if (!same(before.metadata.labels, after.metadata.labels)) out.push('UpdateNodeLabel');
  if (!same(before.spec?.taints, after.spec?.taints)) out.push('UpdateNodeTaint');
  if (!same(before.status?.allocatable, after.status?.allocatable)) out.push('UpdateNodeAllocatable');
  if ((before.spec?.unschedulable ?? false) !== (after.spec?.unschedulable ?? false)) out.push('UpdateNodeSchedulable');
  return out;
}

/** What changed between two versions of a pod, as scheduling-relevant actions. */
export function podUpdateActions(before: Pod, after: Pod): EventAction[] {
  const out: EventAction[] = [];
  if (!same(before.metadata.labels, after.metadata.labels)) out.push('UpdatePodLabel');
  if (!same(before.spec?.tolerations, after.spec?.tolerations)) out.push('UpdatePodToleration');
  const was = podRequests(before);
  const now = podRequests(after);
  for (const [name, q] of was) {
    const next = now.get(name);
    if (next === undefined || compareQuantities(next, q) < 0) {
      out.push('UpdatePodScaleDown');
      break;
    }
  }
  return out;
}
