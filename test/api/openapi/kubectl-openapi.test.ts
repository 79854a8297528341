import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { kubectl } from '../../helpers/kubectl.js';
import { kubectlReleases } from '../discovery/kubectl-versions.js';
import { kubectlAccess, type TlsFront } from '../discovery/tls-front.js';

// The head of `kubectl explain pods --recursive` against a v1.33 API server.
const EXPLAIN_PODS_RECURSIVE_HEAD = `KIND:       Pod
VERSION:    v1

DESCRIPTION:
    Pod is a collection of containers that can run on a host. This resource is
    created by clients and scheduled onto hosts.
    
FIELDS:
  apiVersion\t<string>
  kind\t<string>
  metadata\t<ObjectMeta>
    annotations\t<map[string]string>
    creationTimestamp\t<string>
    deletionGracePeriodSeconds\t<integer>
    deletionTimestamp\t<string>
    finalizers\t<[]string>
    generateName\t<string>
    generation\t<integer>
    labels\t<map[string]string>
    managedFields\t<[]ManagedFieldsEntry>
      apiVersion\t<string>
      fieldsType\t<string>
      fieldsV1\t<FieldsV1>
      manager\t<string>
      operation\t<string>
      subresource\t<string>
      time\t<string>
    name\t<string>
    namespace\t<string>
    ownerReferences\t<[]OwnerReference>
      apiVersion\t<string> -required-
      blockOwnerDeletion\t<boolean>
      controller\t<boolean>
      kind\t<string> -required-
      name\t<string> -required-
      uid\t<string> -required-
    resourceVersion\t<string>
    selfLink\t<string>
    uid\t<string>
  spec\t<PodSpec>
    activeDeadlineSeconds\t<integer>
    affinity\t<Affinity>
      nodeAffinity\t<NodeAffinity>
        preferredDuringSchedulingIgnoredDuringExecution\t<[]PreferredSchedulingTerm>
          preference\t<NodeSelectorTerm> -required-`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
          protocol: TCP
        env:
        - {name: MODE, value: prod}
        resources:
          limits: {cpu: 500m, memory: 128Mi}
`;

// kubectl validates a List client-side whatever the server supports, so this
// exercises the schema itself (OpenAPI v2, as protobuf): one wrong type, one unknown field.
const INVALID_LIST = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    replicas: "two"
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - {name: web, image: nginx, bogus: 1}
`;

const { found, missing } = kubectlReleases();
if (missing.length > 0) console.log(`# skipping kubectl ${missing.join(', ')}: binary kubectl.<release> not found next to the kubectl on PATH`);

describe('OpenAPI through the real kubectl', { skip: found.length === 0 ? 'no kubectl binaries found' : false }, () => {
  let t: TestApi;
  let front: TlsFront;
  before(async () => {
    t = await startTestApi();
    front = await kubectlAccess(t);
  });
  after(async () => {
    await front.close();
    await t.stop();
  });

  for (const { release, binary } of found) {
    describe(`kubectl ${release}`, () => {
      let config: string;
      before(async () => {
        config = await front.writeKubeconfig(path.join(path.dirname(t.kubeconfig), `openapi-${release}`));
      });

      it('explain deployment.spec.strategy shows the field, its type and its fields', async () => {
        const res = await kubectl(config, ['explain', 'deployment.spec.strategy'], { binary });
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
        assert.match(res.stdout, /FIELD: strategy <DeploymentStrategy>/);
        assert.match(res.stdout, /The deployment strategy to use to replace existing pods with new ones\./);
        assert.match(res.stdout, /\n {2}rollingUpdate\t<RollingUpdateDeployment>\n/);
        assert.match(res.stdout, /\n {2}type\t<string>\n/);
        assert.match(res.stdout, /- `"Recreate"` Kill all existing pods before creating new ones\./);
      });

      it('explain pods --recursive starts as it does against Kubernetes', async () => {
        const res = await kubectl(config, ['explain', 'pods', '--recursive'], { binary });
        assert.equal(res.code, 0, res.stderr);
        const head = res.stdout.split('\n').slice(0, EXPLAIN_PODS_RECURSIVE_HEAD.split('\n').length).join('\n');
        assert.equal(head, EXPLAIN_PODS_RECURSIVE_HEAD);
        assert.match(res.stdout, /\n {4}containers\t<\[\]Container> -required-\n/);
      });

      it('explain finds preferred versions, short names and IntOrString fields', async () => {
        const hpa = await kubectl(config, ['explain', 'hpa.spec.maxReplicas'], { binary });
        assert.equal(hpa.code, 0, hpa.stderr);
        assert.match(hpa.stdout, /KIND:\s+HorizontalPodAutoscaler\nVERSION:\s+v2\n/);
        assert.match(hpa.stdout, /FIELD: maxReplicas <integer>/);
        const port = await kubectl(config, ['explain', 'svc.spec.ports.targetPort'], { binary });
        assert.equal(port.code, 0, port.stderr);
        assert.match(port.stdout, /FIELD: targetPort <IntOrString>/);
      });

      it('explain --output=plaintext-openapiv2 reads the v2 document', async () => {
        const res = await kubectl(config, ['explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2'], { binary });
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /RESOURCE: strategy <Object>/);
        assert.match(res.stdout, /rollingUpdate\t<Object>/);
      });

      it('explain of an unknown field fails the way kubectl reports it', async () => {
        const res = await kubectl(config, ['explain', 'deployment.spec.nope'], { binary });
        assert.notEqual(res.code, 0);
        assert.match(res.stderr, /field "nope" does not exist/);
      });

      it('create --dry-run=client --validate=strict accepts a valid Deployment', async () => {
        const res = await kubectl(config, ['create', '--dry-run=client', '--validate=strict', '-o', 'json', '-f', '-'], { binary, input: DEPLOYMENT });
        assert.equal(res.code, 0, res.stderr);
        const printed = JSON.parse(res.stdout) as { kind: string; spec: { template: { spec: { containers: { ports: unknown[] }[] } } } };
        assert.equal(printed.kind, 'Deployment');
        assert.deepEqual(printed.spec.template.spec.containers[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
      });

      it('client-side validation reports an unknown field and a wrong type against the schema', async () => {
        const res = await kubectl(config, ['create', '--dry-run=client', '--validate=strict', '-o', 'name', '-f', '-'], { binary, input: INVALID_LIST });
        assert.notEqual(res.code, 0);
        assert.match(res.stderr, /unknown field "bogus" in io\.k8s\.api\.core\.v1\.Container/);
        assert.match(res.stderr, /invalid type for io\.k8s\.api\.apps\.v1\.DeploymentSpec\.replicas: got "string", expected "integer"/);
      });

      it('--validate=false skips the schema', async () => {
        const unknownFieldOnly = INVALID_LIST.replace('replicas: "two"', 'replicas: 2');
        const strict = await kubectl(config, ['create', '--dry-run=client', '--validate=strict', '-o', 'name', '-f', '-'], { binary, input: unknownFieldOnly });
        assert.notEqual(strict.code, 0);
        const res = await kubectl(config, ['create', '--dry-run=client', '--validate=false', '-o', 'name', '-f', '-'], { binary, input: unknownFieldOnly });
        assert.equal(res.code, 0, res.stderr);
        assert.equal(res.stdout.trim(), 'deployment.apps/web');
      });
    });
  }
});
