// The objects every cluster has, seen with the real kubectl: default/kubernetes
// and its endpoints, componentstatuses with real health (component Leases,
// a PostgreSQL round trip), the system PriorityClasses and bootstrap RBAC, and
// a second API replica joining the same cluster.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../../src/api/start.js';
import { issueToken } from '../../../src/auth/tokens.js';
import { startNodeAgent } from '../../../src/node/start.js';
import { writeKubeconfig } from '../../../src/auth/kubeconfig.js';
import { generateServingCertificate } from '../../../src/infra/pki.js';
import { silentLogger } from '../../../src/log.js';
import { startComponentLease, type ComponentLease } from '../../../src/process/component-lease.js';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { testDatabaseUrl, testRedisUrl } from '../../helpers/env.js';
import { kubectl, kubectlPath } from '../../helpers/kubectl.js';

const kubectlSkip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (kubectlSkip) process.stdout.write(`# skipping built-in object kubectl tests: ${kubectlSkip}\n`);

const rows = (table: string): string[][] => table.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));

describe('built-in objects with kubectl', { skip: kubectlSkip }, () => {
  let t: TestApi;
  const ok = async (args: string[]): Promise<string> => {
    const result = await kubectl(t.kubeconfig, args);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  before(async () => {
    t = await startTestApi();
  });
  after(async () => t?.stop());

  it('kubectl get svc kubernetes shows the ClusterIP service on 10.96.0.1:443 every cluster has', async () => {
    const [header, row, ...rest] = rows(await ok(['get', 'svc', 'kubernetes']));
    assert.deepEqual(header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.deepEqual(row?.slice(0, 5), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    assert.deepEqual(rest, []);
    const described = await ok(['describe', 'svc', 'kubernetes']);
    assert.match(described, /^Labels: +component=apiserver\n +provider=kubernetes$/m);
    assert.match(described, /^Selector: +<none>$/m);
    assert.match(described, new RegExp(`^TargetPort: +${t.api.port}/TCP$`, 'm'));
  });

  it('kubectl get endpoints kubernetes and its EndpointSlice point at the API server', async () => {
    const [header, row] = rows(await ok(['get', 'endpoints', 'kubernetes']));
    assert.deepEqual(header, ['NAME', 'ENDPOINTS', 'AGE']);
    assert.deepEqual(row?.slice(0, 2), ['kubernetes', `127.0.0.1:${t.api.port}`]);
    const [sliceHeader, slice] = rows(await ok(['get', 'endpointslices', 'kubernetes']));
    assert.deepEqual(sliceHeader, ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    assert.deepEqual(slice?.slice(0, 4), ['kubernetes', 'IPv4', String(t.api.port), '127.0.0.1']);
  });

  it('kubectl get cs reports scheduler and controller-manager unhealthy until their Leases are held, and etcd-0 healthy', async () => {
    const before = await kubectl(t.kubeconfig, ['get', 'cs']);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stderr, 'Warning: v1 ComponentStatus is deprecated in v1.19+\n');
    const [header, ...components] = rows(before.stdout);
    assert.deepEqual(header, ['NAME', 'STATUS', 'MESSAGE', 'ERROR']);
    assert.deepEqual(components.map((c) => c.slice(0, 2)), [['scheduler', 'Unhealthy'], ['controller-manager', 'Unhealthy'], ['etcd-0', 'Healthy']]);
    assert.match(before.stdout, /^scheduler +Unhealthy +no kube-scheduler is running for this cluster: Lease kube-system\/kube-scheduler does not exist$/m);

    const leases: ComponentLease[] = (['kube-scheduler', 'kube-controller-manager'] as const).map((name) => startComponentLease({ objects: t.api.objects, name, clusters: () => Promise.resolve([t.cluster]), renewIntervalMs: 60_000 }));
    try {
      await Promise.all(leases.map((l) => l.renewNow()));
      const [, ...healthy] = rows(await ok(['get', 'componentstatuses']));
      assert.deepEqual(healthy, [['scheduler', 'Healthy', 'ok'], ['controller-manager', 'Healthy', 'ok'], ['etcd-0', 'Healthy', 'ok']]);
      const [, held] = rows(await ok(['get', 'lease', '-n', 'kube-system', 'kube-scheduler']));
      assert.equal(held?.[1], leases[0]?.identity);
      const one = await ok(['get', 'cs', 'etcd-0', '-o', 'json']);
      assert.deepEqual(JSON.parse(one), { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] });
    } finally {
      await Promise.all(leases.map((l) => l.stop()));
    }
    const missing = await kubectl(t.kubeconfig, ['get', 'cs', 'kube-proxy']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): componentstatuses "kube-proxy" not found\n$/);
    const refused = await kubectl(t.kubeconfig, ['delete', 'cs', 'etcd-0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /MethodNotAllowed|not allow/);
  });

  it('kubectl get pc lists the two system PriorityClasses', async () => {
    const [header, ...classes] = rows(await ok(['get', 'pc']));
    assert.deepEqual(header, ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
    assert.deepEqual(classes.map((c) => [c[0], c[1], c[2], c[4]]), [
      ['system-cluster-critical', '2000000000', 'false', 'PreemptLowerPriority'],
      ['system-node-critical', '2000001000', 'false', 'PreemptLowerPriority'],
    ]);
    assert.match(await ok(['describe', 'pc', 'system-node-critical']), /^Description: +Used for system critical pods that must not be moved from their current node\.$/m);
  });

  it('kubectl get clusterroles lists the bootstrap roles; describe clusterrole view shows its rules', async () => {
    const names = rows(await ok(['get', 'clusterroles', '-o', 'name'])).map((r) => r[0]);
    for (const role of ['admin', 'cluster-admin', 'edit', 'system:basic-user', 'system:discovery', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:node', 'system:public-info-viewer', 'view']) {
      assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${role}`), `${role} in ${names.join(' ')}`);
    }
    const view = await ok(['describe', 'clusterrole', 'view']);
    assert.match(view, /^Name: +view$/m);
    assert.match(view, /^Labels: +kubernetes\.io\/bootstrapping=rbac-defaults\n +rbac\.authorization\.k8s\.io\/aggregate-to-edit=true$/m);
    assert.match(view, /^Annotations: +rbac\.authorization\.kubernetes\.io\/autoupdate: true$/m);
    assert.match(view, /^ +deployments\.apps +\[\] +\[\] +\[get list watch\]$/m);
    assert.match(view, /^ +pods +\[\] +\[\] +\[get list watch\]$/m);
    const [, binding] = rows(await ok(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide']));
    assert.deepEqual(binding?.slice(0, 1), ['cluster-admin']);
    assert.match(binding?.join(' ') ?? '', /ClusterRole\/cluster-admin .*system:masters/);
  });

  it('kubectl describe node shows the kubelet\'s start-up events in the order they happened', async () => {
    const bootstrap = await issueToken(t.api.prisma, { cluster: t.cluster, kind: 'bootstrap', username: 'system:bootstrap', groups: ['system:bootstrappers', 'system:authenticated'] });
    const agent = await startNodeAgent({ apiUrl: t.url, token: bootstrap, log: silentLogger(), nodes: 1, namePrefix: 'events-node' });
    try {
      const described = await ok(['describe', 'node', 'events-node-0']);
      const events = described.slice(described.indexOf('\nEvents:'));
      assert.match(events, /^ {2}Type +Reason +Age +From +Message$/m);
      const lines = events.split('\n').filter((l) => /^ {2}Normal /.test(l)).map((l) => l.trim().split(/\s{2,}/));
      assert.deepEqual(lines.map((l) => [l[1], l[3], l[4]]), [
        ['Starting', 'kubelet', 'Starting kubelet.'],
        ['NodeHasSufficientMemory', 'kubelet', 'Node events-node-0 status is now: NodeHasSufficientMemory'],
        ['NodeHasNoDiskPressure', 'kubelet', 'Node events-node-0 status is now: NodeHasNoDiskPressure'],
        ['NodeHasSufficientPID', 'kubelet', 'Node events-node-0 status is now: NodeHasSufficientPID'],
        ['NodeAllocatableEnforced', 'kubelet', 'Updated Node Allocatable limit across pods'],
        ['NodeReady', 'kubelet', 'Node events-node-0 status is now: NodeReady'],
      ]);
    } finally {
      await agent.stop();
    }
  });

  it('a second API replica on the same cluster fails nothing, duplicates nothing and puts itself in the endpoints', async () => {
    let second: RunningApi | undefined;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-second-'));
    try {
      const tls = await generateServingCertificate();
      second = await startApi({ host: '127.0.0.1', port: 0, databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), log: silentLogger(), tls });
      const kubeconfig = path.join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${second.port}`, token: t.token, cluster: t.cluster, user: 'test-admin', caPem: tls.cert });
      const result = await kubectl(kubeconfig, ['get', 'svc', '-A', '--no-headers']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(rows(result.stdout).map((r) => [r[0], r[1]]), [['default', 'kubernetes']]);
      // Replicas share one port upstream; one on another port takes the endpoints over, as kube-apiserver's reconciler does.
      const [, row] = rows(await ok(['get', 'endpoints', 'kubernetes']));
      assert.equal(row?.[1], `127.0.0.1:${second.port}`);
      assert.equal(rows(await ok(['get', 'pc', '--no-headers'])).length, 2);
      assert.equal(rows(await ok(['get', 'ns', '--no-headers'])).length, 4);
    } finally {
      await second?.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
