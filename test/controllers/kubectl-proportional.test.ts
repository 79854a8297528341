// Proportional scaling through kubectl: a Deployment stuck mid-rollout (its
// new pods never become Ready) is paused and scaled; the change is spread over
// its old and new ReplicaSets by size, within replicas + maxSurge, and
// `kubectl describe` tells the story in ScalingReplicaSet events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllers } from '../../src/controllers/index.js';
import type { KubeObject } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { eventually, standInKubelet, startManagedApi } from './helpers.js';

const BROKEN_IMAGE = 'nginx:does-not-exist';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 10
  selector:
    matchLabels: { app: web }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 3, maxUnavailable: 2 }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - { name: web, image: nginx:1.25 }
`;

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl proportional scaling test: ${skip}\n`);

describe('kubectl scale during a paused rollout', { skip }, () => {
  let t: TestApi;
  let stop: () => Promise<void>;
  let stopKubelet: () => Promise<void>;
  const k = async (...args: string[]): Promise<string> => {
    const r = await kubectl(t.kubeconfig, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** ReplicaSet name -> spec.replicas, and the image each runs. */
  const replicaSets = async (): Promise<{ name: string; replicas: number; image: string; annotations: Record<string, string> }[]> => {
    const list = JSON.parse(await k('get', 'replicasets', '-l', 'app=web', '-o', 'json')) as { items: KubeObject[] };
    return list.items.map((rs) => {
      const spec = rs.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };
      return { name: rs.metadata.name ?? '', replicas: spec.replicas, image: spec.template.spec.containers[0]?.image ?? '', annotations: rs.metadata.annotations ?? {} };
    });
  };
  const sizes = async (): Promise<string> => (await replicaSets()).map((rs) => `${rs.image === BROKEN_IMAGE ? 'new' : 'old'}=${rs.replicas}`).sort().join(',');

  before(async () => {
    ({ t, stop } = await startManagedApi(controllers));
    const image = (pod: KubeObject): string | undefined => (pod.spec as { containers?: { image?: string }[] } | undefined)?.containers?.[0]?.image;
    stopKubelet = standInKubelet(t.api.objects, t.cluster, 20, (pod) => image(pod) !== BROKEN_IMAGE);
  });
  after(async () => {
    await stopKubelet();
    await stop();
  });

  it('spreads a scale-up and a scale-down over the old and new ReplicaSets in proportion to their sizes', async () => {
    const applied = await kubectl(t.kubeconfig, ['apply', '-f', '-'], { input: DEPLOYMENT });
    assert.equal(applied.code, 0, applied.stderr);
    await k('rollout', 'status', 'deployment/web', '--timeout=40s');
    await k('set', 'image', 'deployment/web', `web=${BROKEN_IMAGE}`);
    // 10 replicas, maxSurge 3, maxUnavailable 2, new pods never Ready: 8 old + 5 new (13 = 10 + 3) and stuck.
    await eventually(async () => (await sizes()) === 'new=5,old=8', 20_000, 'rollout stuck at old=8,new=5');
    await k('rollout', 'pause', 'deployment/web');

    assert.match(await k('scale', 'deployment/web', '--replicas=15'), /deployment.apps\/web scaled/);
    // 18 = 15 + 3 allowed, 5 to add: 8 * 18/13 → 11 (+3), 5 * 18/13 → 7 (+2).
    await eventually(async () => (await sizes()) === 'new=7,old=11', 20_000, 'old=11,new=7 after scaling to 15');
    for (const rs of await replicaSets()) {
      assert.equal(rs.annotations['deployment.kubernetes.io/desired-replicas'], '15', rs.name);
      assert.equal(rs.annotations['deployment.kubernetes.io/max-replicas'], '18', rs.name);
    }
    const named = Object.fromEntries((await replicaSets()).map((rs) => [rs.image === BROKEN_IMAGE ? 'new' : 'old', rs.name]));
    await eventually(async () => {
      const described = await k('describe', 'deployment', 'web');
      return described.includes(`Scaled up replica set ${named.old} from 8 to 11`) && described.includes(`Scaled up replica set ${named.new} from 5 to 7`);
    }, 10_000, 'ScalingReplicaSet events in kubectl describe');

    await k('scale', 'deployment/web', '--replicas=5');
    // 8 = 5 + 3 allowed, 10 to remove: 11 * 8/18 → 5 (-6), 7 * 8/18 → 3 (-4).
    await eventually(async () => (await sizes()) === 'new=3,old=5', 20_000, 'old=5,new=3 after scaling to 5');
    const described = await k('describe', 'deployment', 'web');
    assert.ok(described.includes(`Scaled down replica set ${named.old} from 11 to 5`), described);
    assert.ok(described.includes(`Scaled down replica set ${named.new} from 7 to 3`), described);
    // The ReplicaSet controller follows: pods match the new sizes.
    await eventually(async () => {
      const rs = JSON.parse(await k('get', 'replicasets', '-l', 'app=web', '-o', 'json')) as { items: KubeObject[] };
      return rs.items.map((r) => (r.status as { replicas?: number } | undefined)?.replicas ?? 0).sort().join(',') === '3,5';
    }, 20_000, 'ReplicaSet status replicas 5 and 3');
  });
});
