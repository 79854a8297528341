// Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet,
// ReplicationController, ControllerRevision, Job, CronJob, PodTemplate.

import { arrayAt, booleanAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../../admission/json.js';
import { apps, batch, CONTAINERS_DESCRIPTION, core, CREATION_TIMESTAMP_DESCRIPTION, fieldDescription, IMAGES_DESCRIPTION, NAME_DESCRIPTION } from '../descriptions.js';
import { containerCells, formatLabels, formatLabelSelector, int, selectorString } from '../format.js';
import { humanDuration, timestampSince } from '../human-duration.js';
import { column } from '../types.js';
import { ageOf, nameOf, type Printer } from './printer.js';

const name = (): ReturnType<typeof column> => column('Name', NAME_DESCRIPTION, { format: 'name' });
const age = (): ReturnType<typeof column> => column('Age', CREATION_TIMESTAMP_DESCRIPTION);
const containers = (): ReturnType<typeof column> => column('Containers', CONTAINERS_DESCRIPTION, { priority: 1 });
const images = (): ReturnType<typeof column> => column('Images', IMAGES_DESCRIPTION, { priority: 1 });

const spec = (obj: JsonObject): JsonObject => objectAt(obj, 'spec') ?? {};
const status = (obj: JsonObject): JsonObject => objectAt(obj, 'status') ?? {};
const templateSpec = (obj: JsonObject): JsonObject | undefined => objectAt(objectAt(spec(obj), 'template'), 'spec');

export const deploymentPrinter: Printer = {
  columns: [
    name(),
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', apps('DeploymentStatus', 'updatedReplicas')),
    column('Available', apps('DeploymentStatus', 'availableReplicas')),
    age(),
    containers(),
    images(),
    column('Selector', apps('DeploymentSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const [names, imgs] = containerCells(templateSpec(obj));
    // A selector that does not convert prints as <invalid>; an absent one as empty.
    const selector = selectorString(spec(obj).selector) ?? '<invalid>';
    const ready = `${int(status(obj).readyReplicas)}/${int(spec(obj).replicas)}`;
    return { cells: [nameOf(obj), ready, int(status(obj).updatedReplicas), int(status(obj).availableReplicas), ageOf(obj, now), names, imgs, selector] };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    name(),
    column('Desired', apps('ReplicaSetSpec', 'replicas'), { type: 'integer' }),
    column('Current', apps('ReplicaSetStatus', 'replicas'), { type: 'integer' }),
    column('Ready', apps('ReplicaSetStatus', 'readyReplicas'), { type: 'integer' }),
    age(),
    containers(),
    images(),
    column('Selector', apps('ReplicaSetSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const [names, imgs] = containerCells(templateSpec(obj));
    return { cells: [nameOf(obj), int(spec(obj).replicas), int(status(obj).replicas), int(status(obj).readyReplicas), ageOf(obj, now), names, imgs, formatLabelSelector(spec(obj).selector)] };
  },
};

export const replicationControllerPrinter: Printer = {
  columns: [
    name(),
    column('Desired', core('ReplicationControllerSpec', 'replicas'), { type: 'integer' }),
    column('Current', core('ReplicationControllerStatus', 'replicas'), { type: 'integer' }),
    column('Ready', core('ReplicationControllerStatus', 'readyReplicas'), { type: 'integer' }),
    age(),
    containers(),
    images(),
    column('Selector', core('ReplicationControllerSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const [names, imgs] = containerCells(templateSpec(obj));
    return { cells: [nameOf(obj), int(spec(obj).replicas), int(status(obj).replicas), int(status(obj).readyReplicas), ageOf(obj, now), names, imgs, formatLabels(spec(obj).selector)] };
  },
};

export const statefulSetPrinter: Printer = {
  columns: [name(), column('Ready', 'Number of the pod with ready state'), age(), containers(), images()],
  print(obj, now) {
    const [names, imgs] = containerCells(templateSpec(obj));
    return { cells: [nameOf(obj), `${int(status(obj).readyReplicas)}/${int(spec(obj).replicas)}`, ageOf(obj, now), names, imgs] };
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    name(),
    column('Desired', apps('DaemonSetStatus', 'desiredNumberScheduled'), { type: 'integer' }),
    column('Current', apps('DaemonSetStatus', 'currentNumberScheduled'), { type: 'integer' }),
    column('Ready', apps('DaemonSetStatus', 'numberReady'), { type: 'integer' }),
    column('Up-to-date', apps('DaemonSetStatus', 'updatedNumberScheduled'), { type: 'integer' }),
    column('Available', apps('DaemonSetStatus', 'numberAvailable'), { type: 'integer' }),
    column('Node Selector', core('PodSpec', 'nodeSelector')),
    age(),
    containers(),
    images(),
    column('Selector', apps('DaemonSetSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = status(obj);
    const [names, imgs] = containerCells(templateSpec(obj));
    return {
      cells: [
        nameOf(obj),
        int(s.desiredNumberScheduled),
        int(s.currentNumberScheduled),
        int(s.numberReady),
        int(s.updatedNumberScheduled),
        int(s.numberAvailable),
        formatLabels(templateSpec(obj)?.nodeSelector),
        ageOf(obj, now),
        names,
        imgs,
        formatLabelSelector(spec(obj).selector),
      ],
    };
  },
};

/** `statefulset.apps/web` for the controller owner of an object, `<none>` without one. */
function controllerName(obj: JsonObject): string {
  const owner = (arrayAt(objectAt(obj, 'metadata'), 'ownerReferences') ?? []).find((r) => isObject(r) && r.controller === true);
  if (owner === undefined) return '<none>';
  const apiVersion = stringAt(owner, 'apiVersion') ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = stringAt(owner, 'kind') ?? '';
  const ownerName = stringAt(owner, 'name') ?? '';
  if (kind === '' && group === '') return ownerName;
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${ownerName}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [name(), column('Controller', 'Controller of the object'), column('Revision', apps('ControllerRevision', 'revision')), age()],
  print(obj, now) {
    return { cells: [nameOf(obj), controllerName(obj), int(obj.revision), ageOf(obj, now)] };
  },
};

function conditionTrue(obj: JsonObject, type: string): boolean {
  // The first condition of the type decides (hasJobCondition).
  const condition = (arrayAt(status(obj), 'conditions') ?? []).find((c) => stringAt(c, 'type') === type);
  return condition !== undefined && stringAt(condition, 'status') === 'True';
}

export const jobPrinter: Printer = {
  columns: [
    name(),
    column('Status', 'Status of the job.'),
    column('Completions', batch('JobStatus', 'succeeded')),
    column('Duration', 'Time required to complete the job.'),
    age(),
    containers(),
    images(),
    column('Selector', batch('JobSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const succeeded = int(st.succeeded);
    const completions = numberAt(s, 'completions');
    const parallelism = numberAt(s, 'parallelism') ?? 0;
    let completionsText: string;
    if (completions !== undefined) completionsText = `${succeeded}/${completions}`;
    else completionsText = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    const start = stringAt(st, 'startTime');
    const end = stringAt(st, 'completionTime');
    let duration = '';
    if (start !== undefined && end === undefined) duration = timestampSince(start, now);
    else if (start !== undefined && end !== undefined) duration = humanDuration(Date.parse(end) - Date.parse(start));
    let state = 'Running';
    if (conditionTrue(obj, 'Complete')) state = 'Complete';
    else if (conditionTrue(obj, 'Failed')) state = 'Failed';
    else if ((stringAt(objectAt(obj, 'metadata'), 'deletionTimestamp') ?? '') !== '') state = 'Terminating';
    else if (conditionTrue(obj, 'Suspended')) state = 'Suspended';
    else if (conditionTrue(obj, 'FailureTarget')) state = 'FailureTarget';
    const [names, imgs] = containerCells(templateSpec(obj));
    return { cells: [nameOf(obj), state, completionsText, duration, ageOf(obj, now), names, imgs, formatLabelSelector(s.selector)] };
  },
};

function boolPtr(value: unknown): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : '<unset>';
}

export const cronJobPrinter: Printer = {
  columns: [
    name(),
    column('Schedule', fieldDescription('io.k8s.api.batch.v1.CronJobSpec', 'schedule')),
    column('Timezone', fieldDescription('io.k8s.api.batch.v1.CronJobSpec', 'timeZone')),
    column('Suspend', fieldDescription('io.k8s.api.batch.v1.CronJobSpec', 'suspend'), { type: 'boolean' }),
    column('Active', fieldDescription('io.k8s.api.batch.v1.CronJobStatus', 'active'), { type: 'integer' }),
    column('Last Schedule', fieldDescription('io.k8s.api.batch.v1.CronJobStatus', 'lastScheduleTime')),
    age(),
    containers(),
    images(),
    column('Selector', batch('JobSpec', 'selector'), { priority: 1 }),
  ],
  print(obj, now) {
    const s = spec(obj);
    const jobSpec = objectAt(objectAt(s, 'jobTemplate'), 'spec');
    const last = stringAt(status(obj), 'lastScheduleTime');
    const [names, imgs] = containerCells(objectAt(objectAt(jobSpec, 'template'), 'spec'));
    return {
      cells: [
        nameOf(obj),
        stringAt(s, 'schedule') ?? '',
        stringAt(s, 'timeZone') ?? '<none>',
        boolPtr(booleanAt(s, 'suspend')),
        (arrayAt(status(obj), 'active') ?? []).length,
        last === undefined ? '<none>' : timestampSince(last, now),
        ageOf(obj, now),
        names,
        imgs,
        formatLabelSelector(jobSpec?.selector),
      ],
    };
  },
};

export const podTemplatePrinter: Printer = {
  columns: [
    name(),
    column('Containers', CONTAINERS_DESCRIPTION),
    column('Images', IMAGES_DESCRIPTION),
    column('Pod Labels', 'The labels for the pod template.'),
  ],
  print(obj) {
    const template = objectAt(obj, 'template');
    const [names, imgs] = containerCells(objectAt(template, 'spec'));
    return { cells: [nameOf(obj), names, imgs, formatLabels(objectAt(objectAt(template, 'metadata'), 'labels'))] };
  },
};
