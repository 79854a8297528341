import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl } from '../../helpers/kubectl.js';
import { kubectlReleases, parseColumns } from './kubectl-versions.js';
import { kubectlAccess, type TlsFront } from './tls-front.js';

// What `kubectl api-resources` prints against a v1.33 API server for the
// resources kubeql serves: NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND.
const EXPECTED_API_RESOURCES = `
bindings                   -       v1                            true   Binding
componentstatuses          cs      v1                            false  ComponentStatus
configmaps                 cm      v1                            true   ConfigMap
endpoints                  ep      v1                            true   Endpoints
events                     ev      v1                            true   Event
limitranges                limits  v1                            true   LimitRange
namespaces                 ns      v1                            false  Namespace
nodes                      no      v1                            false  Node
persistentvolumeclaims     pvc     v1                            true   PersistentVolumeClaim
persistentvolumes          pv      v1                            false  PersistentVolume
pods                       po      v1                            true   Pod
podtemplates               -       v1                            true   PodTemplate
replicationcontrollers     rc      v1                            true   ReplicationController
resourcequotas             quota   v1                            true   ResourceQuota
secrets                    -       v1                            true   Secret
serviceaccounts            sa      v1                            true   ServiceAccount
services                   svc     v1                            true   Service
controllerrevisions        -       apps/v1                       true   ControllerRevision
daemonsets                 ds      apps/v1                       true   DaemonSet
deployments                deploy  apps/v1                       true   Deployment
replicasets                rs      apps/v1                       true   ReplicaSet
statefulsets               sts     apps/v1                       true   StatefulSet
selfsubjectreviews         -       authentication.k8s.io/v1      false  SelfSubjectReview
tokenreviews               -       authentication.k8s.io/v1      false  TokenReview
localsubjectaccessreviews  -       authorization.k8s.io/v1       true   LocalSubjectAccessReview
selfsubjectaccessreviews   -       authorization.k8s.io/v1       false  SelfSubjectAccessReview
selfsubjectrulesreviews    -       authorization.k8s.io/v1       false  SelfSubjectRulesReview
subjectaccessreviews       -       authorization.k8s.io/v1       false  SubjectAccessReview
horizontalpodautoscalers   hpa     autoscaling/v2                true   HorizontalPodAutoscaler
cronjobs                   cj      batch/v1                      true   CronJob
jobs                       -       batch/v1                      true   Job
leases                     -       coordination.k8s.io/v1        true   Lease
endpointslices             -       discovery.k8s.io/v1           true   EndpointSlice
events                     ev      events.k8s.io/v1              true   Event
ingressclasses             -       networking.k8s.io/v1          false  IngressClass
ingresses                  ing     networking.k8s.io/v1          true   Ingress
networkpolicies            netpol  networking.k8s.io/v1          true   NetworkPolicy
poddisruptionbudgets       pdb     policy/v1                     true   PodDisruptionBudget
clusterrolebindings        -       rbac.authorization.k8s.io/v1  false  ClusterRoleBinding
clusterroles               -       rbac.authorization.k8s.io/v1  false  ClusterRole
rolebindings               -       rbac.authorization.k8s.io/v1  true   RoleBinding
roles                      -       rbac.authorization.k8s.io/v1  true   Role
priorityclasses            pc      scheduling.k8s.io/v1          false  PriorityClass
storageclasses             sc      storage.k8s.io/v1             false  StorageClass
`
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/).map((cell) => (cell === '-' ? '' : cell)).join(' | '))
  .sort();

const EXPECTED_API_VERSIONS = [
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'networking.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
  'v1',
];

const { found, missing } = kubectlReleases();
if (missing.length > 0) console.log(`# skipping kubectl ${missing.join(', ')}: binary kubectl.<release> not found next to the kubectl on PATH`);

describe('discovery through the real kubectl', { skip: found.length === 0 ? 'no kubectl binaries found' : false }, () => {
  let t: TestApi;
  let front: TlsFront;
  let dir: string;
  before(async () => {
    t = await startTestApi();
    front = await kubectlAccess(t);
    dir = path.dirname(t.kubeconfig);
  });
  after(async () => {
    await front.close();
    await t.stop();
  });

  for (const { release, binary } of found) {
    describe(`kubectl ${release}`, () => {
      // Each release gets its own kubeconfig, so its own discovery cache.
      const config = (): string => path.join(dir, `kubeconfig-${release}`);
      before(async () => {
        await front.writeKubeconfig(config());
      });

      it('api-resources lists every resource with its short names, apiVersion, scope and kind', async () => {
        const res = await kubectl(config(), ['api-resources'], { binary });
        assert.equal(res.code, 0, res.stderr);
        const rows = parseColumns(res.stdout).map((r) => [r.NAME, r.SHORTNAMES, r.APIVERSION, r.NAMESPACED, r.KIND].join(' | '));
        assert.deepEqual(rows.sort(), EXPECTED_API_RESOURCES);
      });

      it('api-resources -o wide shows the verbs and the `all` category', async () => {
        const res = await kubectl(config(), ['api-resources', '-o', 'wide'], { binary });
        assert.equal(res.code, 0, res.stderr);
        const rows = parseColumns(res.stdout);
        const row = (name: string, apiVersion: string) => rows.find((r) => r.NAME === name && r.APIVERSION === apiVersion);
        assert.equal(row('pods', 'v1')?.VERBS, 'create,delete,deletecollection,get,list,patch,update,watch');
        assert.equal(row('namespaces', 'v1')?.VERBS, 'create,delete,get,list,patch,update,watch');
        assert.equal(row('selfsubjectaccessreviews', 'authorization.k8s.io/v1')?.VERBS, 'create');
        const inAll = rows.filter((r) => r.CATEGORIES === 'all').map((r) => r.NAME).sort();
        assert.deepEqual(inAll, ['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets']);
      });

      it('api-versions lists every served group/version', async () => {
        const res = await kubectl(config(), ['api-versions'], { binary });
        assert.equal(res.code, 0, res.stderr);
        assert.deepEqual(res.stdout.trim().split('\n').sort(), EXPECTED_API_VERSIONS);
      });

      it('reads discovery in two requests (aggregated discovery), not one per group/version', async () => {
        // A fresh kubeconfig path means a cold cache; -v=6 logs every request.
        const fresh = await front.writeKubeconfig(path.join(dir, `kubeconfig-${release}-fresh`));
        const res = await kubectl(fresh, ['api-resources', '-v=6'], { binary });
        assert.equal(res.code, 0, res.stderr);
        // 1.27 logs `GET <url> 200 OK`; 1.33 logs `verb="GET" url="<url>" status="200 OK"`.
        const requests = [...res.stderr.matchAll(/(?:GET |verb="GET" url=")(https?:\/\/[^\s"?]+)[^\s"]*"?\s+(?:status=")?(\d{3})/g)].map((m) => `${new URL(m[1] ?? '').pathname} ${m[2]}`);
        assert.ok(requests.includes('/api 200'), requests.join('\n'));
        assert.ok(requests.includes('/apis 200'), requests.join('\n'));
        assert.ok(!requests.some((r) => r.startsWith('/apis/apps/v1') || r.startsWith('/api/v1 ')), `per-group requests seen:\n${requests.join('\n')}`);
      });

      it('works the same through the /clusters/<name> prefix', async () => {
        const scoped = await front.writeKubeconfig(path.join(dir, `kubeconfig-${release}-scoped`), { pathPrefix: `/clusters/${t.cluster}` });
        const res = await kubectl(scoped, ['api-resources', '--api-group=apps'], { binary });
        assert.equal(res.code, 0, res.stderr);
        assert.deepEqual(parseColumns(res.stdout).map((r) => r.NAME).sort(), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
      });
    });
  }
});
