// The deployment and replicaset controllers behind the real API, driven by
// kubectl: rollout status/history/undo/restart/pause/resume, scale, and a
// deleted pod replaced. Pods become Ready through a stand-in node agent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllers } from '../../src/controllers/index.js';
import type { TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { eventually, listPods, standInKubelet, startManagedApi } from './helpers.js';

const SEED_000_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fortune-teller-app
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      k8s-app: fortune-teller-app
  template:
    metadata:
      labels:
        k8s-app: fortune-teller-app
    spec:
      containers:
      - image: quay.io/kubernetes-ingress-controller/grpc-fortune-teller:0.1
        imagePullPolicy: IfNotPresent
        name: fortune-teller-app
        ports:
        - containerPort: 50051
          name: grpc
          protocol: TCP
`;

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl rollout tests: ${skip}\n`);

describe('kubectl against the deployment controller', { skip }, () => {
  let t: TestApi;
  let stop: () => Promise<void>;
  let stopKubelet: () => Promise<void>;
  const k = async (...args: string[]): Promise<string> => {
    const r = await kubectl(t.kubeconfig, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const livePods = async (): Promise<string[]> => (await listPods(t.api.objects, t.cluster)).filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => p.metadata.name ?? '');

  before(async () => {
    ({ t, stop } = await startManagedApi(controllers));
    stopKubelet = standInKubelet(t.api.objects, t.cluster, 50);
  });
  after(async () => {
    await stopKubelet();
    await stop();
  });

  it('seed 000: apply, rollout status, then kubectl scale from 1 to 2', async () => {
    const r = await kubectl(t.kubeconfig, ['apply', '-f', '-'], { input: SEED_000_DEPLOYMENT });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s'), /deployment "fortune-teller-app" successfully rolled out/);
    assert.match(await k('scale', 'deployment/fortune-teller-app', '--replicas=2'), /deployment.apps\/fortune-teller-app scaled/);
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    assert.equal((await livePods()).length, 2);
    const ready = await k('get', 'deployment', 'fortune-teller-app', '-o', 'jsonpath={.status.readyReplicas}/{.status.availableReplicas}/{.status.updatedReplicas}');
    assert.equal(ready, '2/2/2');
  });

  it('a deleted pod is replaced', async () => {
    const [victim] = await livePods();
    await k('delete', 'pod', victim ?? '', '--wait=false');
    await eventually(async () => {
      const pods = await livePods();
      return pods.length === 2 && !pods.includes(victim ?? '');
    }, 10_000, 'a replacement pod');
  });

  it('set image rolls out revision 2; rollout history lists both; undo restores the previous template', async () => {
    await k('set', 'image', 'deployment/fortune-teller-app', 'fortune-teller-app=quay.io/kubernetes-ingress-controller/grpc-fortune-teller:0.2');
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    const history = await k('rollout', 'history', 'deployment/fortune-teller-app');
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await k('rollout', 'history', 'deployment/fortune-teller-app', '--revision=2'), /grpc-fortune-teller:0\.2/);
    assert.match(await k('rollout', 'undo', 'deployment/fortune-teller-app'), /rolled back/);
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    assert.equal(await k('get', 'deployment', 'fortune-teller-app', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'quay.io/kubernetes-ingress-controller/grpc-fortune-teller:0.1');
    assert.equal(await k('get', 'deployment', 'fortune-teller-app', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '3');
    assert.equal((await k('get', 'rs', '-o', 'name')).trim().split('\n').length, 2, 'the undo reused the first ReplicaSet');
    await k('rollout', 'undo', 'deployment/fortune-teller-app', '--to-revision=2');
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    assert.match(await k('get', 'deployment', 'fortune-teller-app', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), /:0\.2$/);
  });

  it('rollout restart makes a new ReplicaSet; pause holds a change until resume', async () => {
    const before = (await k('get', 'rs', '-o', 'name')).trim().split('\n').length;
    await k('rollout', 'restart', 'deployment/fortune-teller-app');
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    assert.equal((await k('get', 'rs', '-o', 'name')).trim().split('\n').length, before + 1);
    assert.match(await k('rollout', 'pause', 'deployment/fortune-teller-app'), /paused/);
    await k('set', 'image', 'deployment/fortune-teller-app', 'fortune-teller-app=quay.io/kubernetes-ingress-controller/grpc-fortune-teller:0.3');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.doesNotMatch(await k('get', 'rs', '-o', 'jsonpath={.items[*].spec.template.spec.containers[0].image}'), /:0\.3/);
    assert.match(await k('rollout', 'resume', 'deployment/fortune-teller-app'), /resumed/);
    await k('rollout', 'status', 'deployment/fortune-teller-app', '--timeout=30s');
    assert.match(await k('get', 'rs', '-o', 'jsonpath={.items[*].spec.template.spec.containers[0].image}'), /:0\.3/);
    const described = await k('describe', 'deployment', 'fortune-teller-app');
    assert.match(described, /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set fortune-teller-app-\w+ from 0 to 1\n/);
    assert.match(described, /Scaled down replica set fortune-teller-app-\w+ from 1 to 0\n/);
    assert.match(described, /NewReplicaSet:\s+fortune-teller-app-\w+ \(2\/2 replicas created\)/);
  });
});
