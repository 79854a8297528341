// Seed 001 ("k8s 介绍"), command by command with the real kubectl against a
// whole control plane: the nginx Deployment with requests and its NodePort
// Service, kubectl get all --all-namespaces, describe, get -o yaml, edit
// deployment.apps/nginx-deployment, and taints with tolerations (the
// tutorial's own toleration is refused: Exists takes no value). Assertions are
// on what the user sees.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { kubectlSkip, rows, seedManifest, startSeedCluster, type SeedCluster } from './seeds-cluster.js';

if (kubectlSkip) process.stdout.write(`# skipping seed 001 kubectl tests: ${kubectlSkip}\n`);

interface DeploymentYaml {
  spec: {
    progressDeadlineSeconds: number;
    revisionHistoryLimit: number;
    strategy: unknown;
    template: { spec: { containers: { imagePullPolicy: string; resources: unknown; terminationMessagePath: string }[]; dnsPolicy: string; restartPolicy: string; schedulerName: string; terminationGracePeriodSeconds: number } };
  };
  status: { readyReplicas: number; conditions: { type: string; status: string }[] };
}

describe('seed 001: k8s 介绍 with kubectl', { skip: kubectlSkip }, () => {
  let c: SeedCluster;
  before(async () => {
    c = await startSeedCluster({ nodes: 2, namePrefix: 'node1' });
  });
  after(async () => c?.stop());

  it('kubectl apply -f with the Deployment and its NodePort Service creates both and the rollout finishes', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('001-nginx.yaml')]), 'deployment.apps/nginx-deployment created\nservice/nginx-svc created\n');
    assert.match(await c.ok(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=30s']), /deployment "nginx-deployment" successfully rolled out\n$/);
  });

  it('kubectl get all --all-namespaces=true prints one table per kind, each with a NAMESPACE column', async () => {
    const out = await c.ok(['get', 'all', '--all-namespaces=true']);
    const sections = out.trimEnd().split('\n\n').map((s) => rows(s));
    const headers = sections.map((s) => s[0]?.join(' '));
    assert.deepEqual(headers, [
      'NAMESPACE NAME READY STATUS RESTARTS AGE',
      'NAMESPACE NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE',
      'NAMESPACE NAME READY UP-TO-DATE AVAILABLE AGE',
      'NAMESPACE NAME DESIRED CURRENT READY AGE',
    ]);
    const [pods, services, deployments, replicasets] = sections;
    assert.deepEqual(pods?.slice(1).map((r) => `${r[0] ?? ''} ${(r[1] ?? '').replace(/-\w+-\w+$/, '')} ${r[2] ?? ''} ${r[3] ?? ''}`), ['default pod/nginx-deployment 1/1 Running', 'default pod/nginx-deployment 1/1 Running']);
    const svc = services?.find((r) => r[1] === 'service/nginx-svc');
    assert.equal(svc?.[2], 'NodePort');
    assert.match(svc?.[5] ?? '', /^8881:3[0-2]\d{3}\/TCP$/);
    assert.deepEqual(deployments?.[1]?.slice(0, 5), ['default', 'deployment.apps/nginx-deployment', '2/2', '2', '2']);
    assert.match(replicasets?.[1]?.join(' ') ?? '', /^default replicaset\.apps\/nginx-deployment-\w+ 2 2 2 /);
  });

  it('kubectl get pods -n kube-system answers (the control plane here runs outside the cluster)', async () => {
    const result = await c.run(['get', 'pods', '-n', 'kube-system']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'No resources found in kube-system namespace.\n');
  });

  it('kubectl describe deployment shows the strategy, the requests, conditions, the new ReplicaSet and events', async () => {
    const described = await c.ok(['describe', 'deployment', 'nginx-deployment']);
    assert.match(described, /^Selector: +app=nginx$/m);
    assert.match(described, /^Replicas: +2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(described, /^StrategyType: +RollingUpdate$/m);
    assert.match(described, /^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m);
    assert.match(described, /^ {4}Image: +nginx:1\.7\.9\n {4}Port: +80\/TCP\n {4}Host Port: +0\/TCP\n {4}Requests:\n {6}cpu: +50m\n {6}memory: +16Mi\n/m);
    assert.match(described, /^Conditions:\n {2}Type +Status +Reason\n {2}-+ +-+ +-+\n {2}Available +True +MinimumReplicasAvailable\n {2}Progressing +True +NewReplicaSetAvailable\n/m);
    assert.match(described, /^NewReplicaSet: +nginx-deployment-\w+ \(2\/2 replicas created\)$/m);
    assert.match(described, /^ {2}Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set nginx-deployment-\w+ from 0 to 2$/m);
  });

  it('kubectl get deployment -o yaml shows the server\'s defaults and status', async () => {
    const deployment = parse(await c.ok(['get', 'deployment', 'nginx-deployment', '-o', 'yaml'])) as DeploymentYaml;
    assert.equal(deployment.spec.progressDeadlineSeconds, 600);
    assert.equal(deployment.spec.revisionHistoryLimit, 10);
    assert.deepEqual(deployment.spec.strategy, { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' });
    const pod = deployment.spec.template.spec;
    assert.deepEqual([pod.dnsPolicy, pod.restartPolicy, pod.schedulerName, pod.terminationGracePeriodSeconds], ['ClusterFirst', 'Always', 'default-scheduler', 30]);
    assert.equal(pod.containers[0]?.imagePullPolicy, 'IfNotPresent');
    // The seed writes cpu: 0.05; the server keeps the canonical form.
    assert.deepEqual(pod.containers[0]?.resources, { requests: { cpu: '50m', memory: '16Mi' } });
    assert.equal(deployment.status.readyReplicas, 2);
    assert.deepEqual(deployment.status.conditions.map((x) => `${x.type}=${x.status}`).sort(), ['Available=True', 'Progressing=True']);
    assert.equal(await c.ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].status.qosClass}']), 'Burstable Burstable');
  });

  it('kubectl edit deployment.apps/nginx-deployment to a new image rolls out a second revision', async () => {
    const editor = path.join(path.dirname(c.t.kubeconfig), 'image-editor.sh');
    await fs.writeFile(editor, '#!/bin/sh\nsed -i "s#image: nginx:1.7.9#image: nginx:1.25#" "$1"\n', { mode: 0o755 });
    assert.equal(await c.ok(['edit', 'deployment.apps/nginx-deployment'], { env: { KUBE_EDITOR: editor } }), 'deployment.apps/nginx-deployment edited\n');
    await c.ok(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=30s']);
    assert.match(await c.ok(['rollout', 'history', 'deployment/nginx-deployment']), /^deployment\.apps\/nginx-deployment \nREVISION {2}CHANGE-CAUSE\n1 {9}<none>\n2 {9}<none>\n\n$/);
    const replicasets = rows(await c.ok(['get', 'rs', '-l', 'app=nginx', '-o', 'wide', '--sort-by=.metadata.creationTimestamp']));
    assert.deepEqual(replicasets[0]?.slice(0, 7), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
    assert.deepEqual(replicasets.slice(1).map((r) => `${r[1] ?? ''}${r[2] ?? ''}${r[3] ?? ''} ${r[6] ?? ''}`), ['000 nginx:1.7.9', '222 nginx:1.25']);
  });

  it('kubectl taint nodes node1 key=value:NoSchedule; the tutorial\'s toleration is refused, a valid one lets a pod onto the node', async () => {
    assert.equal(await c.ok(['taint', 'nodes', 'node1-0', 'key=value:NoSchedule']), 'node/node1-0 tainted\n');
    assert.match(await c.ok(['describe', 'node', 'node1-0']), /^Taints: +key=value:NoSchedule$/m);

    const refused = await c.run(['apply', '-f', seedManifest('001-toleration-as-written.yaml')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^The Pod "tolerant-as-written" is invalid: spec\.tolerations\[0\]\.operator: Invalid value: .+: value must be empty when `operator` is 'Exists'\n$/);
    const none = await c.run(['get', 'pod', 'tolerant-as-written']);
    assert.equal(none.stderr, 'Error from server (NotFound): pods "tolerant-as-written" not found\n');

    assert.equal(await c.ok(['apply', '-f', seedManifest('001-toleration.yaml')]), 'pod/tolerant created\n');
    await c.until(['get', 'pod', 'tolerant', '-o', 'wide', '--no-headers'], /^tolerant\s+1\/1\s+Running\s+0\s+\S+\s+\S+\s+node1-0\s/);
    assert.match(await c.ok(['describe', 'pod', 'tolerant']), /^Tolerations: +key=value:NoSchedule\n/m);

    // Without the toleration the same pod cannot go there.
    const intolerant = (await fs.readFile(seedManifest('001-toleration.yaml'), 'utf8')).replace('name: tolerant', 'name: intolerant').replace(/ {2}tolerations:\n(?: {2}[- ] .*\n)+/, '');
    assert.equal(await c.ok(['apply', '-f', '-'], { input: intolerant }), 'pod/intolerant created\n');
    const described = await c.until(['describe', 'pod', 'intolerant'], /FailedScheduling/);
    assert.match(described, /Warning +FailedScheduling +\S+ +default-scheduler +0\/2 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had untolerated taint \{key: value\}\. preemption: 0\/2 nodes are available: 2 Preemption is not helpful for scheduling\.\n/);
  });

  it('a PreferNoSchedule taint beside it; both are listed and removed by key', async () => {
    assert.equal(await c.ok(['taint', 'nodes', 'node1-0', 'key=value:PreferNoSchedule']), 'node/node1-0 tainted\n');
    assert.match(await c.ok(['describe', 'node', 'node1-0']), /^Taints: +key=value:NoSchedule\n +key=value:PreferNoSchedule\n/m);
    assert.equal(await c.ok(['taint', 'nodes', 'node1-0', 'key-']), 'node/node1-0 untainted\n');
    assert.match(await c.ok(['describe', 'node', 'node1-0']), /^Taints: +<none>$/m);
  });

  it('the tutorial\'s toleration is refused with 1.32+\'s wording (the offending value, not the whole toleration)', async () => {
    const refused = await c.run(['apply', '-f', seedManifest('001-toleration-as-written.yaml')]);
    assert.equal(refused.stderr, 'The Pod "tolerant-as-written" is invalid: spec.tolerations[0].operator: Invalid value: "value": value must be empty when `operator` is \'Exists\'\n');
  });

  it('kubectl get all in default lists the kubernetes Service every cluster has', async () => {
    assert.match(await c.ok(['get', 'all']), /^service\/kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443\/TCP +/m);
  });
});
