import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import deployment from '../../src/controllers/deployment.js';
import replicaset from '../../src/controllers/replicaset.js';
import type { ControllerManager } from '../../src/controllers/runtime/controller-manager.js';
import type { KubeObject } from '../../src/store/types.js';
import { uniqueClusterName } from '../helpers/env.js';
import { admin, eventually, listPods, obliterate, standInKubelet, testManager, testObjects } from './helpers.js';

const objects = testObjects();
const managers: ControllerManager[] = [];
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  for (const m of managers) {
    await m.stop();
    await obliterate(m.prefix, ['deployment', 'replicaset']);
  }
  await objects.store.close();
});

async function started(cluster: string): Promise<ControllerManager> {
  const m = testManager(objects, cluster, [deployment, replicaset]);
  managers.push(m);
  await m.start();
  return m;
}

function kubelet(cluster: string, delayMs = 100): void {
  stops.push(standInKubelet(objects, cluster, delayMs));
}

const dRef = (cluster: string) => objects.resource(cluster, 'apps', 'v1', 'deployments');
const rsRef = (cluster: string) => objects.resource(cluster, 'apps', 'v1', 'replicasets');

function deploymentObject(name: string, replicas: number, image: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } }, ...spec },
  };
}

interface Status {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

const statusOf = async (cluster: string, name: string): Promise<{ d: KubeObject; status: Status }> => {
  const d = await objects.get(dRef(cluster), 'default', name);
  return { d, status: (d.status ?? {}) as Status };
};

/** kubectl rollout status's notion of done. */
async function rolledOut(cluster: string, name: string, replicas: number, timeoutMs = 15_000): Promise<Status> {
  return eventually(async () => {
    const { d, status } = await statusOf(cluster, name);
    const ok = status.observedGeneration === d.metadata.generation && status.updatedReplicas === replicas && status.replicas === replicas && status.availableReplicas === replicas;
    return ok ? status : undefined;
  }, timeoutMs, `${name} rolled out with ${replicas} replicas`);
}

const ownedReplicaSets = async (cluster: string, d: KubeObject): Promise<KubeObject[]> =>
  (await objects.list(rsRef(cluster), 'default')).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));

const imageOf = (o: KubeObject): string | undefined => (o.spec as { template?: { spec?: { containers?: { image?: string }[] } } }).template?.spec?.containers?.[0]?.image;

describe('deployment controller', () => {
  it('creates a ReplicaSet named by the pod-template hash, with revision 1, and reports the rollout complete', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    kubelet(cluster);
    const d = await objects.create(dRef(cluster), 'default', deploymentObject('web', 2, 'nginx:1.25'), { requester: admin });
    const status = await rolledOut(cluster, 'web', 2);
    const [rs, ...others] = await ownedReplicaSets(cluster, d);
    assert.equal(others.length, 0);
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs?.metadata.name, `web-${hash}`);
    assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual((rs?.spec as { selector?: unknown }).selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.equal(status.readyReplicas, 2);
    assert.equal(status.unavailableReplicas, 0);
    assert.equal(status.conditions?.find((c) => c.type === 'Available')?.status, 'True');
    const progressing = status.conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'NewReplicaSetAvailable');
    assert.equal(progressing?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.equal((await statusOf(cluster, 'web')).d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const events = (await objects.list(objects.resource(cluster, '', 'v1', 'events'), 'default')).items.filter((e) => e.reason === 'ScalingReplicaSet');
    assert.ok(events.some((e) => e.message === `Scaled up replica set web-${hash} from 0 to 2`), JSON.stringify(events.map((e) => e.message)));
  });

  it('rolls an image change without ever having fewer than replicas - maxUnavailable ready pods (watch stream), then rolls back', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    kubelet(cluster, 150);
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    const d = await objects.create(dRef(cluster), 'default', deploymentObject('api', 4, 'nginx:1.25', { strategy }), { requester: admin });
    await rolledOut(cluster, 'api', 4);
    const watch = await objects.watch(objects.resource(cluster, '', 'v1', 'pods'), 'default', {});
    const ready = new Map<string, boolean>();
    const live = new Set<string>();
    let minReady = Infinity;
    let maxLive = 0;
    let initial = true;
    const consumed = (async () => {
      for await (const ev of watch) {
        const name = ev.object.metadata.name ?? '';
        const isReady = ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp === undefined && ((ev.object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
        ready.set(name, isReady);
        if (ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp !== undefined) live.delete(name);
        else live.add(name);
        if (initial && [...ready.values()].filter(Boolean).length >= 4) initial = false;
        if (!initial) {
          minReady = Math.min(minReady, [...ready.values()].filter(Boolean).length);
          maxLive = Math.max(maxLive, live.size);
        }
      }
    })();
    await objects.patch(dRef(cluster), 'default', 'api', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } } }, { requester: admin });
    await eventually(async () => (await ownedReplicaSets(cluster, d)).length === 2 || undefined, 5000, 'a second ReplicaSet');
    await rolledOut(cluster, 'api', 4, 20_000);
    watch.close();
    await consumed;
    assert.ok(minReady >= 3, `ready pods fell to ${minReady} (maxUnavailable 1 of 4)`);
    assert.ok(maxLive <= 5, `live pods rose to ${maxLive} (maxSurge 1 of 4)`);
    const sets = await ownedReplicaSets(cluster, d);
    const byRevision = new Map(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
    assert.equal(imageOf(byRevision.get('2') as KubeObject), 'nginx:1.26');
    assert.equal((byRevision.get('1')?.spec as { replicas?: number }).replicas, 0);
    for (const pod of (await listPods(objects, cluster)).filter((p) => p.metadata.deletionTimestamp === undefined)) {
      assert.equal((pod.spec as { containers: { image: string }[] }).containers[0]?.image, 'nginx:1.26');
    }
    // Rollback: the old template again reuses the old ReplicaSet, which becomes revision 3.
    await objects.patch(dRef(cluster), 'default', 'api', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } } }, { requester: admin });
    await eventually(async () => {
      const rs = (await ownedReplicaSets(cluster, d)).find((r) => imageOf(r) === 'nginx:1.25');
      return rs?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' && (rs.status as { availableReplicas?: number } | undefined)?.availableReplicas === 4;
    }, 20_000, 'rolled back to the first template as revision 3');
    assert.equal((await ownedReplicaSets(cluster, d)).length, 2);
  });

  it('Recreate deletes every old pod before creating new ones', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    kubelet(cluster, 50);
    const d = await objects.create(dRef(cluster), 'default', deploymentObject('batch', 3, 'busybox:1', { strategy: { type: 'Recreate' } }), { requester: admin });
    await rolledOut(cluster, 'batch', 3);
    const watch = await objects.watch(objects.resource(cluster, '', 'v1', 'pods'), 'default', {});
    const live = new Map<string, string>();
    let mixed = false;
    const consumed = (async () => {
      for await (const ev of watch) {
        const name = ev.object.metadata.name ?? '';
        if (ev.type === 'DELETED') live.delete(name);
        else live.set(name, (ev.object.spec as { containers: { image: string }[] }).containers[0]?.image ?? '');
        if (new Set(live.values()).size > 1) mixed = true;
      }
    })();
    await objects.patch(dRef(cluster), 'default', 'batch', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'busybox:2' }] } } } }, { requester: admin });
    await eventually(async () => (await ownedReplicaSets(cluster, d)).length === 2 || undefined, 5000, 'a second ReplicaSet');
    await rolledOut(cluster, 'batch', 3, 20_000);
    watch.close();
    await consumed;
    assert.equal(mixed, false, 'old and new pods never coexist');
  });

  it('a paused deployment does not roll out until resumed, and scaling still applies', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    kubelet(cluster, 20);
    const d = await objects.create(dRef(cluster), 'default', deploymentObject('p', 1, 'nginx:1'), { requester: admin });
    await rolledOut(cluster, 'p', 1);
    await objects.patch(dRef(cluster), 'default', 'p', 'merge', { spec: { paused: true } }, { requester: admin });
    await eventually(async () => (await statusOf(cluster, 'p')).status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused' && c.status === 'Unknown'), 5000, 'DeploymentPaused');
    await objects.patch(dRef(cluster), 'default', 'p', 'strategic', { spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } }, { requester: admin });
    await eventually(async () => ((await statusOf(cluster, 'p')).status.observedGeneration ?? 0) >= 3, 5000, 'the edit observed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await ownedReplicaSets(cluster, d)).length, 1, 'no new ReplicaSet while paused');
    await objects.patch(dRef(cluster), 'default', 'p', 'merge', { spec: { paused: false } }, { requester: admin });
    await rolledOut(cluster, 'p', 2);
    assert.equal((await ownedReplicaSets(cluster, d)).length, 2);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    kubelet(cluster, 0);
    const d = await objects.create(dRef(cluster), 'default', deploymentObject('h', 1, 'nginx:1', { revisionHistoryLimit: 1 }), { requester: admin });
    await rolledOut(cluster, 'h', 1);
    for (const image of ['nginx:2', 'nginx:3']) {
      await objects.patch(dRef(cluster), 'default', 'h', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, { requester: admin });
      await eventually(async () => (await ownedReplicaSets(cluster, d)).some((rs) => imageOf(rs) === image) || undefined, 5000, image);
      await rolledOut(cluster, 'h', 1);
    }
    const sets = await eventually(async () => {
      const s = await ownedReplicaSets(cluster, d);
      return s.length === 2 ? s : undefined;
    }, 5000, 'history trimmed to one old ReplicaSet');
    assert.deepEqual(sets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    const cluster = uniqueClusterName('dep');
    await started(cluster);
    await objects.create(dRef(cluster), 'default', deploymentObject('stuck', 1, 'nginx:1', { progressDeadlineSeconds: 1 }), { requester: admin });
    const status = await eventually(async () => {
      const { status: s } = await statusOf(cluster, 'stuck');
      const c = s.conditions?.find((x) => x.type === 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? s : undefined;
    }, 8000, 'ProgressDeadlineExceeded');
    const c = status.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(c?.status, 'False');
    assert.match(c?.message ?? '', /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    assert.equal(status.conditions?.find((x) => x.type === 'Available')?.status, 'False');
  });
});
