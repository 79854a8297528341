// The scheduler end to end: real kubectl against the API, the scheduler
// worker running in-process on the API's object service, nodes registered
// the way a node agent would (no node agent exists yet).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl, kubectlPath } from '../../helpers/kubectl.js';
import { ADMIN, eventually, nodeObject, startTestScheduler, type NodeSpecOptions, type TestScheduler } from '../worker/helpers.js';

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping scheduler e2e tests: ${skip}\n`);

interface Env {
  t: TestApi;
  scheduler: TestScheduler;
}

const envs: Env[] = [];

after(async () => {
  for (const { t, scheduler } of envs) {
    await scheduler.stop();
    await t.stop();
  }
});

async function cluster(nodes: [string, NodeSpecOptions][]): Promise<Env> {
  const t = await startTestApi();
  const ref = t.api.objects.resource(t.cluster, '', 'v1', 'nodes');
  for (const [name, o] of nodes) await t.api.objects.create(ref, '', nodeObject(name, o), { requester: ADMIN });
  const scheduler = await startTestScheduler(t.api.objects, t.cluster);
  const env = { t, scheduler };
  envs.push(env);
  return env;
}

async function k(env: Env, args: string[], input?: string): Promise<string> {
  const r = await kubectl(env.t.kubeconfig, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function podYaml(name: string, extra: string, cpu = '100m'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: ${name.replace(/-\d+$/, '')} }
spec:
${extra}
  containers:
  - name: app
    image: nginx
    resources: { requests: { cpu: ${cpu} } }
---
`;
}

const nodeOf = (env: Env, pod: string): Promise<string> => k(env, ['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}']);
const scheduledMessage = (env: Env, pod: string): Promise<string> => k(env, ['get', 'pod', pod, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']);

async function boundNode(env: Env, pod: string): Promise<string> {
  return eventually(async () => (await nodeOf(env, pod)) || undefined, 10_000, `${pod} to be bound`);
}

describe('scheduling with kubectl', { skip }, () => {
  it('kubectl taint keeps new pods off a node unless they tolerate it', async () => {
    const env = await cluster([['n1', {}], ['n2', {}]]);
    await k(env, ['taint', 'nodes', 'n1', 'dedicated=db:NoSchedule']);
    await eventually(async () => (env.scheduler.scheduler.snapshot.nodeInfo('n1')?.taints.length === 1 ? true : undefined), 5000, 'the taint in the snapshot');
    await k(env, ['apply', '-f', '-'], [1, 2, 3, 4].map((i) => podYaml(`plain-${i}`, '')).join(''));
    const tolerating = '  tolerations: [{ key: dedicated, operator: Equal, value: db, effect: NoSchedule }]\n  nodeSelector: { kubernetes.io/hostname: n1 }';
    await k(env, ['apply', '-f', '-'], podYaml('tolerant', tolerating));
    for (const i of [1, 2, 3, 4]) assert.equal(await boundNode(env, `plain-${i}`), 'n2');
    assert.equal(await boundNode(env, 'tolerant'), 'n1');
  });

  it('a nodeSelector pod stays Pending with a clear message until kubectl label node, then is bound there', async () => {
    const env = await cluster([['n1', {}], ['n2', {}], ['n3', {}]]);
    await k(env, ['apply', '-f', '-'], podYaml('needs-gpu', '  nodeSelector: { gpu: "true" }'));
    const message = await eventually(async () => (await scheduledMessage(env, 'needs-gpu')) || undefined, 10_000, 'the PodScheduled message');
    assert.match(message, /^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);
    assert.equal(await k(env, ['get', 'pod', 'needs-gpu', '-o', 'jsonpath={.status.phase}']), 'Pending');
    const events = await k(env, ['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /didn't match Pod's node affinity\/selector/);
    await k(env, ['label', 'node', 'n2', 'gpu=true']);
    assert.equal(await boundNode(env, 'needs-gpu'), 'n2');
  });

  it('required pod anti-affinity spreads replicas over nodes', async () => {
    const env = await cluster([['n1', {}], ['n2', {}], ['n3', {}]]);
    const anti = '  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: { matchLabels: { app: spread } }\n        topologyKey: kubernetes.io/hostname';
    await k(env, ['apply', '-f', '-'], [1, 2, 3, 4].map((i) => podYaml(`spread-${i}`, anti)).join(''));
    const nodes = new Set<string>();
    let pending = 0;
    await eventually(async () => {
      nodes.clear();
      pending = 0;
      for (const i of [1, 2, 3, 4]) {
        const n = await nodeOf(env, `spread-${i}`);
        if (n) nodes.add(n);
        else if (/anti-affinity/.test(await scheduledMessage(env, `spread-${i}`))) pending++;
      }
      return nodes.size === 3 && pending === 1 ? true : undefined;
    }, 10_000, 'three replicas on three nodes and the fourth explained');
    assert.deepEqual([...nodes].sort(), ['n1', 'n2', 'n3']);
  });

  it('an oversized request explains itself', async () => {
    const env = await cluster([['n1', { cpu: '2' }], ['n2', { cpu: '2' }]]);
    await k(env, ['apply', '-f', '-'], podYaml('huge', '', '64'));
    const message = await eventually(async () => (await scheduledMessage(env, 'huge')) || undefined, 10_000, 'the PodScheduled message');
    assert.match(message, /^0\/2 nodes are available: 2 Insufficient cpu\./);
    const describe = await k(env, ['describe', 'pod', 'huge']);
    assert.match(describe, /FailedScheduling/);
    assert.match(describe, /0\/2 nodes are available: 2 Insufficient cpu\./);
  });
});
