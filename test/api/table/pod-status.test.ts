import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../../src/admission/json.js';
import { podStatusCells } from '../../../src/api/table/printers/pods.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

const running = (name: string, restartCount = 0): JsonObject => ({ name, ready: true, restartCount, state: { running: { startedAt: ago(60) } } });
const waiting = (name: string, reason: string, restartCount = 0, lastFinished?: number): JsonObject => ({
  name,
  ready: false,
  restartCount,
  state: { waiting: { reason } },
  ...(lastFinished === undefined ? {} : { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(lastFinished) } } }),
});
const terminated = (name: string, exitCode: number, reason?: string, signal?: number): JsonObject => ({
  name,
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, ...(reason === undefined ? {} : { reason }), ...(signal === undefined ? {} : { signal }) } },
});

function pod(spec: JsonObject, status: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { metadata: { name: 'p', ...metadata }, spec, status };
}

const oneContainer = { containers: [{ name: 'app' }] };
const withInit = { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] };

describe('pod READY, STATUS and RESTARTS', () => {
  const cases: { name: string; pod: JsonObject; ready: string; status: string; restarts: string }[] = [
    { name: 'a running pod', pod: pod(oneContainer, { phase: 'Running', containerStatuses: [running('app')] }), ready: '1/1', status: 'Running', restarts: '0' },
    { name: 'a pod still pulling its image', pod: pod(oneContainer, { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] }), ready: '0/1', status: 'ContainerCreating', restarts: '0' },
    { name: 'a pending pod without statuses', pod: pod(oneContainer, { phase: 'Pending' }), ready: '0/1', status: 'Pending', restarts: '0' },
    {
      name: 'a crash-looping container shows its restarts and when it last died',
      pod: pod(oneContainer, { phase: 'Running', containerStatuses: [waiting('app', 'CrashLoopBackOff', 3, 5)] }),
      ready: '0/1',
      status: 'CrashLoopBackOff',
      restarts: '3 (5m ago)',
    },
    { name: 'an image that cannot be pulled', pod: pod(oneContainer, { phase: 'Pending', containerStatuses: [waiting('app', 'ErrImagePull')] }), ready: '0/1', status: 'ErrImagePull', restarts: '0' },
    {
      name: 'a pod waiting for its init container',
      pod: pod(withInit, { phase: 'Pending', initContainerStatuses: [waiting('init', 'PodInitializing')], containerStatuses: [waiting('app', 'PodInitializing')] }),
      ready: '0/1',
      status: 'Init:0/1',
      restarts: '0',
    },
    {
      name: 'a crash-looping init container',
      pod: pod(withInit, { phase: 'Pending', initContainerStatuses: [waiting('init', 'CrashLoopBackOff', 2, 1)], containerStatuses: [waiting('app', 'PodInitializing')] }),
      ready: '0/1',
      status: 'Init:CrashLoopBackOff',
      restarts: '2 (60s ago)',
    },
    {
      name: 'an init container that failed with a reason',
      pod: pod(withInit, { phase: 'Failed', initContainerStatuses: [terminated('init', 1, 'Error')] }),
      ready: '0/1',
      status: 'Init:Error',
      restarts: '0',
    },
    { name: 'an init container that exited without a reason', pod: pod(withInit, { phase: 'Pending', initContainerStatuses: [terminated('init', 2)] }), ready: '0/1', status: 'Init:ExitCode:2', restarts: '0' },
    { name: 'an init container killed by a signal', pod: pod(withInit, { phase: 'Pending', initContainerStatuses: [terminated('init', 137, undefined, 9)] }), ready: '0/1', status: 'Init:Signal:9', restarts: '0' },
    {
      name: 'a finished init container lets the app container\'s state show',
      pod: pod(withInit, { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [terminated('init', 0, 'Completed')], containerStatuses: [running('app')] }),
      ready: '1/1',
      status: 'Running',
      restarts: '0',
    },
    {
      name: 'a pod that ran to completion',
      pod: pod(oneContainer, { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] }),
      ready: '0/1',
      status: 'Completed',
      restarts: '0',
    },
    { name: 'a container that exited without a reason', pod: pod(oneContainer, { phase: 'Failed', containerStatuses: [terminated('app', 3)] }), ready: '0/1', status: 'ExitCode:3', restarts: '0' },
    { name: 'an evicted pod shows the pod-level reason', pod: pod(oneContainer, { phase: 'Failed', reason: 'Evicted' }), ready: '0/1', status: 'Evicted', restarts: '0' },
    {
      name: 'a running pod being deleted is Terminating',
      pod: pod(oneContainer, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: ago(0) }),
      ready: '1/1',
      status: 'Terminating',
      restarts: '0',
    },
    {
      name: 'a finished pod being deleted keeps its final status',
      pod: pod(oneContainer, { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] }, { deletionTimestamp: ago(0) }),
      ready: '0/1',
      status: 'Completed',
      restarts: '0',
    },
    { name: 'a pod on a lost node being deleted is Unknown', pod: pod(oneContainer, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(0) }), ready: '0/1', status: 'Unknown', restarts: '0' },
    {
      name: 'a pod held by scheduling gates',
      pod: pod(oneContainer, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      ready: '0/1',
      status: 'SchedulingGated',
      restarts: '0',
    },
    {
      name: 'a completed container beside a running one reads Running when the pod is ready',
      pod: pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('a'), terminated('b', 0, 'Completed')] }),
      ready: '1/2',
      status: 'Running',
      restarts: '0',
    },
    {
      name: 'a completed container beside a running one reads NotReady when the pod is not ready',
      pod: pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', containerStatuses: [running('a'), terminated('b', 0, 'Completed')] }),
      ready: '1/2',
      status: 'NotReady',
      restarts: '0',
    },
    {
      name: 'a started sidecar counts toward READY and its restarts count after initialization',
      pod: pod(
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ ...running('proxy', 2), started: true, lastState: { terminated: { exitCode: 1, finishedAt: ago(20) } } }],
          containerStatuses: [running('app', 4)],
        },
      ),
      ready: '2/2',
      status: 'Running',
      restarts: '6 (20m ago)',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.ready} ${c.status} ${c.restarts}`, () => {
      assert.deepEqual(podStatusCells(c.pod, NOW), { ready: c.ready, status: c.status, restarts: c.restarts });
    });
  }
});
