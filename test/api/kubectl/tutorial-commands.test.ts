// The kubectl commands of the tutorials in ../shared/seeds, run with the real
// kubectl against the real API (issue #4 item 6), one API for the whole file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl, kubectlPath, type KubectlResult } from '../../helpers/kubectl.js';

const MANIFESTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/manifests');
const manifest = (name: string): string => path.join(MANIFESTS, name);

interface Obj {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;

describe('kubectl tutorial commands against the API', { skip }, () => {
  let t: TestApi;
  let dir: string;
  const run = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> => kubectl(t.kubeconfig, args, options);
  const ok = async (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> => {
    const result = await run(args, options);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const getJson = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await ok(['get', ...args, '-o', 'json'])) as T;
  const names = (output: string): string[] =>
    output
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[0] ?? '');

  before(async () => {
    t = await startTestApi();
    dir = await fs.mkdtemp(path.join(path.dirname(t.kubeconfig), 'work-'));
  });
  after(async () => t.stop());

  it('create -f makes the pod of the manifest; a second create is AlreadyExists', async () => {
    assert.equal((await ok(['create', '-f', manifest('kubia-manual.yaml')])).trim(), 'pod/kubia-manual created');
    await ok(['create', '-f', manifest('kubia-dev.yaml')]);
    const pod = await getJson(['pod', 'kubia-manual']);
    assert.deepEqual(pod.metadata.labels, { creation_method: 'manual', env: 'prod' });
    const again = await run(['create', '-f', manifest('kubia-manual.yaml')]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*kubia-manual.yaml": pods "kubia-manual" already exists/);
  });

  it('apply -f twice: created, then configured with the new replica count', async () => {
    const text = await fs.readFile(manifest('nginx-deployment.yaml'), 'utf8');
    assert.equal((await ok(['apply', '-f', '-'], { input: text })).trim(), 'deployment.apps/nginx-deployment created');
    assert.equal((await ok(['apply', '-f', '-'], { input: text.replace('replicas: 2', 'replicas: 3') })).trim(), 'deployment.apps/nginx-deployment configured');
    const deployment = await getJson(['deployment', 'nginx-deployment']);
    assert.equal(deployment.spec?.replicas, 3);
    assert.ok(deployment.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']?.includes('"replicas":3'));
  });

  it('get prints tables, -o wide, yaml and json', async () => {
    assert.deepEqual(names(await ok(['get', 'pods'])).sort(), ['kubia-dev', 'kubia-manual']);
    assert.match(await ok(['get', 'pods', '-o', 'wide']), /^NAME\s/);
    assert.match(await ok(['get', 'pod', 'kubia-manual', '-o', 'yaml']), /^apiVersion: v1\nkind: Pod\n/);
    const list = await getJson<{ kind: string; items: { kind: string; apiVersion: string }[] }>(['pods']);
    assert.equal(list.kind, 'List');
    // Items of a list carry their kind, so kubectl can print them one by one.
    assert.deepEqual(list.items.map((i) => `${i.apiVersion}/${i.kind}`), ['v1/Pod', 'v1/Pod']);
  });

  it('get -l with equality and set-based selectors, -L and --show-labels', async () => {
    assert.deepEqual(names(await ok(['get', 'pods', '-l', 'env=prod'])), ['kubia-manual']);
    assert.deepEqual(names(await ok(['get', 'pods', '-l', 'env!=prod'])), ['kubia-dev']);
    assert.deepEqual(names(await ok(['get', 'pods', '-l', 'env in (dev,qa)'])), ['kubia-dev']);
    assert.deepEqual(names(await ok(['get', 'pods', '-l', 'env notin (dev),creation_method'])), ['kubia-manual']);
    assert.deepEqual(names(await ok(['get', 'pods', '-l', '!env'])), []);
    const withColumns = await ok(['get', 'pods', '-L', 'env,creation_method']);
    assert.match(withColumns, /^NAME\s.*\sENV\s+CREATION_METHOD\n/);
    assert.match(withColumns, /^kubia-manual\s.*\sprod\s+manual$/m);
    assert.match(await ok(['get', 'pod', 'kubia-manual', '--show-labels']), /^kubia-manual\s.*\screation_method=manual,env=prod$/m);
  });

  it('create namespace, create secret generic --from-file, get --all-namespaces', async () => {
    assert.equal((await ok(['create', 'namespace', 'dev'])).trim(), 'namespace/dev created');
    const file = path.join(dir, 'username.txt');
    await fs.writeFile(file, 'admin');
    assert.equal((await ok(['create', 'secret', 'generic', 'db-user', `--from-file=${file}`, '-n', 'dev'])).trim(), 'secret/db-user created');
    const secret = await getJson(['secret', 'db-user', '-n', 'dev']);
    assert.equal(Buffer.from(secret.data?.['username.txt'] ?? '', 'base64').toString(), 'admin');
    await ok(['run', 'in-dev', '--image=nginx', '-n', 'dev']);
    const all = await ok(['get', 'pods', '--all-namespaces']);
    assert.match(all, /^NAMESPACE\s+NAME\s/);
    assert.match(all, /\ndev\s+in-dev\s/);
    assert.match(all, /\ndefault\s+kubia-manual\s/);
  });

  it('get --chunk-size pages through limit and continue', async () => {
    for (let i = 0; i < 5; i++) await ok(['create', 'configmap', `page-${i}`, '--from-literal=k=v']);
    const paged = names(await ok(['get', 'configmaps', '--chunk-size=2'])).filter((n) => n.startsWith('page-'));
    assert.deepEqual(paged, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('label, annotate, scale and the three patch types', async () => {
    assert.equal((await ok(['label', 'pod', 'kubia-manual', 'tier=web'])).trim(), 'pod/kubia-manual labeled');
    const overwrite = await run(['label', 'pod', 'kubia-manual', 'env=debug']);
    assert.equal(overwrite.code, 1);
    assert.match(overwrite.stderr, /'env' already has a value \(prod\), and --overwrite is false/);
    await ok(['label', 'pod', 'kubia-manual', 'env=debug', '--overwrite']);
    await ok(['annotate', 'pod', 'kubia-manual', 'note=hello']);
    const pod = await getJson(['pod', 'kubia-manual']);
    assert.deepEqual(pod.metadata.labels, { creation_method: 'manual', env: 'debug', tier: 'web' });
    assert.equal(pod.metadata.annotations?.note, 'hello');

    assert.equal((await ok(['scale', 'deployment', 'nginx-deployment', '--replicas=5'])).trim(), 'deployment.apps/nginx-deployment scaled');
    // Strategic merge: containers merge by name, so the ports survive an image change.
    await ok(['patch', 'deployment', 'nginx-deployment', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.16"}]}}}}']);
    await ok(['patch', 'deployment', 'nginx-deployment', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    await ok(['patch', 'deployment', 'nginx-deployment', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"yes"}}}']);
    const deployment = await getJson<{ metadata: Obj['metadata']; spec: { replicas: number; template: { spec: { containers: { name: string; image: string; ports?: { containerPort: number }[] }[] } } } }>(['deployment', 'nginx-deployment']);
    assert.equal(deployment.spec.replicas, 4);
    assert.deepEqual(deployment.spec.template.spec.containers.map((c) => [c.name, c.image, c.ports?.[0]?.containerPort]), [['nginx', 'nginx:1.16', 80]]);
    assert.equal(deployment.metadata.labels?.patched, 'yes');
  });

  it('describe prints the object and the events about it (fieldSelector involvedObject.*)', async () => {
    const pod = await getJson<{ metadata: { uid: string } }>(['pod', 'kubia-manual']);
    const event = (name: string, involved: string, uid: string, message: string): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: involved, namespace: 'default', uid },
        reason: 'Scheduled',
        message,
        type: 'Normal',
        source: { component: 'default-scheduler' },
        firstTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        lastTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        count: 1,
      });
    await ok(['create', '-f', '-'], { input: event('kubia-manual.1', 'kubia-manual', pod.metadata.uid, 'Successfully assigned default/kubia-manual to node-1') });
    await ok(['create', '-f', '-'], { input: event('kubia-dev.1', 'kubia-dev', 'other-uid', 'Successfully assigned default/kubia-dev to node-2') });
    const described = await ok(['describe', 'pod', 'kubia-manual']);
    assert.match(described, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/kubia-manual to node-1/);
    assert.doesNotMatch(described, /kubia-dev to node-2/);
    await ok(['delete', 'events', 'kubia-manual.1', 'kubia-dev.1']);
    const out = await ok(['describe', 'pod', 'kubia-manual']);
    assert.match(out, /^Name:\s+kubia-manual$/m);
    assert.match(out, /^Namespace:\s+default$/m);
    assert.match(out, /^Labels:\s+creation_method=manual$/m);
    assert.match(out, /Image:\s+luksa\/kubia/);
    assert.match(out, /^Events:\s+<none>$/m);
    assert.match(await ok(['describe', 'deployment', 'nginx-deployment']), /^Replicas:\s+4 desired/m);
  });

  it('edit through a KUBE_EDITOR script changes the object', async () => {
    const editor = path.join(dir, 'editor.sh');
    await fs.writeFile(editor, '#!/bin/sh\nsed -i "s#image: nginx:1.16#image: nginx:1.17#" "$1"\n', { mode: 0o755 });
    assert.equal((await ok(['edit', 'deployment/nginx-deployment'], { env: { KUBE_EDITOR: editor, EDITOR: editor } })).trim(), 'deployment.apps/nginx-deployment edited');
    const image = await ok(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    assert.equal(image, 'nginx:1.17');
  });

  it('expose makes a service selecting the deployment pods', async () => {
    assert.equal((await ok(['expose', 'deployment', 'nginx-deployment', '--port=80', '--target-port=8080'])).trim(), 'service/nginx-deployment exposed');
    const service = await getJson<{ spec: { selector: Record<string, string>; ports: { port: number; targetPort: number; protocol: string }[] } }>(['service', 'nginx-deployment']);
    assert.deepEqual(service.spec.selector, { app: 'nginx' });
    assert.deepEqual(service.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]), [[80, 8080, 'TCP']]);
  });

  it('explain reads the schema', async () => {
    const out = await ok(['explain', 'pod.spec.containers.image']);
    assert.match(out, /KIND:\s+Pod/);
    assert.match(out, /FIELD:\s+image <string>/);
  });

  it('get -w prints the existing pod, then the change made while watching', async () => {
    const binary = kubectlPath() ?? 'kubectl';
    const child = spawn(binary, ['--kubeconfig', t.kubeconfig, '--cache-dir', `${t.kubeconfig}.cache`, 'get', 'pods', '-w', '--request-timeout=20s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const seen = async (pattern: RegExp): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`kubectl get -w never printed ${pattern}: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await seen(/kubia-manual/);
      await ok(['run', 'watched', '--image=nginx']);
      await seen(/\nwatched\s/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('apply --server-side records the manager, conflicts with another manager, and --force-conflicts takes over', async () => {
    const text = (await fs.readFile(manifest('nginx-deployment.yaml'), 'utf8')).replace('name: nginx-deployment', 'name: ssa');
    assert.equal((await ok(['apply', '--server-side', '-f', '-'], { input: text })).trim(), 'deployment.apps/ssa serverside-applied');
    const managers = await ok(['get', 'deployment', 'ssa', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    assert.equal(managers, 'kubectl');
    await ok(['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: text.replace('replicas: 2', 'replicas: 7') }).then(
      () => assert.fail('a second manager changing replicas must conflict'),
      (err: Error) => assert.match(err.message, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/),
    );
    await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], { input: text.replace('replicas: 2', 'replicas: 7') });
    assert.equal(await ok(['get', 'deployment', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '7');
  });

  it('unknown fields are refused under kubectl\'s default Strict validation and only warned about with --validate=warn', async () => {
    const strict = await run(['create', '-f', manifest('unknown-field-configmap.yaml')]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /Error from server \(BadRequest\): error when creating ".*": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"/);
    assert.equal((await run(['get', 'configmap', 'with-unknown-field'])).code, 1, 'nothing is stored');
    const warned = await run(['create', '--validate=warn', '-f', manifest('unknown-field-configmap.yaml')]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: unknown field "spec"/);
  });

  it('delete removes the object (kubectl waits for it to be gone); a second delete is NotFound', async () => {
    assert.equal((await ok(['delete', 'pod', 'kubia-manual'])).trim(), 'pod "kubia-manual" deleted');
    const gone = await run(['get', 'pod', 'kubia-manual']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr.trim(), 'Error from server (NotFound): pods "kubia-manual" not found');
    await ok(['delete', '-f', manifest('nginx-deployment.yaml')]);
    assert.match((await run(['delete', 'pod', 'kubia-manual'])).stderr, /Error from server \(NotFound\): pods "kubia-manual" not found/);
    assert.match(await ok(['delete', 'configmaps', 'page-0', 'page-1']), /configmap "page-0" deleted\nconfigmap "page-1" deleted/);
  });
});
