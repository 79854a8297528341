// The disruption controller behind the real API, driven by kubectl: a
// PodDisruptionBudget's ALLOWED DISRUPTIONS, and `kubectl drain` evicting one
// pod, being refused while the replacement is not Ready, and going on once it is.
// A stand-in kubelet marks pods Ready (unless held) and finishes graceful deletions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controllers } from '../../src/controllers/index.js';
import type { KubeObject } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath, type KubectlResult } from '../helpers/kubectl.js';
import { admin, eventually, listPods, makeReady, startManagedApi } from './helpers.js';

const MANIFESTS = `apiVersion: v1
kind: Node
metadata:
  name: n1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      nodeName: n1
      containers:
      - name: web
        image: nginx
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: default
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: web
`;

const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl disruption tests: ${skip}\n`);

const isReady = (pod: KubeObject): boolean => ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

describe('kubectl drain against the disruption controller', { skip }, () => {
  let t: TestApi;
  let stop: () => Promise<void>;
  let holdNewPods = false;
  const readyAllowed = new Set<string>();
  let stopped = false;
  let kubelet: Promise<void> = Promise.resolve();

  const k = async (...args: string[]): Promise<string> => {
    const r = await kubectl(t.kubeconfig, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const livePods = async (): Promise<KubeObject[]> => (await listPods(t.api.objects, t.cluster)).filter((p) => p.metadata.deletionTimestamp === undefined);
  const pdbRow = async (): Promise<string> => (await k('get', 'pdb', 'web', '--no-headers')).trim().replace(/\s+/g, ' ');

  before(async () => {
    ({ t, stop } = await startManagedApi(controllers));
    const pods = t.api.objects.resource(t.cluster, '', 'v1', 'pods');
    kubelet = (async () => {
      while (!stopped) {
        try {
          for (const pod of await listPods(t.api.objects, t.cluster)) {
            const name = pod.metadata.name ?? '';
            if (pod.metadata.deletionTimestamp !== undefined) {
              // The kubelet's part of a graceful deletion: the containers are stopped at once.
              await t.api.objects.delete(pods, 'default', name, { requester: admin, gracePeriodSeconds: 0 }).catch(() => undefined);
            } else if (!isReady(pod) && (!holdNewPods || readyAllowed.has(name))) {
              await makeReady(t.api.objects, t.cluster, pod).catch(() => undefined);
            }
          }
        } catch {
          // The API may be stopping.
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
  });
  after(async () => {
    stopped = true;
    await kubelet;
    await stop();
  });

  it('kubectl get pdb shows ALLOWED DISRUPTIONS 1 for 3 Ready pods and minAvailable 2', async () => {
    const r = await kubectl(t.kubeconfig, ['apply', '-f', '-'], { input: MANIFESTS });
    assert.equal(r.code, 0, r.stderr);
    await k('rollout', 'status', 'deployment/web', '--timeout=30s');
    await eventually(async () => (await pdbRow()).startsWith('web 2 N/A 1 '), 15_000, 'ALLOWED DISRUPTIONS 1');
    assert.match(await k('get', 'pdb'), /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N\/A\s+1\s+\d+s\n$/);
    const status = JSON.parse(await k('get', 'pdb', 'web', '-o', 'jsonpath={.status}')) as Record<string, unknown>;
    assert.deepEqual([status.expectedPods, status.currentHealthy, status.desiredHealthy, status.disruptionsAllowed], [3, 3, 2, 1]);
    assert.match(await k('describe', 'pdb', 'web'), /Min available:\s+2\nSelector:\s+app=web\nStatus:\n\s+Allowed disruptions:\s+1\n\s+Current:\s+3\n\s+Desired:\s+2\n\s+Total:\s+3\n/);
  });

  it('drain evicts one pod, is refused while the replacement is not Ready, and finishes once it is', async () => {
    const originals = (await livePods()).map((p) => p.metadata.name ?? '');
    assert.equal(originals.length, 3);
    holdNewPods = true;
    const drain = kubectl(t.kubeconfig, ['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=45s']);
    let finished: KubectlResult | undefined;
    void drain.then((r) => (finished = r));

    // One pod is evicted and replaced; the replacement is held not Ready.
    const replacement = await eventually(async () => {
      const live = await livePods();
      const left = live.filter((p) => originals.includes(p.metadata.name ?? ''));
      const fresh = live.filter((p) => !originals.includes(p.metadata.name ?? ''));
      return left.length === 2 && fresh.length === 1 ? fresh[0] : undefined;
    }, 20_000, 'one pod evicted and replaced');
    await eventually(async () => (await pdbRow()).startsWith('web 2 N/A 0 '), 10_000, 'ALLOWED DISRUPTIONS 0');
    // kubectl retries refused evictions every 5 s: two rounds pass and the other pods stay.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    assert.equal(finished, undefined, 'drain is still waiting');
    assert.equal((await livePods()).filter((p) => originals.includes(p.metadata.name ?? '')).length, 2);

    readyAllowed.add(replacement.metadata.name ?? '');
    holdNewPods = false;
    const result = await drain;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /error when evicting pods\/"web-\w+-\w+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.match(result.stdout, /node\/n1 cordoned/);
    for (const name of originals) assert.match(result.stdout, new RegExp(`pod/${name} evicted`));
    assert.match(result.stdout, /node\/n1 drained/);
    assert.equal((await livePods()).filter((p) => originals.includes(p.metadata.name ?? '')).length, 0);
  });

  it('an eviction over REST is refused with 429 and the budget message while no disruption is allowed', async () => {
    holdNewPods = true;
    readyAllowed.clear();
    // Two more pods that never become Ready leave the budget without a disruption to give.
    await k('scale', 'deployment/web', '--replicas=5');
    await eventually(async () => (await livePods()).length === 5, 10_000, '5 pods');
    await eventually(async () => (await pdbRow()).startsWith('web 2 N/A 1 '), 10_000, 'ALLOWED DISRUPTIONS 1');
    const ready = (await livePods()).filter(isReady);
    const evict = (name: string): Promise<KubectlResult> =>
      kubectl(t.kubeconfig, ['create', '--raw', `/api/v1/namespaces/default/pods/${name}/eviction`, '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } }),
      });
    const first = await evict(ready[0]?.metadata.name ?? '');
    assert.equal(first.code, 0, first.stderr);
    const second = await evict(ready[1]?.metadata.name ?? '');
    assert.notEqual(second.code, 0);
    assert.equal(second.stderr, `Error from server (TooManyRequests): ${REFUSED}\n`);
    await eventually(async () => (await pdbRow()).startsWith('web 2 N/A 0 '), 10_000, 'ALLOWED DISRUPTIONS 0');
  });
});
