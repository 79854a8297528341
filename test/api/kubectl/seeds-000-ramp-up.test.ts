// Seed 000 ("[Tutorial] Kubernetes Ramp Up"), command by command with the real
// kubectl against a whole control plane: the fortune-teller Deployment, its
// edit to two replicas, the Service, the netshoot Deployment, the Ingress (as
// written, in extensions/v1beta1, and in networking.k8s.io/v1) and the Secret
// made with --from-file. Assertions are on what the user sees.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlSkip, rows, seedManifest, startSeedCluster, type SeedCluster } from './seeds-cluster.js';

if (kubectlSkip) process.stdout.write(`# skipping seed 000 kubectl tests: ${kubectlSkip}\n`);

// ObjectService.create validates metadata (name required) before the store
// resolves generateName, so every generateName create is Invalid (the
// EndpointSlice controller now names its slices itself to get around it).

describe('seed 000: Kubernetes Ramp Up with kubectl', { skip: kubectlSkip }, () => {
  let c: SeedCluster;
  let work: string;
  before(async () => {
    c = await startSeedCluster();
    work = await fs.mkdtemp(path.join(path.dirname(c.t.kubeconfig), 'seed-000-'));
  });
  after(async () => c?.stop());

  it('kubectl apply -f deployment.yaml creates it; the tutorial\'s "get deployement" typo is an unknown resource type', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('000-deployment.yaml')]), 'deployment.apps/fortune-teller-app created\n');
    const typo = await c.run(['get', 'deployement']);
    assert.equal(typo.code, 1);
    assert.equal(typo.stdout, '');
    assert.equal(typo.stderr, 'error: the server doesn\'t have a resource type "deployement"\n');
    const table = await c.until(['get', 'deployment'], /fortune-teller-app\s+1\/1\s+1\s+1\s/);
    assert.match(table, /^NAME {17}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\n/);
  });

  it('kubectl get pods shows the Deployment\'s pod Running on a node', async () => {
    const table = await c.until(['get', 'pods'], /\s1\/1\s+Running\s/);
    const [header, ...pods] = rows(table);
    assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.equal(pods.length, 1);
    assert.match(pods[0]?.[0] ?? '', /^fortune-teller-app-[a-z0-9]{6,10}-[a-z0-9]{5}$/);
    assert.deepEqual(pods[0]?.slice(1, 4), ['1/1', 'Running', '0']);
  });

  it('kubectl edit deployment fortune-teller-app (replicas 1 → 2 in the editor) brings a second pod', async () => {
    const editor = path.join(work, 'editor.sh');
    await fs.writeFile(editor, '#!/bin/sh\nsed -i "s/^  replicas: 1$/  replicas: 2/" "$1"\n', { mode: 0o755 });
    assert.equal(await c.ok(['edit', 'deployment', 'fortune-teller-app'], { env: { KUBE_EDITOR: editor } }), 'deployment.apps/fortune-teller-app edited\n');
    const table = await c.until(['get', 'pods', '--no-headers'], /^(fortune-teller-app-\S+\s+1\/1\s+Running\s+0\s+\S+\n){2}$/);
    assert.equal(rows(table).length, 2);
    await c.until(['get', 'deployment', 'fortune-teller-app', '--no-headers'], /^fortune-teller-app\s+2\/2\s+2\s+2\s/);
    // An editor that changes nothing: kubectl says so and leaves the object alone.
    const unchanged = await c.run(['edit', 'deployment', 'fortune-teller-app'], { env: { KUBE_EDITOR: 'true' } });
    assert.equal(unchanged.code, 0);
    assert.equal(unchanged.stderr, 'Edit cancelled, no changes made.\n');
  });

  it('kubectl apply -f service.yaml, then kubectl get service prints the ClusterIP Service and its endpoints exist', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('000-service.yaml')]), 'service/fortune-teller-service created\n');
    const [header, service] = rows(await c.ok(['get', 'service']));
    assert.deepEqual(header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.equal(service?.[0], 'fortune-teller-service');
    assert.equal(service?.[1], 'ClusterIP');
    assert.match(service?.[2] ?? '', /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/, 'an address of 10.96.0.0/12');
    assert.deepEqual(service?.slice(3, 5), ['<none>', '50051/TCP']);
    await c.until(['get', 'endpoints', 'fortune-teller-service', '--no-headers'], /^fortune-teller-service\s+10\.244\.\d+\.\d+:50051,10\.244\.\d+\.\d+:50051\s/);
    const described = await c.ok(['describe', 'service', 'fortune-teller-service']);
    assert.match(described, /^Selector: +k8s-app=fortune-teller-app$/m);
    assert.match(described, /^Type: +ClusterIP$/m);
    assert.match(described, /^Port: +grpc {2}50051\/TCP$/m);
    assert.match(described, /^TargetPort: +50051\/TCP$/m);
    assert.match(described, /^Session Affinity: +None$/m);
  });

  it('the netshoot Deployment runs its /bin/sleep pod', async () => {
    assert.equal(await c.ok(['apply', '-f', seedManifest('000-netshoot.yaml')]), 'deployment.apps/netshoot created\n');
    await c.until(['get', 'pods', '-l', 'k8s-app=netshoot', '--no-headers'], /^netshoot-\S+\s+1\/1\s+Running\s/);
    const described = await c.ok(['describe', 'deployment', 'netshoot']);
    assert.match(described, /^ {4}Command:\n {6}\/bin\/sleep\n {4}Args:\n {6}1000d\n/m);
  });

  it('the Ingress as written (extensions/v1beta1) is not served: kubectl cannot map it and nothing is created', async () => {
    const result = await c.run(['apply', '-f', seedManifest('000-ingress-extensions-v1beta1.yaml')]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `error: resource mapping not found for name: "fortune-ingress" namespace: "default" from "${seedManifest('000-ingress-extensions-v1beta1.yaml')}": no matches for kind "Ingress" in version "extensions/v1beta1"\nensure CRDs are installed first\n`,
    );
    const none = await c.run(['get', 'ingress']);
    assert.equal(none.code, 0);
    assert.equal(none.stderr, 'No resources found in default namespace.\n');
  });

  it('kubectl get svc -n ingress-nginx in a namespace nobody made prints "No resources found"', async () => {
    const result = await c.run(['get', 'svc', '-n', 'ingress-nginx']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'No resources found in ingress-nginx namespace.\n');
  });

  it('kubectl create secret generic --from-file=key=file (three files), then the networking.k8s.io/v1 Ingress using it for TLS', async () => {
    const files = { 'CA.pem': 'ca-cert\n', 'server-public.pem': 'public-cert\n', 'server-private.key': 'private-key-bytes\n' };
    for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(work, name), text);
    const created = await c.ok(['create', 'secret', 'generic', 'fortune-teller-ssl-verify', `--from-file=ca.crt=${path.join(work, 'CA.pem')}`, `--from-file=tls.crt=${path.join(work, 'server-public.pem')}`, `--from-file=tls.key=${path.join(work, 'server-private.key')}`]);
    assert.equal(created, 'secret/fortune-teller-ssl-verify created\n');
    const [header, secret] = rows(await c.ok(['get', 'secret', 'fortune-teller-ssl-verify']));
    assert.deepEqual(header, ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(secret?.slice(0, 3), ['fortune-teller-ssl-verify', 'Opaque', '3']);
    const described = await c.ok(['describe', 'secret', 'fortune-teller-ssl-verify']);
    // kubectl walks the data map in Go's random order: one line per key, in any order.
    const data = described.split('\n====\n')[1] ?? '';
    assert.deepEqual(data.trimEnd().split('\n').sort(), ['ca.crt:   8 bytes', 'tls.crt:  12 bytes', 'tls.key:  18 bytes']);
    assert.match(described, /\nType: {2}Opaque\n\nData\n====\n/);
    assert.equal(await c.ok(['get', 'secret', 'fortune-teller-ssl-verify', '-o', 'jsonpath={.data.tls\\.key}']), Buffer.from(files['server-private.key']).toString('base64'));

    assert.equal(await c.ok(['apply', '-f', seedManifest('000-ingress.yaml')]), 'ingress.networking.k8s.io/fortune-ingress created\n');
    const [ingressHeader, ingress] = rows(await c.ok(['get', 'ingress']));
    assert.deepEqual(ingressHeader, ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    // ADDRESS is empty until an ingress controller reports one, so it is no cell of its own.
    assert.deepEqual(ingress?.slice(0, 4), ['fortune-ingress', '<none>', 'fortune.test.com', '80, 443']);
    const ingressDescribed = await c.ok(['describe', 'ingress', 'fortune-ingress']);
    assert.match(ingressDescribed, /^TLS:\n {2}fortune-teller-ssl-verify terminates fortune\.test\.com\n/m);
    assert.match(ingressDescribed, /^ +\/ +fortune-teller-service:grpc \(/m);
    assert.match(ingressDescribed, /^Annotations: +nginx\.ingress\.kubernetes\.io\/backend-protocol: GRPC$/m);
  });

  it('the three Service types the tutorial names, made with kubectl create service; annotate needs --overwrite to change a value', async () => {
    assert.equal(await c.ok(['create', 'service', 'nodeport', 'fortune-np', '--tcp=50051:50051', '--node-port=31051']), 'service/fortune-np created\n');
    assert.equal(await c.ok(['create', 'service', 'clusterip', 'fortune-headless', '--clusterip=None', '--tcp=50051:50051']), 'service/fortune-headless created\n');
    assert.equal(await c.ok(['create', 'service', 'externalname', 'fortune-ext', '--external-name=fortune.example.com']), 'service/fortune-ext created\n');
    const table = rows(await c.ok(['get', 'svc', 'fortune-np', 'fortune-headless', 'fortune-ext', '-o', 'wide']));
    assert.deepEqual(table[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    assert.deepEqual(table[1]?.filter((_, i) => i !== 2 && i !== 5), ['fortune-np', 'NodePort', '<none>', '50051:31051/TCP', 'app=fortune-np']);
    assert.deepEqual(table[2]?.filter((_, i) => i !== 5), ['fortune-headless', 'ClusterIP', 'None', '<none>', '50051/TCP', 'app=fortune-headless']);
    assert.deepEqual(table[3]?.filter((_, i) => i !== 5), ['fortune-ext', 'ExternalName', '<none>', 'fortune.example.com', '<none>', 'app=fortune-ext']);
    const described = await c.ok(['describe', 'svc', 'fortune-ext']);
    assert.match(described, /^Type: +ExternalName\n/m);
    assert.match(described, /^External Name: +fortune\.example\.com\n/m);

    assert.equal(await c.ok(['annotate', 'svc', 'fortune-np', 'owner=team-a']), 'service/fortune-np annotated\n');
    const refused = await c.run(['annotate', 'svc', 'fortune-np', 'owner=team-b']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, "error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (team-a)\n");
    assert.equal(await c.ok(['annotate', 'svc', 'fortune-np', 'owner=team-b', '--overwrite']), 'service/fortune-np annotated\n');
    assert.equal(await c.ok(['get', 'svc', 'fortune-np', '-o', 'jsonpath={.metadata.annotations.owner}']), 'team-b');
    assert.equal(await c.ok(['annotate', 'svc', 'fortune-np', 'owner-']), 'service/fortune-np annotated\n');
    assert.match(await c.ok(['describe', 'svc', 'fortune-np']), /^Annotations: +<none>$/m);
  });

  it('kubectl create of an object with generateName gets a generated name', async () => {
    const created = await c.ok(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: fortune-\n' });
    assert.match(created, /^configmap\/fortune-[bcdfghjklmnpqrstvwxz2456789]{5} created\n$/);
  });

  it('kubectl describe service lists the endpoints it reads from EndpointSlices', async () => {
    await c.until(['describe', 'service', 'fortune-teller-service'], /^Endpoints: +10\.244\.\d+\.\d+:50051,10\.244\.\d+\.\d+:50051$/m);
    await c.until(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=fortune-teller-service', '--no-headers'], /^fortune-teller-service-[a-z0-9]{5}\s+IPv4\s+50051\s/);
  });
});
