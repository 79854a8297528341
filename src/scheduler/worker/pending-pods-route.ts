// The dispatcher route of one scheduler's queue: every pod with no node that
// this scheduler should place (needsScheduling), as a predicate for change-log
// rows and as the same condition in SQL for the resync. The queue is named
// after the scheduler (`default-scheduler`), so profiles never share jobs.

import type { Pod } from '../../kube/types.js';
import type { ControllerRoute, ObjectFilter } from '../../queue/index.js';
import type { KubeObject } from '../../store/types.js';
import { needsScheduling } from '../outcome.js';

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Pods that `schedulerName` should place: the same rule as needsScheduling, twice. */
export function pendingPodFilter(schedulerName: string): ObjectFilter {
  return {
    matches: (object: KubeObject) => needsScheduling(object as unknown as Pod, schedulerName),
    sqlWhere: [
      `COALESCE("object"->'spec'->>'nodeName', '') = ''`,
      `"object"->'metadata'->>'deletionTimestamp' IS NULL`,
      `COALESCE("object"->'status'->>'phase', '') NOT IN ('Succeeded', 'Failed')`,
      `COALESCE("object"->'spec'->>'schedulerName', 'default-scheduler') = ${sqlString(schedulerName)}`,
      `COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof("object"->'spec'->'schedulingGates') = 'array' THEN "object"->'spec'->'schedulingGates' END), 0) = 0`,
    ].join(' AND '),
  };
}

/** The route: queue `schedulerName`, keyed per pod, only pending pods. */
export function pendingPodsRoute(schedulerName: string): ControllerRoute {
  return { name: schedulerName, for: { group: '', resource: 'pods', kind: 'Pod' }, only: pendingPodFilter(schedulerName) };
}
