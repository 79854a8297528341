// Seed 004 (dev-99cloud training-kubernetes, lessons 02/03), command by
// command with the real kubectl against a whole control plane on a single
// node that carries kubeadm's control-plane taint: the nginx pod that cannot
// be scheduled until the taint is removed, then the hello-python NodePort
// Service and Deployment, and the day-to-day commands around them (wait,
// diff, events --sort-by, api-resources). Assertions are on what the user sees.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlSkip, rows, seedManifest, startSeedCluster, type SeedCluster } from './seeds-cluster.js';

if (kubectlSkip) process.stdout.write(`# skipping seed 004 kubectl tests: ${kubectlSkip}\n`);

const NODE = 'cka-node1-0';

describe('seed 004: training-kubernetes with kubectl', { skip: kubectlSkip }, () => {
  let c: SeedCluster;
  before(async () => {
    c = await startSeedCluster({ nodes: 1, namePrefix: 'cka-node1' });
  });
  after(async () => c?.stop());

  it('kubectl get nodes shows the kubeadm roles from the node-role labels', async () => {
    await c.until(['get', 'nodes'], new RegExp(`^${NODE}\\s+Ready\\s+<none>\\s`, 'm'));
    assert.equal(await c.ok(['label', 'node', NODE, 'node-role.kubernetes.io/control-plane=', 'node-role.kubernetes.io/master=', 'node-role.kubernetes.io/worker=']), `node/${NODE} labeled\n`);
    const [header, node] = rows(await c.ok(['get', 'nodes']));
    assert.deepEqual(header, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual(node?.slice(0, 3), [NODE, 'Ready', 'control-plane,master,worker']);
  });

  it('kubectl apply -f nginx.yaml on a tainted master: the pod stays Pending and describe says why', async () => {
    assert.equal(await c.ok(['taint', 'nodes', NODE, 'node-role.kubernetes.io/master:NoSchedule']), `node/${NODE} tainted\n`);
    const twice = await c.run(['taint', 'nodes', NODE, 'node-role.kubernetes.io/master:NoSchedule']);
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr, `error: node ${NODE} already has node-role.kubernetes.io/master taint(s) with same effect(s) and --overwrite is false\n`);
    assert.equal(await c.ok(['apply', '-f', seedManifest('004-nginx-pod.yaml')]), 'pod/nginx created\n');
    const described = await c.until(['describe', 'pod', 'nginx'], /FailedScheduling/);
    assert.match(described, /^Status: +Pending$/m);
    assert.match(described, /^Node: +<none>$/m);
    assert.match(described, /^Conditions:\n {2}Type +Status\n {2}PodScheduled +False *\n/m);
    assert.match(
      described,
      /^ {2}Warning +FailedScheduling +\S+ +default-scheduler +0\/1 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/master: \}\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\.$/m,
    );
    assert.match(rows(await c.ok(['get', 'pods', 'nginx']))[1]?.join(' ') ?? '', /^nginx 0\/1 Pending 0 /);
    const [warnings] = [rows(await c.ok(['get', 'events', '--field-selector', 'type=Warning']))];
    assert.deepEqual(warnings?.[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.deepEqual(warnings?.[1]?.slice(1, 4), ['Warning', 'FailedScheduling', 'pod/nginx']);
  });

  it('kubectl taint nodes <node> node-role.kubernetes.io/master:NoSchedule- lets the pod run; removing it again is an error', async () => {
    assert.equal(await c.ok(['taint', 'nodes', NODE, 'node-role.kubernetes.io/master:NoSchedule-']), `node/${NODE} untainted\n`);
    const again = await c.run(['taint', 'nodes', NODE, 'node-role.kubernetes.io/master:NoSchedule-']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'error: taint "node-role.kubernetes.io/master:NoSchedule" not found\n');
    await c.until(['get', 'pods', 'nginx', '--no-headers'], /^nginx\s+1\/1\s+Running\s+0\s/);
    assert.match(await c.ok(['describe', 'pod', 'nginx']), new RegExp(`^ {2}Normal +Scheduled +\\S+ +default-scheduler +Successfully assigned default/nginx to ${NODE}$`, 'm'));
    assert.equal(await c.ok(['wait', '--for=condition=Ready', 'pod/nginx', '--timeout=20s']), 'pod/nginx condition met\n');
  });

  it('kubectl apply -f deployment.yaml: the NodePort Service on 31000 and four hello-python pods', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('004-hello-python.yaml')]), 'service/hello-python-service created\ndeployment.apps/hello-python created\n');
    const wide = await c.until(['get', 'pods', '-l', 'app=hello-python', '-o', 'wide', '--no-headers'], /^(hello-python-\S+\s+1\/1\s+Running\s.*\n){4}$/);
    for (const pod of rows(wide)) assert.equal(pod[6], NODE);
    for (const kind of ['deploy', 'deployment']) {
      const [header, deployment] = rows(await c.ok(['get', kind]));
      assert.deepEqual(header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      assert.deepEqual(deployment?.slice(0, 4), ['hello-python', '4/4', '4', '4']);
    }
    for (const kind of ['svc', 'service']) {
      const [, service] = rows(await c.ok(['get', kind, 'hello-python-service']));
      assert.equal(service?.[1], 'NodePort');
      assert.equal(service?.[4], '6000:31000/TCP');
    }
    assert.equal(await c.ok(['wait', '--for=condition=Available', 'deployment/hello-python', '--timeout=20s']), 'deployment.apps/hello-python condition met\n');
    const waited = await c.ok(['wait', '--for=condition=Ready', 'pod', '-l', 'app=hello-python', '--timeout=20s']);
    assert.equal(waited.trim().split('\n').length, 4);
    assert.match(waited, /^(pod\/hello-python-\S+ condition met\n){4}$/);
  });

  it('applying the same file again is unchanged; a second Service asking for node port 31000 is Invalid', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('004-hello-python.yaml')]), 'service/hello-python-service unchanged\ndeployment.apps/hello-python unchanged\n');
    const text = await fs.readFile(seedManifest('004-hello-python.yaml'), 'utf8');
    const clash = await c.run(['apply', '-f', '-'], { input: text.replace('name: hello-python-service', 'name: other-service') });
    assert.equal(clash.code, 1);
    assert.equal(clash.stdout, 'deployment.apps/hello-python unchanged\n');
    assert.equal(clash.stderr, 'The Service "other-service" is invalid: spec.ports[0].nodePort: Invalid value: 31000: provided port is already allocated\n');
  });

  it('kubectl diff: exit 0 when the file matches, exit 1 with a unified diff of the change', async () => {
    const same = await c.run(['diff', '-f', seedManifest('004-hello-python.yaml')]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');
    const changed = path.join(path.dirname(c.t.kubeconfig), 'hello-python-3.yaml');
    await fs.writeFile(changed, (await fs.readFile(seedManifest('004-hello-python.yaml'), 'utf8')).replace('replicas: 4', 'replicas: 3'));
    const diff = await c.run(['diff', '-f', changed]);
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^diff -u -N \S+\/apps\.v1\.Deployment\.default\.hello-python \S+\/apps\.v1\.Deployment\.default\.hello-python\n/);
    assert.match(diff.stdout, /\n- {2}replicas: 4\n\+ {2}replicas: 3\n/);
    assert.doesNotMatch(diff.stdout, /v1\.Service\.default\.hello-python-service/, 'the unchanged Service has no diff');
    // diff is a dry run: nothing changed.
    assert.equal(await c.ok(['get', 'deployment', 'hello-python', '-o', 'jsonpath={.spec.replicas}']), '4');
  });

  it('kubectl get events --sort-by=.lastTimestamp lists the oldest first', async () => {
    const sorted = await c.ok(['get', 'events', '--sort-by=.lastTimestamp', '-o', 'custom-columns=LAST:.lastTimestamp,REASON:.reason,OBJECT:.involvedObject.name', '--no-headers']);
    const times = rows(sorted).map((r) => r[0] ?? '');
    assert.ok(times.length >= 10, `events of the scheduler, kubelet and controllers: ${sorted}`);
    assert.deepEqual(times, [...times].sort());
    const table = await c.ok(['get', 'events', '--sort-by=.lastTimestamp']);
    assert.deepEqual(rows(table)[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.match(table, /\n\S+ +Normal +ScalingReplicaSet +deployment\/hello-python +Scaled up replica set hello-python-\w+ from 0 to 4\n/);
  });

  it('kubectl api-resources and api-versions list what the cluster serves', async () => {
    const [header, ...resources] = rows(await c.ok(['api-resources']));
    assert.deepEqual(header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    const byName = new Map(resources.map((r) => [`${r[0] ?? ''} ${r[r.length - 3] ?? ''}`, r]));
    assert.deepEqual(byName.get('pods v1'), ['pods', 'po', 'v1', 'true', 'Pod']);
    assert.deepEqual(byName.get('deployments apps/v1'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    assert.deepEqual(byName.get('nodes v1'), ['nodes', 'no', 'v1', 'false', 'Node']);
    assert.deepEqual(byName.get('ingresses networking.k8s.io/v1'), ['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress']);
    const clusterScoped = rows(await c.ok(['api-resources', '--namespaced=false', '-o', 'name']));
    assert.ok(clusterScoped.some((r) => r[0] === 'nodes') && !clusterScoped.some((r) => r[0] === 'pods'));
    const wide = rows(await c.ok(['api-resources', '-o', 'wide', '--api-group=apps']));
    assert.deepEqual(wide[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
    assert.deepEqual(wide.find((r) => r[0] === 'deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment', 'create,delete,deletecollection,get,list,patch,update,watch', 'all']);
    const versions = (await c.ok(['api-versions'])).trim().split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'discovery.k8s.io/v1']) assert.ok(versions.includes(v), `api-versions lists ${v}`);
  });

  it('describe pod lists the kubelet\'s events in the order they happened within a second', async () => {
    const described = await c.ok(['describe', 'pod', 'nginx']);
    assert.match(described, /Scheduled[\s\S]*Pulling[\s\S]*Pulled[\s\S]*Created[\s\S]*Started/);
  });
});
