// Pods: NAME READY STATUS RESTARTS AGE, and wide IP NODE NOMINATED NODE
// READINESS GATES. STATUS and RESTARTS are computed exactly as printPod does
// (init progress, waiting and terminated reasons, sidecars, Terminating).

import { arrayAt, booleanAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../../admission/json.js';
import { core, CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from '../descriptions.js';
import { timestampSince } from '../human-duration.js';
import { column, type TableRowCondition } from '../types.js';
import { ageOf, nameOf, type Printer, type PrintedRow } from './printer.js';

/** The pod status reason the node controller sets for pods on an unreachable node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

function conditionTrue(status: unknown, type: string): boolean {
  return (arrayAt(status, 'conditions') ?? []).some((c) => stringAt(c, 'type') === type && stringAt(c, 'status') === 'True');
}

function finishedAt(containerStatus: unknown): number | undefined {
  const at = stringAt(objectAt(objectAt(containerStatus, 'lastState'), 'terminated'), 'finishedAt');
  if (at === undefined) return undefined;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? undefined : ms;
}

/** READY, STATUS and RESTARTS of a pod as printPod computes them. */
export function podStatusCells(pod: JsonObject, now: number): { ready: string; status: string; restarts: string } {
  const spec = objectAt(pod, 'spec');
  const status = objectAt(pod, 'status');
  const initSpecs = new Map<string, JsonObject>();
  for (const c of arrayAt(spec, 'initContainers') ?? []) if (isObject(c)) initSpecs.set(stringAt(c, 'name') ?? '', c);
  const isSidecar = (name: string): boolean => stringAt(initSpecs.get(name), 'restartPolicy') === 'Always';

  let restarts = 0;
  let sidecarRestarts = 0;
  let total = (arrayAt(spec, 'containers') ?? []).length;
  let ready = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const phase = stringAt(status, 'phase') ?? '';
  let reason = stringAt(status, 'reason') || phase;
  for (const c of arrayAt(status, 'conditions') ?? []) {
    if (stringAt(c, 'type') === 'PodScheduled' && stringAt(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }
  for (const name of initSpecs.keys()) if (isSidecar(name)) total++;

  const initStatuses = (arrayAt(status, 'initContainerStatuses') ?? []).filter(isObject);
  const initCount = initSpecs.size;
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] as JsonObject;
    const name = stringAt(cs, 'name') ?? '';
    const count = numberAt(cs, 'restartCount') ?? 0;
    restarts += count;
    const finished = finishedAt(cs);
    if (finished !== undefined && (lastRestart === undefined || lastRestart < finished)) lastRestart = finished;
    if (isSidecar(name)) {
      sidecarRestarts += count;
      if (finished !== undefined && (lastSidecarRestart === undefined || lastSidecarRestart < finished)) lastSidecarRestart = finished;
    }
    const state = objectAt(cs, 'state');
    const terminated = objectAt(state, 'terminated');
    const waiting = objectAt(state, 'waiting');
    if (terminated !== undefined && (numberAt(terminated, 'exitCode') ?? 0) === 0) continue;
    if (isSidecar(name) && booleanAt(cs, 'started') === true) {
      if (booleanAt(cs, 'ready') === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      const why = stringAt(terminated, 'reason') ?? '';
      if (why.length === 0) {
        const signal = numberAt(terminated, 'signal') ?? 0;
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${numberAt(terminated, 'exitCode') ?? 0}`;
      } else {
        reason = `Init:${why}`;
      }
    } else if (waiting !== undefined && (stringAt(waiting, 'reason') ?? '').length > 0 && stringAt(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${stringAt(waiting, 'reason') ?? ''}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    // Once initialized, only sidecar restarts count alongside the app containers'.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = (arrayAt(status, 'containerStatuses') ?? []).filter(isObject);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as JsonObject;
      restarts += numberAt(cs, 'restartCount') ?? 0;
      const finished = finishedAt(cs);
      if (finished !== undefined && (lastRestart === undefined || lastRestart < finished)) lastRestart = finished;
      const state = objectAt(cs, 'state');
      const waiting = objectAt(state, 'waiting');
      const terminated = objectAt(state, 'terminated');
      if (waiting !== undefined && (stringAt(waiting, 'reason') ?? '') !== '') {
        reason = stringAt(waiting, 'reason') ?? '';
      } else if (terminated !== undefined && (stringAt(terminated, 'reason') ?? '') !== '') {
        reason = stringAt(terminated, 'reason') ?? '';
      } else if (terminated !== undefined) {
        const signal = numberAt(terminated, 'signal') ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${numberAt(terminated, 'exitCode') ?? 0}`;
      } else if (booleanAt(cs, 'ready') === true && isObject(objectAt(state, 'running'))) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed but another still runs is not Completed.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const metadata = objectAt(pod, 'metadata');
  const deleting = (stringAt(metadata, 'deletionTimestamp') ?? '') !== '';
  if (deleting && stringAt(status, 'reason') === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) restartsText = `${restarts} (${timestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: JsonObject): string {
  const gates = (arrayAt(objectAt(pod, 'spec'), 'readinessGates') ?? []).filter(isObject);
  if (gates.length === 0) return '<none>';
  const conditions = (arrayAt(objectAt(pod, 'status'), 'conditions') ?? []).filter(isObject);
  let trueCount = 0;
  for (const gate of gates) {
    const condition = conditions.find((c) => stringAt(c, 'type') === stringAt(gate, 'conditionType'));
    if (condition !== undefined && stringAt(condition, 'status') === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    column('Name', NAME_DESCRIPTION, { format: 'name' }),
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    column('Age', CREATION_TIMESTAMP_DESCRIPTION),
    column('IP', core('PodStatus', 'podIP'), { priority: 1 }),
    column('Node', core('PodSpec', 'nodeName'), { priority: 1 }),
    column('Nominated Node', core('PodStatus', 'nominatedNodeName'), { priority: 1 }),
    column('Readiness Gates', core('PodSpec', 'readinessGates'), { priority: 1 }),
  ],
  print(pod, now): PrintedRow {
    const { ready, status, restarts } = podStatusCells(pod, now);
    const podStatus = objectAt(pod, 'status');
    const ip = stringAt((arrayAt(podStatus, 'podIPs') ?? [])[0], 'ip') || '<none>';
    const node = stringAt(objectAt(pod, 'spec'), 'nodeName') || '<none>';
    const nominated = stringAt(podStatus, 'nominatedNodeName') || '<none>';
    const row: PrintedRow = { cells: [nameOf(pod), ready, status, restarts, ageOf(pod, now), ip, node, nominated, readinessGates(pod)] };
    const phase = stringAt(podStatus, 'phase');
    if (phase === 'Succeeded') row.conditions = SUCCEEDED;
    else if (phase === 'Failed') row.conditions = FAILED;
    return row;
  },
};
