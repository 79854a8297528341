// Seed 002 ("Kubernetes -- 应用开发视角") names objects rather than commands:
// a pod with a sidecar and probes, ConfigMap and Secret, Deployment rolling
// updates, DaemonSet, StatefulSet, PersistentVolume(Claim), Job and CronJob,
// labels and namespaces. Each is created and inspected with the real kubectl
// against a whole control plane; assertions are on what the user sees. What a
// real cluster would do that this one cannot yet (no DaemonSet, StatefulSet,
// Job, CronJob or volume binding controller) is written as skipped tests with
// the reason printed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectlSkip, rows, seedManifest, startSeedCluster, type SeedCluster } from './seeds-cluster.js';

if (kubectlSkip) process.stdout.write(`# skipping seed 002 kubectl tests: ${kubectlSkip}\n`);

const NO_WORKLOAD_CONTROLLERS = 'src/controllers has no DaemonSet, StatefulSet, Job, CronJob or PersistentVolume binder controller yet';

describe('seed 002: the application developer\'s view with kubectl', { skip: kubectlSkip }, () => {
  let c: SeedCluster;
  before(async () => {
    c = await startSeedCluster({ nodes: 2, namePrefix: 'node' });
  });
  after(async () => c?.stop());

  it('a pod with a sidecar is READY 2/2; describe shows both containers, the probes and the shared volume', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('002-sidecar-pod.yaml')]), 'pod/web-with-sidecar created\n');
    await c.until(['get', 'pod', 'web-with-sidecar', '--no-headers'], /^web-with-sidecar\s+2\/2\s+Running\s+0\s/);
    const described = await c.ok(['describe', 'pod', 'web-with-sidecar']);
    assert.match(described, /^Containers:\n {2}web:\n/m);
    assert.match(described, /^ {2}log-shipper:\n/m);
    assert.match(described, /^ {4}Liveness: +http-get http:\/\/:80\/healthz delay=5s timeout=1s period=10s #success=1 #failure=3$/m);
    assert.match(described, /^ {4}Readiness: +tcp-socket :80 delay=0s timeout=1s period=10s #success=1 #failure=3$/m);
    assert.match(described, /^ {4}Command:\n {6}sh\n {6}-c\n {6}tail -F \/var\/log\/nginx\/access\.log\n/m);
    assert.match(described, /^ {2}logs:\n {4}Type: +EmptyDir \(a temporary directory that shares a pod's lifetime\)\n/m);
    const labelled = rows(await c.ok(['get', 'pod', 'web-with-sidecar', '-L', 'app,tier']));
    assert.deepEqual(labelled[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'APP', 'TIER']);
    assert.deepEqual(labelled[1]?.slice(5), ['web', 'frontend']);
  });

  it('ConfigMap and Secret from literals; a pod takes its environment from the ConfigMap', async () => {
    assert.equal(await c.ok(['create', 'configmap', 'app-config', '--from-literal=LOG_LEVEL=debug', '--from-literal=MODE=dev']), 'configmap/app-config created\n');
    assert.equal(await c.ok(['create', 'secret', 'generic', 'db-credentials', '--from-literal=password=s3cr3t']), 'secret/db-credentials created\n');
    const [cmHeader, cm] = rows(await c.ok(['get', 'configmap', 'app-config']));
    assert.deepEqual(cmHeader, ['NAME', 'DATA', 'AGE']);
    assert.deepEqual(cm?.slice(0, 2), ['app-config', '2']);
    const described = await c.ok(['describe', 'configmap', 'app-config']);
    assert.match(described, /\nData\n====\n/);
    assert.match(described, /\nLOG_LEVEL:\n----\ndebug\n/);
    assert.match(described, /\nMODE:\n----\ndev\n/);
    assert.equal(await c.ok(['get', 'secret', 'db-credentials', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cr3t').toString('base64'));
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: configured\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n    envFrom:\n    - configMapRef:\n        name: app-config\n    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db-credentials\n          key: password\n';
    assert.equal(await c.ok(['apply', '-f', '-'], { input: pod }), 'pod/configured created\n');
    await c.until(['get', 'pod', 'configured', '--no-headers'], /^configured\s+1\/1\s+Running\s/);
    const podDescribed = await c.ok(['describe', 'pod', 'configured']);
    assert.match(podDescribed, /^ {4}Environment Variables from:\n {6}app-config +ConfigMap +Optional: false\n/m);
    assert.match(podDescribed, /^ {6}DB_PASSWORD: +<set to the key 'password' in secret 'db-credentials'> +Optional: false\n/m);
  });

  it('a Deployment\'s rolling update: set image, rollout status and history (undo is in test/controllers/kubectl-rollout)', async () => {
    assert.equal(await c.ok(['create', 'deployment', 'shop', '--image=nginx:1.24', '--replicas=2']), 'deployment.apps/shop created\n');
    await c.ok(['rollout', 'status', 'deployment/shop', '--timeout=30s']);
    assert.equal(await c.ok(['set', 'image', 'deployment/shop', 'nginx=nginx:1.25']), 'deployment.apps/shop image updated\n');
    assert.match(await c.ok(['rollout', 'status', 'deployment/shop', '--timeout=30s']), /deployment "shop" successfully rolled out\n$/);
    assert.match(await c.ok(['rollout', 'history', 'deployment/shop']), /\n1 +<none>\n2 +<none>\n/);
    const described = await c.ok(['describe', 'deployment', 'shop']);
    assert.match(described, /^ {4}Image: +nginx:1\.25$/m);
    assert.match(described, /Scaled up replica set shop-\w+ from 0 to 1\n/);
    assert.match(described, /Scaled down replica set shop-\w+ from 2 to 1\n/);
  });

  it('DaemonSet, StatefulSet, PersistentVolume and PersistentVolumeClaim are created and listed with kubectl\'s columns', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('002-workloads.yaml')]), 'daemonset.apps/node-agent created\nstatefulset.apps/db created\npersistentvolume/pv0001 created\npersistentvolumeclaim/data created\n');
    assert.deepEqual(rows(await c.ok(['get', 'daemonset', 'node-agent']))[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.deepEqual(rows(await c.ok(['get', 'statefulset', 'db', '-o', 'wide'])).map((r) => [r[0], r[3], r[4]]), [['NAME', 'CONTAINERS', 'IMAGES'], ['db', 'db', 'postgres:16']]);
    const [pvHeader, pv] = rows(await c.ok(['get', 'pv']));
    assert.deepEqual(pvHeader, ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
    assert.deepEqual(pv?.slice(0, 4), ['pv0001', '5Gi', 'RWO', 'Retain']);
    assert.deepEqual(rows(await c.ok(['get', 'pvc']))[0], ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
  });

  it('Job and CronJob from kubectl create; the CronJob\'s schedule and defaults in get and describe', async () => {
    assert.equal(await c.ok(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']), 'job.batch/hello created\n');
    assert.equal(await c.ok(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 2 * * *', '--', 'echo', 'hi']), 'cronjob.batch/nightly created\n');
    assert.deepEqual(rows(await c.ok(['get', 'jobs']))[0], ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    const [header, cronjob] = rows(await c.ok(['get', 'cronjobs']));
    assert.deepEqual(header, ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    assert.deepEqual(cronjob?.slice(0, 6), ['nightly', '0 2 * * *', '<none>', 'False', '0', '<none>']);
    const described = await c.ok(['describe', 'cronjob', 'nightly']);
    assert.match(described, /^Concurrency Policy: +Allow$/m);
    assert.match(described, /^Successful Job History Limit: +3$/m);
    assert.match(described, /^Failed Job History Limit: +1$/m);
  });

  it('namespaces and labels group objects: a labelled namespace, a pod in it, selection across namespaces', async () => {
    assert.equal(await c.ok(['create', 'namespace', 'team-a']), 'namespace/team-a created\n');
    assert.equal(await c.ok(['label', 'namespace', 'team-a', 'env=dev']), 'namespace/team-a labeled\n');
    assert.deepEqual(rows(await c.ok(['get', 'ns', '-l', 'env=dev', '--show-labels'])).map((r) => [r[0], r[3]]), [['NAME', 'LABELS'], ['team-a', 'env=dev,kubernetes.io/metadata.name=team-a']]);
    assert.equal(await c.ok(['run', 'probe', '--image=nginx:1.25', '-n', 'team-a', '--labels=app=web,tier=backend']), 'pod/probe created\n');
    const selected = rows(await c.ok(['get', 'pods', '-A', '-l', 'app=web']));
    assert.deepEqual(selected.slice(1).map((r) => `${r[0] ?? ''}/${r[1] ?? ''}`).sort(), ['default/web-with-sidecar', 'team-a/probe']);
    const setBased = rows(await c.ok(['get', 'pods', '-A', '-l', 'tier in (backend),app']));
    assert.deepEqual(setBased.slice(1).map((r) => r[1]), ['probe']);
  });

  it('a DaemonSet runs one pod per node', { skip: NO_WORKLOAD_CONTROLLERS }, async () => {
    await c.until(['get', 'daemonset', 'node-agent', '--no-headers'], /^node-agent\s+2\s+2\s+2\s+2\s+2\s/);
  });

  it('a StatefulSet makes db-0 then db-1', { skip: NO_WORKLOAD_CONTROLLERS }, async () => {
    await c.until(['get', 'pods', '-l', 'app=db', '-o', 'name'], /^pod\/db-0\npod\/db-1\n$/);
  });

  it('the Job completes and the claim binds to the volume', { skip: NO_WORKLOAD_CONTROLLERS }, async () => {
    await c.until(['get', 'job', 'hello', '--no-headers'], /^hello\s+Complete\s+1\/1\s/);
    await c.until(['get', 'pvc', 'data', '--no-headers'], /^data\s+Bound\s+pv0001\s+5Gi\s+RWO\s/);
  });

  it('a StatefulSet whose volumeMounts name its volumeClaimTemplates is accepted', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('002-statefulset-claim-templates.yaml')]), 'statefulset.apps/web created\n');
  });
});
