// Issue #10: every `kubectl create` generator (and `kubectl run`) with the
// given kubectl releases (JSON bodies up to 1.31, protobuf from 1.32), each
// object read back and compared with what kubectl 1.33 made. Two test files
// share the releases 1.27-1.33 between them, to stay under a minute each.
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl, kubectlPath } from '../../helpers/kubectl.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CERT = path.join(HERE, '../discovery/fixtures/loopback-cert.pem');
const KEY = path.join(HERE, '../discovery/fixtures/loopback-key.pem');
const REFERENCE = 33;

function versioned(minor: number): string | undefined {
  const onPath = kubectlPath();
  if (onPath === undefined) return undefined;
  const candidate = path.join(path.dirname(realpathSync(onPath)), `kubectl.1.${minor}`);
  return existsSync(candidate) ? candidate : undefined;
}

interface Generator {
  /** kubectl arguments after `create` (or the whole command for run); `NS` and `V` are replaced per version. */
  args: string[];
  /** REST path of the object made, with the same placeholders. */
  path: string;
}

const GENERATORS: Generator[] = [
  { args: ['configmap', 'cm', '--from-literal=a=b', '-n', 'NS'], path: '/api/v1/namespaces/NS/configmaps/cm' },
  { args: ['secret', 'generic', 'gen', '--from-literal=user=admin', '-n', 'NS'], path: '/api/v1/namespaces/NS/secrets/gen' },
  { args: ['secret', 'tls', 'tls', `--cert=${CERT}`, `--key=${KEY}`, '-n', 'NS'], path: '/api/v1/namespaces/NS/secrets/tls' },
  { args: ['secret', 'docker-registry', 'reg', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p', '-n', 'NS'], path: '/api/v1/namespaces/NS/secrets/reg' },
  { args: ['service', 'clusterip', 'cip', '--tcp=80:8080', '-n', 'NS'], path: '/api/v1/namespaces/NS/services/cip' },
  { args: ['service', 'nodeport', 'np', '--tcp=80:8080', '-n', 'NS'], path: '/api/v1/namespaces/NS/services/np' },
  { args: ['service', 'loadbalancer', 'lb', '--tcp=80:8080', '-n', 'NS'], path: '/api/v1/namespaces/NS/services/lb' },
  { args: ['service', 'externalname', 'ext', '--external-name=example.com', '-n', 'NS'], path: '/api/v1/namespaces/NS/services/ext' },
  { args: ['serviceaccount', 'robot', '-n', 'NS'], path: '/api/v1/namespaces/NS/serviceaccounts/robot' },
  { args: ['quota', 'q', '--hard=pods=10,configmaps=20', '-n', 'NS'], path: '/api/v1/namespaces/NS/resourcequotas/q' },
  { args: ['deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80', '-n', 'NS'], path: '/apis/apps/v1/namespaces/NS/deployments/web' },
  { args: ['job', 'once', '--image=busybox', '-n', 'NS', '--', 'echo', 'hi'], path: '/apis/batch/v1/namespaces/NS/jobs/once' },
  { args: ['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'NS'], path: '/apis/batch/v1/namespaces/NS/cronjobs/tick' },
  { args: ['ingress', 'ing', '--rule=foo.example/bar=svc:8080', '-n', 'NS'], path: '/apis/networking.k8s.io/v1/namespaces/NS/ingresses/ing' },
  { args: ['poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=1', '-n', 'NS'], path: '/apis/policy/v1/namespaces/NS/poddisruptionbudgets/pdb' },
  { args: ['role', 'reader', '--verb=get,list', '--resource=pods', '-n', 'NS'], path: '/apis/rbac.authorization.k8s.io/v1/namespaces/NS/roles/reader' },
  { args: ['rolebinding', 'reader', '--role=reader', '--user=alice', '-n', 'NS'], path: '/apis/rbac.authorization.k8s.io/v1/namespaces/NS/rolebindings/reader' },
  { args: ['priorityclass', 'high-V', '--value=1000', '--description=important'], path: '/apis/scheduling.k8s.io/v1/priorityclasses/high-V' },
  { args: ['clusterrole', 'viewer-V', '--verb=get', '--resource=nodes'], path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/viewer-V' },
  { args: ['clusterrolebinding', 'viewer-V', '--clusterrole=viewer-V', '--group=viewers'], path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/viewer-V' },
];

const fill = (text: string, minor: number): string => text.replaceAll('NS', `gen-v${minor}`).replaceAll('-V', `-v${minor}`);

/** The object without what differs between any two creates (identity, times, the version in names). */
function comparable(object: Record<string, unknown>, minor: number): unknown {
  const copy = structuredClone(object) as { metadata: Record<string, unknown> };
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'namespace', 'managedFields']) delete copy.metadata[field];
  // Allocated per object (service IPs, node ports) and derived from the uid (a job's selector).
  const spec = (copy as { spec?: { clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[] } }).spec;
  if (spec?.clusterIP !== undefined && spec.clusterIP !== 'None') spec.clusterIP = '<allocated>';
  if (spec?.clusterIPs !== undefined) spec.clusterIPs = spec.clusterIPs.map(() => '<allocated>');
  for (const port of spec?.ports ?? []) if (port.nodePort !== undefined) port.nodePort = 0;
  const uid = typeof object.metadata === 'object' && object.metadata !== null ? (object.metadata as { uid?: string }).uid : undefined;
  const text = uid === undefined ? JSON.stringify(copy) : JSON.stringify(copy).replaceAll(uid, '<uid>');
  return JSON.parse(text.replaceAll(`gen-v${minor}`, 'gen-vN').replaceAll(`-v${minor}`, '-vN')) as unknown;
}

/** Runs the generators with kubectl 1.<minor> for each minor (1.33, the reference, is always added). */
export function describeGenerators(minors: readonly number[]): void {
  const MINORS = [...new Set([...minors, REFERENCE])].sort((a, b) => a - b);
  const binaries = MINORS.map((minor) => ({ minor, binary: versioned(minor) }));
  const missing = binaries.filter((b) => b.binary === undefined).map((b) => `1.${b.minor}`);
  const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : versioned(REFERENCE) === undefined ? `kubectl.1.${REFERENCE} is not installed` : false;

  describe(`kubectl create generators with kubectl ${MINORS.map((m) => `1.${m}`).join(', ')}`, { skip }, () => {
    let t: TestApi;
    const objects = new Map<number, Map<string, Record<string, unknown>>>();
    const read = async (url: string, token = t.token): Promise<Response> => fetch(`${t.url}${url}`, { headers: { Authorization: `Bearer ${token}` } });

    before(async () => {
      if (missing.length > 0) process.stdout.write(`# kubectl ${missing.join(', ')} not installed: those versions are left out\n`);
      t = await startTestApi();
    });
    after(async () => t.stop());

    it('every generator and kubectl run succeed with every kubectl version', async () => {
      // Versions run side by side (each in its own namespace); commands of one version in order.
      await Promise.all(
        binaries.map(async ({ minor, binary }) => {
          if (binary === undefined) return;
          const run = async (args: string[]): Promise<string> => {
            const result = await kubectl(t.kubeconfig, args, { binary });
            assert.equal(result.code, 0, `kubectl 1.${minor} ${args.join(' ')}: ${result.stderr}`);
            return result.stdout;
          };
          await run(['create', 'namespace', `gen-v${minor}`]);
          for (const generator of GENERATORS) await run(['create', ...generator.args.map((a) => fill(a, minor))]);
          assert.match(await run(['run', 'runner', '--image=nginx:1.25', '--labels=app=runner', '--port=80', '--env=MODE=test', '-n', `gen-v${minor}`]), /^pod\/runner created/);
          const byPath = new Map<string, Record<string, unknown>>();
          for (const p of [...GENERATORS.map((g) => g.path), '/api/v1/namespaces/NS/pods/runner', '/api/v1/namespaces/NS']) {
            const response = await read(fill(p, minor));
            assert.equal(response.status, 200, `GET ${fill(p, minor)} after kubectl 1.${minor}`);
            byPath.set(p, (await response.json()) as Record<string, unknown>);
          }
          objects.set(minor, byPath);
        }),
      );
    });

    it('every version makes the same objects as kubectl 1.33 (same spec, same defaults)', () => {
      const reference = objects.get(REFERENCE);
      assert.ok(reference, 'the kubectl 1.33 run made its objects');
      for (const [minor, byPath] of objects) {
        for (const [p, object] of byPath) {
          assert.deepEqual(comparable(object, minor), comparable(reference.get(p) ?? {}, REFERENCE), `${p}: kubectl 1.${minor} vs 1.${REFERENCE}`);
        }
      }
      assert.equal(objects.size, MINORS.length - missing.length);
    });

    it('the objects carry what the generator flags say', () => {
      const made = objects.get(REFERENCE);
      assert.ok(made);
      const at = (p: string): Record<string, unknown> => made.get(p) ?? assert.fail(`${p} missing`);
      assert.equal((at('/api/v1/namespaces/NS/secrets/tls') as { type?: string }).type, 'kubernetes.io/tls');
      assert.equal((at('/api/v1/namespaces/NS/secrets/reg') as { type?: string }).type, 'kubernetes.io/dockerconfigjson');
      assert.equal((at('/api/v1/namespaces/NS/services/np') as { spec: { type: string } }).spec.type, 'NodePort');
      assert.equal((at('/api/v1/namespaces/NS/services/ext') as { spec: { externalName: string } }).spec.externalName, 'example.com');
      assert.equal((at('/apis/apps/v1/namespaces/NS/deployments/web') as { spec: { replicas: number } }).spec.replicas, 2);
      assert.equal((at('/apis/batch/v1/namespaces/NS/cronjobs/tick') as { spec: { schedule: string } }).spec.schedule, '*/5 * * * *');
      assert.equal((at('/apis/scheduling.k8s.io/v1/priorityclasses/high-V') as { value: number }).value, 1000);
      const job = at('/apis/batch/v1/namespaces/NS/jobs/once') as { metadata: { uid: string }; spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } };
      // The job strategy's generated selector, from the job's own uid.
      assert.equal(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
      assert.equal(job.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'once');
      const pod = at('/api/v1/namespaces/NS/pods/runner') as { metadata: { labels: Record<string, string> }; spec: { containers: { image: string; env: unknown[] }[] } };
      assert.deepEqual(pod.metadata.labels, { app: 'runner' });
      assert.deepEqual(pod.spec.containers[0]?.env, [{ name: 'MODE', value: 'test' }]);
    });

    it('kubectl create token issues a working service-account token; an unknown account is NotFound', async () => {
      const binary = versioned(REFERENCE);
      const result = await kubectl(t.kubeconfig, ['create', 'token', 'robot', '-n', `gen-v${REFERENCE}`, '--duration=20m'], binary === undefined ? {} : { binary });
      assert.equal(result.code, 0, result.stderr);
      const token = result.stdout.trim();
      assert.notEqual(token, '');
      assert.equal((await read(`/api/v1/namespaces/gen-v${REFERENCE}/configmaps`, token)).status, 200);
      assert.equal((await read(`/api/v1/namespaces/gen-v${REFERENCE}/configmaps`, `${token}x`)).status, 401);
      const oldest = MINORS[0] ?? REFERENCE;
      const old = versioned(oldest);
      if (old !== undefined && oldest !== REFERENCE) {
        const fromOld = await kubectl(t.kubeconfig, ['create', 'token', 'robot', '-n', `gen-v${oldest}`], { binary: old });
        assert.equal(fromOld.code, 0, fromOld.stderr);
      }
      const unknown = await kubectl(t.kubeconfig, ['create', 'token', 'nobody', '-n', `gen-v${REFERENCE}`], binary === undefined ? {} : { binary });
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr.trim(), 'error: failed to create token: serviceaccounts "nobody" not found');
    });
  });
}
