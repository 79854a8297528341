import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { graphqlRequest, type GraphqlResponse } from '../../helpers/graphql.js';
import type { KubeObject } from '../../../src/store/types.js';
import { createObject, deployment, namespace, node, pod, replicaSet } from './fixtures.js';

type Obj = { metadata: { name: string; namespace?: string; resourceVersion: string; labels: Record<string, string>; annotations: Record<string, string> }; raw: KubeObject & { data?: Record<string, string> } };
const OBJ = 'metadata { name namespace resourceVersion labels annotations } raw';

const codeOf = (res: GraphqlResponse): unknown => res.body.errors?.[0]?.extensions?.code;
const statusOf = (res: GraphqlResponse): unknown => res.body.errors?.[0]?.extensions?.status;

describe('GraphQL mutations', () => {
  let t: TestApi;
  const q = <T = Record<string, Obj>>(query: string, variables?: Record<string, unknown>) => graphqlRequest<T>(`${t.url}/graphql`, t.token, query, variables);
  const create = (manifest: unknown, ns?: string) => q(`mutation($m: JSON!, $ns: String) { create(manifest: $m, namespace: $ns) { ${OBJ} } }`, { m: manifest, ...(ns ? { ns } : {}) });
  const cm = (name: string, data: Record<string, string> = { k: 'v' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  before(async () => {
    t = await startTestApi();
    await createObject(t.api.objects, t.cluster, namespace('apps'));
  });
  after(async () => {
    await t.stop();
  });

  it('creates an object through the object service and refuses a second with AlreadyExists (409)', async () => {
    const res = await create(cm('c1'), 'apps');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data?.create?.metadata.namespace, 'apps');
    const stored = await t.api.objects.get(t.api.objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'apps', 'c1');
    assert.equal(stored.metadata.uid, (res.body.data?.create?.raw.metadata as { uid: string }).uid);
    const again = await create(cm('c1'), 'apps');
    assert.equal(codeOf(again), 'AlreadyExists');
    assert.equal(statusOf(again), 409);
    assert.equal(again.body.errors?.[0]?.message, 'configmaps "c1" already exists');
  });

  it('answers Invalid (422) with field paths, and NotFound for a missing namespace', async () => {
    const invalid = await create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, 'apps');
    assert.equal(codeOf(invalid), 'Invalid');
    assert.equal(statusOf(invalid), 422);
    const causes = invalid.body.errors?.[0]?.extensions?.causes as { field: string }[];
    assert.deepEqual(causes.map((c) => c.field), ['metadata.name']);
    const missing = await create(cm('c2'), 'nowhere');
    assert.equal(codeOf(missing), 'NotFound');
    assert.equal(missing.body.errors?.[0]?.message, 'namespaces "nowhere" not found');
  });

  it('refuses content in a terminating namespace with Forbidden (403)', async () => {
    await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving' }, spec: { finalizers: ['kubernetes'] } });
    const del = await q('mutation { delete(apiVersion: "v1", kind: "Namespace", name: "leaving") { deleted } }');
    assert.equal((del.body.data as unknown as { delete: { deleted: boolean } }).delete.deleted, false);
    const res = await create(cm('late'), 'leaving');
    assert.equal(codeOf(res), 'Forbidden', JSON.stringify(res.body));
    assert.equal(statusOf(res), 403);
    assert.match(res.body.errors?.[0]?.message ?? '', /unable to create new content in namespace leaving because it is being terminated/);
  });

  it('replaces with a stale resourceVersion as Conflict (409)', async () => {
    const created = (await create(cm('c3'), 'apps')).body.data?.create;
    const rv = created?.metadata.resourceVersion;
    const replaced = await q(`mutation($m: JSON!) { replace(manifest: $m) { ${OBJ} } }`, { m: { ...cm('c3', { k: 'v2' }), metadata: { name: 'c3', namespace: 'apps', resourceVersion: rv } } });
    assert.equal(replaced.body.data?.replace?.raw.data?.k, 'v2');
    const stale = await q(`mutation($m: JSON!) { replace(manifest: $m) { ${OBJ} } }`, { m: { ...cm('c3', { k: 'v3' }), metadata: { name: 'c3', namespace: 'apps', resourceVersion: rv } } });
    assert.equal(codeOf(stale), 'Conflict');
    assert.match(stale.body.errors?.[0]?.message ?? '', /^Operation cannot be fulfilled on configmaps "c3": the object has been modified/);
  });

  it('patches with merge, JSON and strategic patches, and deletes', async () => {
    await create(cm('c4'), 'apps');
    const patch = (type: string, p: unknown) => q(`mutation($p: JSON!) { patch(apiVersion: "v1", kind: "ConfigMap", namespace: "apps", name: "c4", type: ${type}, patch: $p) { ${OBJ} } }`, { p });
    const merged = await patch('MERGE', { data: { extra: 'x' } });
    assert.deepEqual(merged.body.data?.patch?.raw.data, { k: 'v', extra: 'x' });
    const json = await patch('JSON', [{ op: 'remove', path: '/data/k' }]);
    assert.deepEqual(json.body.data?.patch?.raw.data, { extra: 'x' });
    const failed = await patch('JSON', [{ op: 'test', path: '/data/extra', value: 'nope' }]);
    assert.ok(failed.body.errors?.length, 'a failing JSON patch test op is an error');
    const strategic = await patch('STRATEGIC', { metadata: { labels: { tier: 'web' } } });
    assert.deepEqual(strategic.body.data?.patch?.metadata.labels, { tier: 'web' });
    const del = await q<{ delete: { deleted: boolean; object: { metadata: { name: string } } } }>('mutation { delete(apiVersion: "v1", kind: "ConfigMap", namespace: "apps", name: "c4") { deleted object { metadata { name } } } }');
    assert.equal(del.body.data?.delete.deleted, true);
    const gone = await q('mutation { delete(apiVersion: "v1", kind: "ConfigMap", namespace: "apps", name: "c4") { deleted } }');
    assert.equal(codeOf(gone), 'NotFound');
    assert.equal(statusOf(gone), 404);
  });

  it('scales, labels and annotates like kubectl (overwrite needed to change a value)', async () => {
    await createObject(t.api.objects, t.cluster, deployment('apps', 'web', 1));
    const scaled = await q<{ scale: { spec: { replicas: number } } }>('mutation { scale(kind: "Deployment", namespace: "apps", name: "web", replicas: 5) { ... on Deployment { spec { replicas } } } }');
    assert.equal(scaled.body.data?.scale.spec.replicas, 5);
    const label = (labels: unknown, overwrite = false) => q(`mutation($l: JSON!) { label(apiVersion: "apps/v1", kind: "Deployment", namespace: "apps", name: "web", labels: $l, overwrite: ${overwrite}) { ${OBJ} } }`, { l: labels });
    assert.deepEqual((await label({ team: 'a' })).body.data?.label?.metadata.labels, { team: 'a' });
    const refused = await label({ team: 'b' });
    assert.equal(codeOf(refused), 'BadRequest');
    assert.equal(refused.body.errors?.[0]?.message, "'team' already has a value (a), and --overwrite is false");
    assert.deepEqual((await label({ team: 'b' }, true)).body.data?.label?.metadata.labels, { team: 'b' });
    assert.deepEqual((await label({ team: null })).body.data?.label?.metadata.labels, {});
    const annotated = await q('mutation { annotate(apiVersion: "apps/v1", kind: "Deployment", namespace: "apps", name: "web", annotations: { note: "hi" }) { metadata { annotations } } }');
    assert.equal((annotated.body.data as unknown as { annotate: Obj }).annotate.metadata.annotations.note, 'hi');
  });

  it('cordons, uncordons, taints and untaints nodes', async () => {
    await createObject(t.api.objects, t.cluster, node('worker-1'));
    type N = { unschedulable: boolean; spec: { taints: { key: string; value: string; effect: string }[] | null } };
    const cordoned = await q<{ cordon: N }>('mutation { cordon(name: "worker-1") { unschedulable } }');
    assert.equal(cordoned.body.data?.cordon.unschedulable, true);
    const uncordoned = await q<{ uncordon: N }>('mutation { uncordon(name: "worker-1") { unschedulable } }');
    assert.equal(uncordoned.body.data?.uncordon.unschedulable, false);
    const tainted = await q<{ taint: N }>('mutation { taint(node: "worker-1", key: "dedicated", value: "gpu", effect: "NoSchedule") { spec { taints { key value effect } } } }');
    assert.deepEqual(tainted.body.data?.taint.spec.taints, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    const again = await q('mutation { taint(node: "worker-1", key: "dedicated", value: "cpu", effect: "NoSchedule") { unschedulable } }');
    assert.equal(again.body.errors?.[0]?.message, 'node worker-1 already has dedicated taint(s) with same effect(s) and --overwrite is false');
    const untainted = await q<{ untaint: N }>('mutation { untaint(node: "worker-1", key: "dedicated") { spec { taints { key } } } }');
    assert.equal(untainted.body.data?.untaint.spec.taints, null);
    const missing = await q('mutation { untaint(node: "worker-1", key: "dedicated") { unschedulable } }');
    assert.equal(codeOf(missing), 'NotFound');
  });

  it('applies a multi-document manifest with per-object results: created, unchanged, configured, failed', async () => {
    const manifests = (value: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: applied
  # A field the applier owns: a config that owns nothing leaves no managedFields
  # entry, and the next apply then records the server's defaults as before-first-apply.
  labels: {team: a}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: applied
data:
  mode: ${value}
---
apiVersion: v1
kind: ConfigMap
metadata:
  namespace: applied
data: {}
`;
    type R = { apply: { kind: string; name: string | null; action: string; error: { code: string; status: number } | null }[] };
    const run = (m: string) => q<R>('mutation($m: String!) { apply(manifests: $m) { kind name action error { code status } } }', { m });
    const first = await run(manifests('fast'));
    assert.deepEqual(first.body.data?.apply.map((r) => [r.kind, r.action, r.error?.code ?? null]), [['Namespace', 'created', null], ['ConfigMap', 'created', null], ['ConfigMap', 'failed', 'Invalid']]);
    const second = await run(manifests('fast'));
    assert.deepEqual(second.body.data?.apply.slice(0, 2).map((r) => r.action), ['unchanged', 'unchanged']);
    const third = await run(manifests('slow'));
    assert.deepEqual(third.body.data?.apply.slice(0, 2).map((r) => r.action), ['unchanged', 'configured']);
    const stored = await t.api.objects.get(t.api.objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'applied', 'settings');
    assert.deepEqual(stored.data, { mode: 'slow' });
    const bad = await run('a: [unclosed');
    assert.equal(codeOf(bad), 'BadRequest');
  });

  it('restarts, pauses, resumes and undoes a deployment rollout', async () => {
    const { objects } = t.api;
    const d = await createObject(objects, t.cluster, deployment('apps', 'shop', 1));
    const rs1 = replicaSet(d, 1);
    (rs1.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels['pod-template-hash'] = 'aaa';
    await createObject(objects, t.cluster, rs1);
    const rs2 = replicaSet(d, 2);
    (rs2.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'nginx:1.28';
    await createObject(objects, t.cluster, rs2);
    type D = { spec: { paused: boolean | null; template: { metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: { containers: { image: string }[] } } } };
    const restarted = await q<{ rolloutRestart: D }>('mutation { rolloutRestart(namespace: "apps", name: "shop") { ... on Deployment { spec { template { metadata { annotations } } } } } }');
    assert.match(restarted.body.data?.rolloutRestart.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] ?? '', /^\d{4}-\d\d-\d\dT/);
    const paused = await q<{ rolloutPause: D }>('mutation { rolloutPause(namespace: "apps", name: "shop") { spec { paused } } }');
    assert.equal(paused.body.data?.rolloutPause.spec.paused, true);
    const refused = await q('mutation { rolloutUndo(namespace: "apps", name: "shop") { spec { paused } } }');
    assert.match(refused.body.errors?.[0]?.message ?? '', /you cannot rollback a paused deployment; resume it first/);
    await q('mutation { rolloutResume(namespace: "apps", name: "shop") { spec { paused } } }');
    const undone = await q<{ rolloutUndo: D }>('mutation { rolloutUndo(namespace: "apps", name: "shop", toRevision: 2) { spec { template { metadata { labels } spec { containers { image } } } } } }');
    assert.equal(undone.body.data?.rolloutUndo.spec.template.spec.containers[0]?.image, 'nginx:1.28');
    const previous = await q<{ rolloutUndo: D }>('mutation { rolloutUndo(namespace: "apps", name: "shop") { spec { template { metadata { labels } spec { containers { image } } } } } }');
    assert.equal(previous.body.data?.rolloutUndo.spec.template.spec.containers[0]?.image, 'nginx:1.27');
    assert.deepEqual(previous.body.data?.rolloutUndo.spec.template.metadata.labels, { app: 'shop' });
    const missing = await q('mutation { rolloutUndo(namespace: "apps", name: "shop", toRevision: 9) { spec { paused } } }');
    assert.equal(missing.body.errors?.[0]?.message, 'unable to find specified revision 9 in history');
  });

  /** Running and Ready, as its node agent reports it: only such pods count for a disruption budget. */
  async function markRunning(objects: typeof t.api.objects, created: KubeObject): Promise<void> {
    const ref = objects.resourceForKind(t.cluster, 'v1', 'Pod');
    const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    await objects.update(ref, created.metadata.namespace ?? '', created.metadata.name ?? '', { ...created, status }, { requester: { username: 'test-admin', groups: ['system:masters'] }, subresource: 'status' });
  }

  it('drains a node: cordons it, evicts its pods, leaves DaemonSet pods, stops at a disruption budget', async () => {
    const { objects } = t.api;
    await createObject(objects, t.cluster, node('worker-2'));
    const owner = await createObject(objects, t.cluster, replicaSet(await createObject(objects, t.cluster, deployment('apps', 'api', 2))));
    await createObject(objects, t.cluster, pod(owner, 0, 'worker-2'));
    await markRunning(objects, await createObject(objects, t.cluster, pod(owner, 1, 'worker-3')));
    const ds = await createObject(objects, t.cluster, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'apps' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent' }] } } } });
    await createObject(objects, t.cluster, { ...pod(ds, 0, 'worker-2'), metadata: { ...pod(ds, 0, 'worker-2').metadata, labels: { app: 'agent' } } });
    type Drain = { drain: { node: { unschedulable: boolean }; evicted: { metadata: { name: string } }[]; skipped: { metadata: { name: string } }[] } };
    const drained = await q<Drain>('mutation { drain(node: "worker-2") { node { unschedulable } evicted { metadata { name } } skipped { metadata { name } } } }');
    assert.equal(drained.status, 200, JSON.stringify(drained.body));
    assert.equal(drained.body.data?.drain.node.unschedulable, true);
    assert.deepEqual(drained.body.data?.drain.evicted.map((p) => p.metadata.name), ['api-rs1-0']);
    assert.deepEqual(drained.body.data?.drain.skipped.map((p) => p.metadata.name), ['agent-0']);
    // A budget allowing no disruption protects the other pod.
    await createObject(objects, t.cluster, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'apps' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'api' } } } });
    const blocked = await q('mutation { drain(node: "worker-3") { evicted { metadata { name } } } }');
    assert.equal(codeOf(blocked), 'NotFound', 'worker-3 is not a registered node');
    await createObject(objects, t.cluster, node('worker-3'));
    const refused = await q('mutation { drain(node: "worker-3") { evicted { metadata { name } } } }');
    assert.equal(codeOf(refused), 'TooManyRequests');
    assert.equal(statusOf(refused), 429);
    assert.equal(refused.body.errors?.[0]?.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  });

  it('drain takes one disruption per evicted pod from the budget, as the REST eviction does, and both refuse alike when none is left', async () => {
    const { objects } = t.api;
    await createObject(objects, t.cluster, node('worker-5'));
    const owner = await createObject(objects, t.cluster, replicaSet(await createObject(objects, t.cluster, deployment('apps', 'guarded', 3))));
    for (let i = 0; i < 3; i++) await markRunning(objects, await createObject(objects, t.cluster, pod(owner, i, 'worker-5')));
    const pdbRef = objects.resourceForKind(t.cluster, 'policy/v1', 'PodDisruptionBudget');
    const pdb = await createObject(objects, t.cluster, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guarded', namespace: 'apps' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } } });
    const admin = { requester: { username: 'test-admin', groups: ['system:masters'] } };
    await objects.update(pdbRef, 'apps', 'guarded', { ...pdb, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 } }, { ...admin, subresource: 'status' });

    // One disruption allowed: drain evicts one pod, then stops at the next.
    const refused = await q('mutation { drain(node: "worker-5") { evicted { metadata { name } } } }');
    assert.equal(codeOf(refused), 'TooManyRequests', JSON.stringify(refused.body));
    const podRef = objects.resourceForKind(t.cluster, 'v1', 'Pod');
    // Evicted pods terminate gracefully: they stay, with a deletionTimestamp, until their node agent confirms.
    const left = (await objects.list(podRef, 'apps', { labelSelector: 'app=guarded' })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    assert.equal(left.length, 2, `one of three pods evicted, left: ${left.join(', ')}`);
    const budget = await objects.get(pdbRef, 'apps', 'guarded');
    const status = budget.status as { disruptionsAllowed: number; disruptedPods?: Record<string, string> };
    assert.equal(status.disruptionsAllowed, 0);
    assert.equal(Object.keys(status.disruptedPods ?? {}).length, 1);
    assert.ok(!left.includes(Object.keys(status.disruptedPods ?? {})[0]), 'the evicted pod is the one recorded as disrupted');

    // The REST subresource answers the same for a remaining pod.
    const rest = await fetch(`${t.url}/api/v1/namespaces/apps/pods/${left[0]}/eviction`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: left[0], namespace: 'apps' } }),
    });
    assert.equal(rest.status, 429);
    const restStatus = (await rest.json()) as { reason: string; message: string; details: { causes: { reason: string; message: string }[] } };
    assert.equal(restStatus.reason, 'TooManyRequests');
    assert.equal(restStatus.message, refused.body.errors?.[0]?.message);
    assert.deepEqual(restStatus.details.causes, refused.body.errors?.[0]?.extensions?.causes);
    assert.equal(restStatus.details.causes[0]?.message, 'The disruption budget guarded needs 2 healthy pods and has 3 currently');
  });
});
