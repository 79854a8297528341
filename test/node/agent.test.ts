import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isNotFound } from '../../src/node/api-client.js';
import { ANNOTATIONS } from '../../src/node/runtimes/simulated.js';
import { addressIndex, parseCidr } from '../../src/node/cidr.js';
import type { KubeObject } from '../../src/store/types.js';
import { agentFixture, boundPod, conditionsOf, eventually, phaseOf, type AgentFixture } from './helpers.js';

let fx: AgentFixture;
before(async () => {
  fx = await agentFixture();
});
after(async () => fx.stop());

const podPath = (name: string): string => `/api/v1/namespaces/default/pods/${name}`;

async function runningPod(name: string): Promise<KubeObject> {
  return eventually(`${name} Running and Ready`, async () => {
    const pod = await fx.admin.get(podPath(name));
    return phaseOf(pod) === 'Running' && conditionsOf(pod).Ready === 'True' ? pod : undefined;
  });
}

test('the agent registers its nodes with capacity, labels, podCIDR, addresses, nodeInfo and Ready, and a Lease each', async () => {
  const running = await fx.startAgent({ nodes: 3, namePrefix: 'reg', leasePeriodMs: 200 });
  const nodes = (await fx.admin.list('/api/v1/nodes')).items.filter((n) => n.metadata.name?.startsWith('reg-'));
  assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['reg-0', 'reg-1', 'reg-2']);
  const cidrs = new Set<string>();
  for (const node of nodes) {
    const labels = node.metadata.labels ?? {};
    assert.equal(labels['kubernetes.io/hostname'], node.metadata.name);
    assert.equal(labels['kubernetes.io/os'], 'linux');
    assert.equal(labels['kubernetes.io/arch'], 'amd64');
    assert.equal(labels['node.kubernetes.io/instance-type'], 'kubeql-simulated');
    const spec = node.spec as { podCIDR: string };
    assert.match(spec.podCIDR, /^10\.244\.\d+\.0\/24$/);
    cidrs.add(spec.podCIDR);
    const status = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string }[]; addresses: { type: string }[]; nodeInfo: { kubeletVersion: string } };
    assert.deepEqual(status.capacity, { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    assert.deepEqual(status.allocatable, status.capacity);
    assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(status.addresses.map((a) => a.type), ['InternalIP', 'Hostname']);
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.33.0');
  }
  assert.equal(cidrs.size, 3, 'every node gets its own podCIDR');
  const lease = await fx.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/reg-1');
  const spec = lease.spec as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
  assert.equal(spec.holderIdentity, 'reg-1');
  assert.equal(spec.leaseDurationSeconds, 40);
  assert.deepEqual(lease.metadata.ownerReferences?.[0]?.name, 'reg-1');
  const requestsBefore = running.agent.leaseRequests;
  const renewed = await eventually('the lease renewed', async () => {
    const next = await fx.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/reg-1');
    return (next.spec as { renewTime: string }).renewTime !== spec.renewTime ? next : undefined;
  });
  assert.ok(Number(renewed.metadata.resourceVersion) > Number(lease.metadata.resourceVersion), `resourceVersion ${String(renewed.metadata.resourceVersion)} after ${String(lease.metadata.resourceVersion)}`);
  // Three nodes, one batch: a renewal is one request, and renewals keep coming.
  await eventually('another renewal request', async () => (running.agent.leaseRequests > requestsBefore ? true : undefined));
  await running.stop();
  // Stopped: the leases stop moving.
  const frozen = await fx.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/reg-1');
  await new Promise((resolve) => setTimeout(resolve, 600));
  const later = await fx.admin.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/reg-1');
  assert.equal(later.metadata.resourceVersion, frozen.metadata.resourceVersion);
});

test('a bound pod runs with an address from its node podCIDR, every condition true, and kubelet events', async () => {
  const running = await fx.startAgent({ nodes: 2, namePrefix: 'run' });
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('web', 'run-1', { initContainers: [{ name: 'init', image: 'busybox:1.36' }] }));
  const pod = await runningPod('web');
  const status = pod.status as { podIP: string; hostIP: string; containerStatuses: { ready: boolean; started: boolean; restartCount: number; imageID: string; state: Record<string, unknown> }[]; initContainerStatuses: { state: Record<string, unknown> }[] };
  const node = await fx.admin.get('/api/v1/nodes/run-1');
  const cidr = parseCidr((node.spec as { podCIDR: string }).podCIDR);
  assert.notEqual(addressIndex(cidr, status.podIP), undefined, `${status.podIP} is inside ${(node.spec as { podCIDR: string }).podCIDR}`);
  assert.equal(status.hostIP, (node.status as { addresses: { address: string }[] }).addresses[0]?.address);
  assert.deepEqual(conditionsOf(pod), { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  const container = status.containerStatuses[0];
  assert.ok(container);
  assert.equal(container.ready, true);
  assert.equal(container.started, true);
  assert.equal(container.restartCount, 0);
  assert.ok('running' in container.state);
  assert.match(container.imageID, /sha256:/);
  assert.ok('terminated' in (status.initContainerStatuses[0]?.state ?? {}));
  const reasons = await eventually('events recorded', async () => {
    const events = (await fx.admin.list('/api/v1/namespaces/default/events')).items.filter((e) => (e.involvedObject as { name: string }).name === 'web');
    const seen = new Set(events.map((e) => e.reason as string));
    return ['Pulling', 'Pulled', 'Created', 'Started'].every((r) => seen.has(r)) ? seen : undefined;
  });
  assert.ok(reasons.has('Started'));
  const images = await eventually('node.status.images lists the pulled image', async () => {
    const n = await fx.admin.get('/api/v1/nodes/run-1');
    const list = (n.status as { images?: { names: string[] }[] }).images ?? [];
    return list.some((i) => i.names.includes('docker.io/library/nginx:1.25')) ? list : undefined;
  });
  assert.ok(images.length >= 2);
  await running.stop();
});

test('deleting a pod goes through Terminating (grace period honoured) and the agent confirms the final delete', async () => {
  await fx.startAgent({ nodes: 1, namePrefix: 'del' });
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('slow', 'del-0', { terminationGracePeriodSeconds: 2 }, { [ANNOTATIONS.stopSeconds]: '1' }));
  await runningPod('slow');
  const started = Date.now();
  const terminating = await fx.admin.delete(podPath('slow'));
  assert.ok(terminating.metadata.deletionTimestamp, 'the delete leaves the pod Terminating');
  assert.equal(terminating.metadata.deletionGracePeriodSeconds, 2);
  const stillThere = await fx.admin.get(podPath('slow'));
  assert.ok(stillThere.metadata.deletionTimestamp);
  await eventually('the pod gone', async () => {
    try {
      await fx.admin.get(podPath('slow'));
      return undefined;
    } catch (err) {
      return isNotFound(err) ? true : undefined;
    }
  });
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `stopping took ${took} ms (the container stops in 1 s, grace 2 s)`);
  const killing = (await fx.admin.list('/api/v1/namespaces/default/events')).items.filter((e) => (e.involvedObject as { name: string }).name === 'slow' && e.reason === 'Killing');
  assert.equal(killing.length, 1);
});

test('a Job-style pod (restartPolicy Never) runs for its annotated time and ends Succeeded; a non-zero exit ends Failed', async () => {
  await fx.startAgent({ nodes: 1, namePrefix: 'job' });
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('job-ok', 'job-0', { restartPolicy: 'Never' }, { [ANNOTATIONS.runSeconds]: '1' }));
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('job-bad', 'job-0', { restartPolicy: 'Never' }, { [ANNOTATIONS.runSeconds]: '0', [ANNOTATIONS.exitCode]: '2' }));
  const ok = await eventually('job-ok Succeeded', async () => {
    const pod = await fx.admin.get(podPath('job-ok'));
    return phaseOf(pod) === 'Succeeded' ? pod : undefined;
  });
  const state = (ok.status as { containerStatuses: { state: { terminated?: { exitCode: number; reason: string } } }[] }).containerStatuses[0]?.state.terminated;
  assert.deepEqual({ exitCode: state?.exitCode, reason: state?.reason }, { exitCode: 0, reason: 'Completed' });
  assert.equal(conditionsOf(ok).Ready, 'False');
  const bad = await eventually('job-bad Failed', async () => {
    const pod = await fx.admin.get(podPath('job-bad'));
    return phaseOf(pod) === 'Failed' ? pod : undefined;
  });
  assert.equal((bad.status as { containerStatuses: { state: { terminated?: { exitCode: number } } }[] }).containerStatuses[0]?.state.terminated?.exitCode, 2);
});

test('the ready annotation makes a running pod not Ready and back', async () => {
  await fx.startAgent({ nodes: 1, namePrefix: 'rdy' });
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('flip', 'rdy-0'));
  await runningPod('flip');
  await fx.admin.mergePatch(podPath('flip'), { metadata: { annotations: { [ANNOTATIONS.ready]: 'false' } } });
  const unready = await eventually('flip not Ready', async () => {
    const pod = await fx.admin.get(podPath('flip'));
    return conditionsOf(pod).Ready === 'False' ? pod : undefined;
  });
  assert.equal(phaseOf(unready), 'Running');
  await fx.admin.mergePatch(podPath('flip'), { metadata: { annotations: { [ANNOTATIONS.ready]: 'true' } } });
  await runningPod('flip');
});

test('a restarted agent re-attaches to its nodes and pods without recreating or restarting them', async () => {
  const first = await fx.startAgent({ nodes: 2, namePrefix: 'rst' });
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('keep', 'rst-0'));
  const before = await runningPod('keep');
  const nodeBefore = await fx.admin.get('/api/v1/nodes/rst-0');
  await first.stop();
  // While the agent is down, a pod is bound to its node and another is deleted.
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('late', 'rst-1'));
  const second = await fx.startAgent({ nodes: 2, namePrefix: 'rst' });
  const nodeAfter = await fx.admin.get('/api/v1/nodes/rst-0');
  assert.equal(nodeAfter.metadata.uid, nodeBefore.metadata.uid);
  assert.equal((nodeAfter.spec as { podCIDR: string }).podCIDR, (nodeBefore.spec as { podCIDR: string }).podCIDR);
  await runningPod('late');
  const after = await runningPod('keep');
  assert.equal(after.metadata.uid, before.metadata.uid);
  const ip = (p: KubeObject): string => (p.status as { podIP: string }).podIP;
  assert.equal(ip(after), ip(before));
  assert.notEqual(ip(await fx.admin.get(podPath('late'))), ip(after));
  const started = (p: KubeObject): unknown => (p.status as { containerStatuses: { state: unknown; restartCount: number }[] }).containerStatuses[0];
  assert.deepEqual(started(after), started(before));
  assert.equal(second.agent.podCount, 2);
});

test('the lease renewal endpoint refuses a body without leases with 400', async () => {
  await assert.rejects(fx.admin.post('/kubeql/v1/leaserenewals', { items: [] }), (err: Error & { code?: number }) => err.code === 400);
});

test('the pod watch resumes from its last resourceVersion when the server ends it, missing no pod', async () => {
  const running = await fx.startAgent({ nodes: 1, namePrefix: 'wch', watchTimeoutSeconds: 1 });
  for (let i = 0; i < 3; i++) {
    await fx.admin.post('/api/v1/namespaces/default/pods', boundPod(`resumed-${i}`, 'wch-0'));
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  for (let i = 0; i < 3; i++) await runningPod(`resumed-${i}`);
  assert.ok(running.agent.watches >= 2, `watches opened: ${running.agent.watches}`);
  assert.equal(running.agent.relists, 0);
});

test('leases are renewed in batches spread over the period: one request per batch, each lease once a period', async () => {
  const running = await fx.startAgent({ nodes: 5, namePrefix: 'bat', leaseBatchSize: 2, leasePeriodMs: 600 });
  const leasePath = (name: string): string => `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
  const renewTimes = async (): Promise<string[]> => Promise.all(['bat-0', 'bat-2', 'bat-4'].map(async (n) => ((await fx.admin.get(leasePath(n))).spec as { renewTime: string }).renewTime));
  const first = await renewTimes();
  const requestsBefore = running.agent.leaseRequests;
  await new Promise((resolve) => setTimeout(resolve, 1300));
  const second = await renewTimes();
  for (const [i, time] of second.entries()) assert.notEqual(time, first[i], 'every batch was renewed');
  // Two periods of three batches (2 + 2 + 1 leases): about six requests, not fifteen.
  const requests = running.agent.leaseRequests - requestsBefore;
  assert.ok(requests >= 4 && requests <= 8, `lease requests in ~2 periods: ${requests}`);
  await running.stop();
});
