// Seed 003 (notes on "Kubernetes in Action", chapters 2 to 5), command by
// command with the real kubectl against a whole control plane: cluster-info,
// nodes, kubectl run, expose rc, -o wide, explain, create -f, labels and
// selectors, namespaces, ReplicationController scaling and self-healing,
// Services with named ports and hand-written Endpoints, and kubectl top
// without a metrics server. Assertions are on what the user sees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectlSkip, rows, seedManifest, startSeedCluster, type SeedCluster } from './seeds-cluster.js';

if (kubectlSkip) process.stdout.write(`# skipping seed 003 kubectl tests: ${kubectlSkip}\n`);

describe('seed 003: Kubernetes in Action with kubectl', { skip: kubectlSkip }, () => {
  let c: SeedCluster;
  before(async () => {
    c = await startSeedCluster({ nodes: 2, namePrefix: 'worker' });
  });
  after(async () => c?.stop());

  it('kubectl cluster-info names the control plane\'s address; kubectl version the server\'s', async () => {
    const port = new URL(c.t.url).port;
    assert.equal(await c.ok(['cluster-info']), `Kubernetes control plane is running at https://127.0.0.1:${port}\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
    assert.match(await c.ok(['version']), /^Client Version: v1\.\d+\.\d+\nKustomize Version: v\S+\nServer Version: v1\.\d+\.\d+-kubeql\S*\n/);
  });

  it('kubectl get nodes lists the workers Ready; describe node shows conditions, capacity and system info', async () => {
    const table = await c.until(['get', 'nodes'], /^worker-1\s+Ready\s/m);
    const [header, ...nodes] = rows(table);
    assert.deepEqual(header, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual(nodes.map((n) => [n[0], n[1], n[2]]), [['worker-0', 'Ready', '<none>'], ['worker-1', 'Ready', '<none>']]);
    assert.match(nodes[0]?.[4] ?? '', /^v1\.\d+\.\d+$/);
    const described = await c.ok(['describe', 'node', 'worker-0']);
    assert.match(described, /^Name: +worker-0$/m);
    assert.match(described, /^Taints: +<none>$/m);
    assert.match(described, /^Conditions:\n {2}Type +Status +LastHeartbeatTime +LastTransitionTime +Reason +Message\n/m);
    assert.match(described, /^ {2}Ready +True +.+ +KubeletReady +kubelet is posting ready status$/m);
    assert.match(described, /^Capacity:\n {2}cpu: +\d+\n/m);
    assert.match(described, /^Allocatable:\n/m);
    assert.match(described, /^System Info:\n/m);
    assert.match(described, /^Non-terminated Pods: +\(\d+ in total\)$/m);
    assert.match(described, /^Allocated resources:\n {2}\(Total limits may be over 100 percent, i\.e\., overcommitted\.\)\n/m);
  });

  it('kubectl run without a name is refused by kubectl; kubectl run kubia --image --port makes a pod that runs', async () => {
    const nameless = await c.run(['run', '--image=yangbaoqiang2019/kubia', '--port=8080']);
    assert.equal(nameless.code, 1);
    assert.equal(nameless.stderr, "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n");
    assert.equal(await c.ok(['run', 'kubia', '--image=yangbaoqiang2019/kubia', '--port=8080']), 'pod/kubia created\n');
    await c.until(['get', 'pods', 'kubia', '--no-headers'], /^kubia\s+1\/1\s+Running\s+0\s/);
    const described = await c.ok(['describe', 'pod', 'kubia']);
    assert.match(described, /^Labels: +run=kubia$/m);
    assert.match(described, /^Status: +Running$/m);
    assert.match(described, /^Node: +worker-[01]\/\d+\.\d+\.\d+\.\d+$/m);
    assert.match(described, /^ {4}Image: +yangbaoqiang2019\/kubia$/m);
    assert.match(described, /^ {4}Port: +8080\/TCP$/m);
    assert.match(described, /^ {4}State: +Running$/m);
    assert.match(described, /^Conditions:\n {2}Type +Status\n/m);
    assert.match(described, /^ {2}Ready +True *$/m);
    assert.match(described, /^QoS Class: +BestEffort$/m);
    assert.match(described, /^ {2}Normal +Scheduled +\S+ +default-scheduler +Successfully assigned default\/kubia to worker-[01]$/m);
    // The image has no tag: imagePullPolicy defaults to Always, as the seed's YAML shows.
    assert.equal(await c.ok(['get', 'pod', 'kubia', '-o', 'jsonpath={.spec.containers[0].imagePullPolicy}']), 'Always');
  });

  it('kubectl expose rc kubia before the rc exists is NotFound; with the book\'s rc it makes a LoadBalancer Service', async () => {
    const missing = await c.run(['expose', 'rc', 'kubia', '--type=LoadBalancer', '--name', 'kubia-http']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): replicationcontrollers "kubia" not found\n');
    assert.equal(await c.ok(['create', '-f', seedManifest('003-kubia-rc.yaml')]), 'replicationcontroller/kubia created\n');
    const rc = await c.until(['get', 'rc'], /^kubia\s+3\s+3\s+3\s/m);
    assert.deepEqual(rows(rc)[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.equal(await c.ok(['expose', 'rc', 'kubia', '--type=LoadBalancer', '--name', 'kubia-http']), 'service/kubia-http exposed\n');
    const [header, service] = rows(await c.ok(['get', 'svc', 'kubia-http']));
    assert.deepEqual(header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.equal(service?.[1], 'LoadBalancer');
    // No cloud load balancer answers, as on minikube in the seed: EXTERNAL-IP stays <pending>.
    assert.equal(service?.[3], '<pending>');
    assert.match(service?.[4] ?? '', /^8080:3[0-2]\d{3}\/TCP$/);
    await c.until(['get', 'endpoints', 'kubia-http', '--no-headers'], /^kubia-http\s+(10\.244\.\d+\.\d+:8080,){2}10\.244\.\d+\.\d+:8080\s/);
  });

  it('kubectl get pods -o wide adds IP, NODE, NOMINATED NODE and READINESS GATES', async () => {
    const [header, ...pods] = rows(await c.ok(['get', 'pods', '-o', 'wide', '-l', 'app=kubia']));
    assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.match(pod[5] ?? '', /^10\.244\.\d+\.\d+$/);
      assert.match(pod[6] ?? '', /^worker-[01]$/);
      assert.deepEqual(pod.slice(7), ['<none>', '<none>']);
    }
  });

  it('the rc keeps its pods: scale to 5, a deleted pod is replaced, and describe shows replication-controller events', async () => {
    assert.equal(await c.ok(['scale', 'rc', 'kubia', '--replicas=5']), 'replicationcontroller/kubia scaled\n');
    await c.until(['get', 'rc', 'kubia', '--no-headers'], /^kubia\s+5\s+5\s+5\s/);
    const [victim] = (await c.ok(['get', 'pods', '-l', 'app=kubia', '-o', 'name'])).trim().split('\n');
    assert.equal(await c.ok(['delete', victim ?? '', '--wait=false']), `pod "${(victim ?? '').replace('pod/', '')}" deleted\n`);
    await c.until(['get', 'pods', '-l', 'app=kubia', '-o', 'name'], new RegExp(`^(?![\\s\\S]*${victim ?? ''}\\n)(pod/kubia-\\w{5}\\n){5}$`));
    const described = await c.ok(['describe', 'rc', 'kubia']);
    assert.match(described, /^Replicas: +5 current \/ 5 desired$/m);
    assert.match(described, /^Pods Status: +\d+ Running \/ \d+ Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(described, /^ {2}Normal +SuccessfulCreate +\S+ +\S+ +Created pod: kubia-\w{5}$/m);
  });

  it('kubectl explain pod and explain of a nested field (the liveness probe\'s httpGet)', async () => {
    const pod = await c.ok(['explain', 'pod']);
    assert.match(pod, /^KIND: {7}Pod\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}Pod is a collection of containers that can run on a host\./);
    assert.match(pod, /\nFIELDS:\n {2}apiVersion\t<string>\n/);
    for (const field of ['kind\t<string>', 'metadata\t<ObjectMeta>', 'spec\t<PodSpec>', 'status\t<PodStatus>']) assert.ok(pod.includes(`\n  ${field}\n`), `explain pod lists ${field}`);
    const httpGet = await c.ok(['explain', 'pod.spec.containers.livenessProbe.httpGet']);
    assert.match(httpGet, /^KIND: {7}Pod\nVERSION: {4}v1\n\nFIELD: httpGet <HTTPGetAction>\n/);
    assert.match(httpGet, /\n {2}port\t<IntOrString> -required-\n/);
    const unknown = await c.run(['explain', 'pod.spec.nosuchfield']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: field "nosuchfield" does not exist\n$/);
  });

  it('create -f, --show-labels, -L env, label (refused without --overwrite) and -l app=as,rel=stable', async () => {
    assert.equal(await c.ok(['create', '-f', seedManifest('003-kubia-manual.yaml')]), 'pod/kubia-manual created\n');
    const shown = rows(await c.ok(['get', 'pods', 'kubia-manual', '--show-labels']));
    assert.deepEqual(shown[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
    assert.equal(shown[1]?.[5], 'creation_method=manual,env=prod');
    const withEnv = rows(await c.ok(['get', 'pods', '-L', 'env', '-l', 'run=kubia']));
    assert.deepEqual(withEnv[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'ENV']);
    assert.equal(withEnv[1]?.length, 5, 'a pod without the label has an empty ENV cell');
    assert.equal(rows(await c.ok(['get', 'pods', 'kubia-manual', '-L', 'env']))[1]?.[5], 'prod');
    assert.equal(await c.ok(['label', 'pod', 'kubia-manual', 'app=as', 'rel=stable']), 'pod/kubia-manual labeled\n');
    const refused = await c.run(['label', 'pod', 'kubia-manual', 'env=debug']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, "error: 'env' already has a value (prod), and --overwrite is false\n");
    assert.equal(await c.ok(['label', 'pod', 'kubia-manual', 'env=debug', '--overwrite']), 'pod/kubia-manual labeled\n');
    const selected = rows(await c.ok(['get', 'pods', '-l', 'app=as,rel=stable']));
    assert.deepEqual(selected.slice(1).map((r) => r[0]), ['kubia-manual']);
    const none = await c.run(['get', 'pods', '-l', 'app=as,rel=beta']);
    assert.equal(none.stderr, 'No resources found in default namespace.\n');
  });

  it('kubectl create ns, a second time AlreadyExists; a pod created in it is listed only there', async () => {
    assert.equal(await c.ok(['create', 'ns', 'custom-namespace']), 'namespace/custom-namespace created\n');
    const again = await c.run(['create', 'ns', 'custom-namespace']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error from server (AlreadyExists): namespaces "custom-namespace" already exists\n');
    assert.match(await c.ok(['get', 'ns', 'custom-namespace']), /^NAME +STATUS +AGE\ncustom-namespace +Active +\S+\n$/);
    assert.equal(await c.ok(['create', '-f', seedManifest('003-kubia-manual.yaml'), '-n', 'custom-namespace']), 'pod/kubia-manual created\n');
    const all = rows(await c.ok(['get', 'pods', '-A', '-l', 'creation_method=manual']));
    assert.deepEqual(all[0]?.slice(0, 2), ['NAMESPACE', 'NAME']);
    assert.deepEqual(all.slice(1).map((r) => `${r[0] ?? ''}/${r[1] ?? ''}`).sort(), ['custom-namespace/kubia-manual', 'default/kubia-manual']);
  });

  it('a Service with named target ports and ClientIP affinity; a selectorless Service with hand-written Endpoints', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('003-kubia-named-ports.yaml')]), 'service/kubia created\npod/kubia-named created\n');
    assert.match(rows(await c.ok(['get', 'svc', 'kubia']))[1]?.[4] ?? '', /^80\/TCP,443\/TCP$/);
    await c.until(['get', 'endpoints', 'kubia', '--no-headers'], /^kubia\s+(10\.244\.\d+\.\d+):8080,\1:8443\s/);
    const described = await c.ok(['describe', 'svc', 'kubia']);
    assert.match(described, /^Port: +http {2}80\/TCP\nTargetPort: +http\/TCP\n/m);
    assert.match(described, /^Port: +https {2}443\/TCP\nTargetPort: +https\/TCP\n/m);
    assert.match(described, /^Session Affinity: +ClientIP$/m);

    assert.equal(await c.ok(['apply', '-f', seedManifest('003-external-service.yaml')]), 'service/external-service created\nendpoints/external-service created\n');
    const [header, endpoints] = rows(await c.ok(['get', 'endpoints', 'external-service']));
    assert.deepEqual(header, ['NAME', 'ENDPOINTS', 'AGE']);
    assert.equal(endpoints?.[1], '11.11.11.11:80,22.22.22.22:80');
    // The Endpoints controller leaves hand-made Endpoints of a selectorless Service alone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(rows(await c.ok(['get', 'endpoints', 'external-service']))[1]?.[1], '11.11.11.11:80,22.22.22.22:80');
  });

  it('kubectl top without a metrics server says the Metrics API is not available', async () => {
    for (const what of [['top', 'nodes'], ['top', 'pods']]) {
      const result = await c.run(what);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, 'error: Metrics API not available\n');
    }
  });

  it('the rc\'s events come from replication-controller, as upstream\'s ReplicationManager records them', async () => {
    assert.match(await c.ok(['describe', 'rc', 'kubia']), /^ {2}Normal +SuccessfulCreate +\S+ +replication-controller +Created pod: kubia-\w{5}$/m);
  });

  it('kubectl get componentstatuses lists the control-plane components the book shows', async () => {
    const result = await c.run(['get', 'cs']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Warning: v1 ComponentStatus is deprecated in v1\.19\+\n/);
    assert.match(result.stdout, /^NAME +STATUS +MESSAGE +ERROR\n/);
    assert.match(result.stdout, /^etcd-0 +Healthy +ok *$/m);
  });
});
