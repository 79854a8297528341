// Micro-measurement, not a test: how long one scheduling cycle (schedule +
// assume) takes over 1,000 nodes already running 10,000 pods.
//   node --import tsx test/scheduler/measure-cycle.ts [nodes] [existingPods] [podsToSchedule]

import type { Pod } from '../../src/kube/types.js';
import { buildProfile } from '../../src/scheduler/registry.js';
import { Scheduler } from '../../src/scheduler/schedule-one.js';
import { SchedulerSnapshot } from '../../src/scheduler/snapshot.js';
import { makeNode, makePod } from './fixtures.js';

const [nodeCount = 1000, existingCount = 10_000, toSchedule = 5_000] = process.argv.slice(2).map(Number);
const ZONES = ['a', 'b', 'c'];
const OWNERS = 200;

function workload(i: number, nodeName?: string): Pod {
  const owner = `rs-${i % OWNERS}`;
  const pod = makePod(`pod-${i}`, { owner, labels: { app: owner }, requests: { cpu: '100m', memory: '128Mi' }, ...(nodeName ? { nodeName } : {}) });
  // One workload in twenty spreads itself over zones explicitly; one in fifty keeps replicas apart.
  const spec = { ...pod.spec };
  if (i % 20 === 0) {
    return { ...pod, spec: { ...spec, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: owner } } }] } };
  }
  if (i % 50 === 1) {
    return {
      ...pod,
      spec: { ...spec, affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: owner } }, topologyKey: 'kubernetes.io/hostname' } }] } } },
    };
  }
  return pod;
}

const snapshot = new SchedulerSnapshot();
for (let n = 0; n < nodeCount; n++) {
  snapshot.upsertNode(makeNode(`node-${n}`, { labels: { 'topology.kubernetes.io/zone': ZONES[n % ZONES.length] as string }, allocatable: { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '500Gi' } }));
}
let t = performance.now();
for (let i = 0; i < existingCount; i++) snapshot.upsertPod(workload(i, `node-${i % nodeCount}`));
const loadMs = performance.now() - t;

const scheduler = new Scheduler(buildProfile(), snapshot);
const pending = Array.from({ length: toSchedule }, (_, i) => workload(existingCount + i));
const warmup = Math.min(200, toSchedule);
for (let i = 0; i < warmup; i++) {
  const r = scheduler.schedule(pending[i] as Pod);
  if (r.kind === 'Scheduled') snapshot.assumePod(pending[i] as Pod, r.nodeName, r.podInfo);
}
const durations: number[] = [];
t = performance.now();
let unscheduled = 0;
for (let i = warmup; i < toSchedule; i++) {
  const started = performance.now();
  const r = scheduler.schedule(pending[i] as Pod);
  if (r.kind === 'Scheduled') snapshot.assumePod(pending[i] as Pod, r.nodeName, r.podInfo);
  else unscheduled++;
  durations.push(performance.now() - started);
}
const totalMs = performance.now() - t;
durations.sort((a, b) => a - b);
const pct = (p: number) => (durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] as number).toFixed(3);
process.stdout.write(
  `${nodeCount} nodes, ${existingCount} existing pods (loaded in ${loadMs.toFixed(0)} ms); scheduled ${durations.length} pods in ${totalMs.toFixed(0)} ms` +
    ` = ${((durations.length / totalMs) * 1000).toFixed(0)} pods/s; per cycle p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms; unschedulable ${unscheduled}\n`,
);
