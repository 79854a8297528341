import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../../src/admission/json.js';
import { buildTable, kubectlColumns } from '../../../src/api/table/build-table.js';
import { printerFor } from '../../../src/api/table/printers/index.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const created = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();
const meta = (name: string, extra: JsonObject = {}): JsonObject => ({ name, namespace: 'default', creationTimestamp: created(10), ...extra });

describe('the columns kubectl shows', () => {
  const cases: [string, string, string[], string[]][] = [
    ['', 'Pod', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']],
    ['apps', 'Deployment', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['apps', 'ReplicaSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['apps', 'StatefulSet', ['NAME', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES']],
    ['apps', 'DaemonSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['', 'Service', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR']],
    ['', 'Endpoints', ['NAME', 'ENDPOINTS', 'AGE'], []],
    ['', 'Node', ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']],
    ['', 'Namespace', ['NAME', 'STATUS', 'AGE'], []],
    ['', 'ConfigMap', ['NAME', 'DATA', 'AGE'], []],
    ['', 'Secret', ['NAME', 'TYPE', 'DATA', 'AGE'], []],
    ['', 'ServiceAccount', ['NAME', 'SECRETS', 'AGE'], []],
    ['', 'Event', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME']],
    ['batch', 'Job', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['batch', 'CronJob', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['networking.k8s.io', 'Ingress', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], []],
    ['networking.k8s.io', 'IngressClass', ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'], []],
    ['', 'PersistentVolumeClaim', ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], ['VOLUMEMODE']],
    ['', 'PersistentVolume', ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'], ['VOLUMEMODE']],
    ['', 'ResourceQuota', ['NAME', 'REQUEST', 'LIMIT', 'AGE'], []],
    ['coordination.k8s.io', 'Lease', ['NAME', 'HOLDER', 'AGE'], []],
    ['storage.k8s.io', 'StorageClass', ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'], []],
    ['discovery.k8s.io', 'EndpointSlice', ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'], []],
    ['apps', 'ControllerRevision', ['NAME', 'CONTROLLER', 'REVISION', 'AGE'], []],
    ['policy', 'PodDisruptionBudget', ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'], []],
    ['scheduling.k8s.io', 'PriorityClass', ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'], []],
    ['rbac.authorization.k8s.io', 'RoleBinding', ['NAME', 'ROLE', 'AGE'], ['USERS', 'GROUPS', 'SERVICEACCOUNTS']],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', ['NAME', 'ROLE', 'AGE'], ['USERS', 'GROUPS', 'SERVICEACCOUNTS']],
    ['', 'ReplicationController', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['events.k8s.io', 'Event', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME']],
    ['rbac.authorization.k8s.io', 'Role', ['NAME', 'CREATED AT'], []],
    ['rbac.authorization.k8s.io', 'ClusterRole', ['NAME', 'CREATED AT'], []],
    ['', 'LimitRange', ['NAME', 'CREATED AT'], []],
  ];
  for (const [group, kind, plain, wide] of cases) {
    it(`${kind}${group === '' ? '' : `.${group}`}: ${plain.join(' ')}${wide.length > 0 ? ` (+ ${wide.join(' ')} with -o wide)` : ''}`, () => {
      assert.deepEqual(kubectlColumns({ group, kind }), plain);
      assert.deepEqual(kubectlColumns({ group, kind }, true).filter((c) => !plain.includes(c)), wide);
    });
  }

  it('every column has a type and a description', () => {
    for (const [group, kind] of cases) {
      for (const c of printerFor({ group, kind })?.columns ?? []) {
        assert.ok(c.type.length > 0, `${kind} ${c.name}`);
        assert.ok(c.description.length > 0, `${kind} ${c.name} has no description`);
      }
    }
  });
});

function cells(group: string, kind: string, obj: JsonObject): unknown[] {
  const printer = printerFor({ group, kind });
  assert.ok(printer !== undefined, `no printer for ${kind}`);
  return printer.print(obj, NOW).cells;
}

describe('printed rows', () => {
  const cases: { name: string; group: string; kind: string; obj: JsonObject; cells: unknown[] }[] = [
    {
      name: 'a pod on a node, with IP and readiness gates',
      group: '',
      kind: 'Pod',
      obj: {
        metadata: meta('web-1'),
        spec: { nodeName: 'node-1', containers: [{ name: 'web' }], readinessGates: [{ conditionType: 'example.com/ready' }] },
        status: { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'example.com/ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] },
      },
      cells: ['web-1', '1/1', 'Running', '0', '10m', '10.244.0.5', 'node-1', '<none>', '1/1'],
    },
    {
      name: 'an unscheduled pod',
      group: '',
      kind: 'Pod',
      obj: { metadata: meta('p'), spec: { containers: [{ name: 'a' }, { name: 'b' }] }, status: { phase: 'Pending' } },
      cells: ['p', '0/2', 'Pending', '0', '10m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'a deployment rolling out',
      group: 'apps',
      kind: 'Deployment',
      obj: {
        metadata: meta('web'),
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } } },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      cells: ['web', '2/3', 3, 2, '10m', 'nginx,log', 'nginx:1.25,busybox', 'app=web,tier in (a,b)'],
    },
    {
      name: 'a new deployment with no status yet',
      group: 'apps',
      kind: 'Deployment',
      obj: { metadata: meta('web'), spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } } },
      cells: ['web', '0/1', 0, 0, '10m', '', '', 'app=web'],
    },
    {
      name: 'a replica set',
      group: 'apps',
      kind: 'ReplicaSet',
      obj: { metadata: meta('web-5d4'), spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } }, status: { replicas: 2, readyReplicas: 1 } },
      cells: ['web-5d4', 2, 2, 1, '10m', 'nginx', 'nginx', 'app=web,pod-template-hash=5d4'],
    },
    {
      name: 'a stateful set',
      group: 'apps',
      kind: 'StatefulSet',
      obj: { metadata: meta('db'), spec: { replicas: 3, template: { spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } } }, status: { readyReplicas: 1 } },
      cells: ['db', '1/3', '10m', 'pg', 'postgres:16'],
    },
    {
      name: 'a daemon set with a node selector',
      group: 'apps',
      kind: 'DaemonSet',
      obj: {
        metadata: meta('agent'),
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
      },
      cells: ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '10m', 'a', 'agent:1', 'app=agent'],
    },
    {
      name: 'a NodePort service',
      group: '',
      kind: 'Service',
      obj: { metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.96.10.10', clusterIPs: ['10.96.10.10'], selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }] } },
      cells: ['web', 'NodePort', '10.96.10.10', '<none>', '80:30080/TCP,443:30443/TCP', '10m', 'app=web'],
    },
    {
      name: 'a LoadBalancer still waiting for an address',
      group: '',
      kind: 'Service',
      obj: { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }, status: { loadBalancer: {} } },
      cells: ['lb', 'LoadBalancer', '10.96.0.20', '<pending>', '80:31000/TCP', '10m', '<none>'],
    },
    {
      name: 'a LoadBalancer with ingress points and external IPs',
      group: '',
      kind: 'Service',
      obj: {
        metadata: meta('lb'),
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.20'], externalIPs: ['192.0.2.9'], ports: [{ port: 80, protocol: 'UDP' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } },
      },
      cells: ['lb', 'LoadBalancer', '10.96.0.20', '203.0.113.7,lb.example.com,192.0.2.9', '80/UDP', '10m', '<none>'],
    },
    {
      name: 'an ExternalName service',
      group: '',
      kind: 'Service',
      obj: { metadata: meta('db'), spec: { type: 'ExternalName', externalName: 'db.example.com' } },
      cells: ['db', 'ExternalName', '<none>', 'db.example.com', '<none>', '10m', '<none>'],
    },
    {
      name: 'endpoints beyond three addresses are summarized',
      group: '',
      kind: 'Endpoints',
      obj: { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] },
      cells: ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '10m'],
    },
    { name: 'endpoints without addresses', group: '', kind: 'Endpoints', obj: { metadata: meta('web') }, cells: ['web', '<none>', '10m'] },
    {
      name: 'a cordoned control-plane node',
      group: '',
      kind: 'Node',
      obj: {
        metadata: meta('cp-1', { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' } }),
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '192.168.1.10' }],
          nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
        },
      },
      cells: ['cp-1', 'Ready,SchedulingDisabled', 'control-plane,master', '10m', 'v1.33.1', '192.168.1.10', '<none>', 'Ubuntu 24.04', '6.8.0', 'containerd://1.7.0'],
    },
    {
      name: 'a node that has not reported yet',
      group: '',
      kind: 'Node',
      obj: { metadata: meta('n') },
      cells: ['n', 'Unknown', '<none>', '10m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    },
    { name: 'a namespace', group: '', kind: 'Namespace', obj: { metadata: meta('team'), status: { phase: 'Terminating' } }, cells: ['team', 'Terminating', '10m'] },
    { name: 'a config map counts data and binary data', group: '', kind: 'ConfigMap', obj: { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, cells: ['cfg', 3, '10m'] },
    { name: 'a secret shows its type and key count', group: '', kind: 'Secret', obj: { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, cells: ['tls', 'kubernetes.io/tls', 2, '10m'] },
    { name: 'a service account counts its secrets', group: '', kind: 'ServiceAccount', obj: { metadata: meta('default') }, cells: ['default', 0, '10m'] },
    {
      name: 'a core event',
      group: '',
      kind: 'Event',
      obj: {
        metadata: meta('web.17a'),
        involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{web}' },
        reason: 'Pulled',
        message: ' Successfully pulled image "nginx" \n',
        type: 'Normal',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: created(30),
        lastTimestamp: created(2),
        count: 4,
      },
      cells: ['2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '30m', 4, 'web.17a'],
    },
    {
      name: 'an events.k8s.io event without count is a singleton',
      group: 'events.k8s.io',
      kind: 'Event',
      obj: { metadata: meta('e'), regarding: { kind: 'Node', name: 'n1' }, note: 'Starting', reason: 'Starting', type: 'Normal', eventTime: created(3), reportingController: 'kubelet', reportingInstance: 'n1' },
      cells: ['3m', 'Normal', 'Starting', 'node/n1', '', 'kubelet, n1', 'Starting', '3m', 1, 'e'],
    },
    {
      name: 'a finished job shows how long it ran',
      group: 'batch',
      kind: 'Job',
      obj: {
        metadata: meta('pi'),
        spec: { completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } },
        status: { succeeded: 1, startTime: created(10), completionTime: created(8), conditions: [{ type: 'Complete', status: 'True' }] },
      },
      cells: ['pi', 'Complete', '1/1', '2m', '10m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u'],
    },
    {
      name: 'a running parallel job without completions',
      group: 'batch',
      kind: 'Job',
      obj: { metadata: meta('work'), spec: { parallelism: 3, template: { spec: { containers: [] } } }, status: { succeeded: 0, startTime: created(1) } },
      cells: ['work', 'Running', '0/1 of 3', '60s', '10m', '', '', '<none>'],
    },
    {
      name: 'a suspended cron job that never ran',
      group: 'batch',
      kind: 'CronJob',
      obj: { metadata: meta('hello'), spec: { schedule: '*/1 * * * *', suspend: true, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } } } },
      cells: ['hello', '*/1 * * * *', '<none>', 'True', 0, '<none>', '10m', 'hello', 'busybox', '<none>'],
    },
    {
      name: 'a bound claim shows capacity and access modes',
      group: '',
      kind: 'PersistentVolumeClaim',
      obj: { metadata: meta('data'), spec: { volumeName: 'pv-1', storageClassName: 'standard', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] } },
      cells: ['data', 'Bound', 'pv-1', '1Gi', 'RWO,ROX', 'standard', '<unset>', '10m', 'Filesystem'],
    },
    {
      name: 'a pending claim shows neither',
      group: '',
      kind: 'PersistentVolumeClaim',
      obj: { metadata: meta('data'), spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
      cells: ['data', 'Pending', '', '', '', '', '<unset>', '10m', '<unset>'],
    },
    {
      name: 'a bound volume names its claim',
      group: '',
      kind: 'PersistentVolume',
      obj: { metadata: meta('pv-1', { namespace: undefined }), spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard' }, status: { phase: 'Bound' } },
      cells: ['pv-1', '5Gi', 'RWO', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '10m', '<unset>'],
    },
    {
      name: 'a quota splits requests and limits',
      group: '',
      kind: 'ResourceQuota',
      obj: { metadata: meta('q'), status: { hard: { 'limits.cpu': '4', 'requests.cpu': '2', pods: '10' }, used: { 'requests.cpu': '500m', pods: '3' } } },
      cells: ['q', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 0/4', '10m'],
    },
    {
      name: 'an ingress with TLS and many hosts',
      group: 'networking.k8s.io',
      kind: 'Ingress',
      obj: {
        metadata: meta('web'),
        spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'] }], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      },
      cells: ['web', 'nginx', 'a.example.com,b.example.com,c.example.com + 1 more...', '203.0.113.10', '80, 443', '10m'],
    },
    {
      name: 'an ingress without rules or class',
      group: 'networking.k8s.io',
      kind: 'Ingress',
      obj: { metadata: meta('default-backend'), spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
      cells: ['default-backend', '<none>', '*', '', '80', '10m'],
    },
    {
      name: 'an ingress class with parameters',
      group: 'networking.k8s.io',
      kind: 'IngressClass',
      obj: { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } },
      cells: ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '10m'],
    },
    { name: 'a lease', group: 'coordination.k8s.io', kind: 'Lease', obj: { metadata: meta('node-1'), spec: { holderIdentity: 'node-1' } }, cells: ['node-1', 'node-1', '10m'] },
    {
      name: 'the default storage class is marked',
      group: 'storage.k8s.io',
      kind: 'StorageClass',
      obj: { metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
      cells: ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '10m'],
    },
    {
      name: 'an endpoint slice',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      obj: { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'metrics' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }] },
      cells: ['web-abc', 'IPv4', '80,metrics', '10.0.0.1,10.0.0.2', '10m'],
    },
    { name: 'an empty endpoint slice', group: 'discovery.k8s.io', kind: 'EndpointSlice', obj: { metadata: meta('e'), addressType: 'IPv4' }, cells: ['e', 'IPv4', '<unset>', '<unset>', '10m'] },
    {
      name: 'a controller revision names its owner',
      group: 'apps',
      kind: 'ControllerRevision',
      obj: { metadata: meta('web-7b9', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }), revision: 2 },
      cells: ['web-7b9', 'statefulset.apps/web', 2, '10m'],
    },
    {
      name: 'a disruption budget',
      group: 'policy',
      kind: 'PodDisruptionBudget',
      obj: { metadata: meta('web'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } },
      cells: ['web', '50%', 'N/A', 1, '10m'],
    },
    {
      name: 'a priority class',
      group: 'scheduling.k8s.io',
      kind: 'PriorityClass',
      obj: { metadata: meta('high'), value: 1000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
      cells: ['high', 1000, false, '10m', 'PreemptLowerPriority'],
    },
    {
      name: 'a role binding lists its subjects by kind',
      group: 'rbac.authorization.k8s.io',
      kind: 'RoleBinding',
      obj: {
        metadata: meta('read'),
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', namespace: 'ci', name: 'bot' }, { kind: 'User', name: 'joe' }],
      },
      cells: ['read', 'ClusterRole/view', '10m', 'jane, joe', 'devs', 'ci/bot'],
    },
    {
      name: 'a replication controller',
      group: '',
      kind: 'ReplicationController',
      obj: { metadata: meta('rc'), spec: { replicas: 2, selector: { app: 'x' }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 2, readyReplicas: 2 } },
      cells: ['rc', 2, 2, 2, '10m', 'c', 'i', 'app=x'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cells(c.group, c.kind, c.obj), c.cells));
  }

  it('a completed pod row carries the Completed condition', () => {
    const row = printerFor({ group: '', kind: 'Pod' })?.print({ metadata: meta('p'), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded' } }, NOW);
    assert.deepEqual(row?.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });
});

describe('building tables', () => {
  const pods = [
    { apiVersion: 'v1', kind: 'Pod', metadata: meta('a', { resourceVersion: '10', uid: 'u1' }), spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } },
  ];

  it('rows embed PartialObjectMetadata by default', () => {
    const table = buildTable({ group: '', kind: 'Pod' }, pods, { now: NOW, listMetadata: { resourceVersion: '12' } });
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '12' });
    assert.equal(table.columnDefinitions?.length, 9);
    assert.deepEqual(table.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pods[0]?.metadata });
  });

  it('includeObject=Object embeds the whole object and None embeds nothing', () => {
    assert.equal(buildTable({ group: '', kind: 'Pod' }, pods, { now: NOW, includeObject: 'Object' }).rows[0]?.object, pods[0]);
    assert.equal('object' in (buildTable({ group: '', kind: 'Pod' }, pods, { now: NOW, includeObject: 'None' }).rows[0] ?? {}), false);
  });

  it('v1beta1 tables say so, and noHeaders leaves the columns out', () => {
    const table = buildTable({ group: '', kind: 'Pod' }, pods, { now: NOW, version: 'v1beta1', noHeaders: true });
    assert.equal(table.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal(table.columnDefinitions, undefined);
    assert.equal((table.rows[0]?.object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
  });

  it('a kind without a printer gets Name and Created At, as the API server\'s default table', () => {
    const table = buildTable({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, [{ metadata: { name: 'admin', creationTimestamp: '2024-05-01T11:00:00.000Z' } }, { metadata: { name: 'x' } }], { now: NOW });
    assert.deepEqual(
      table.columnDefinitions?.map((c) => [c.name, c.type, c.format]),
      [
        ['Name', 'string', 'name'],
        ['Created At', 'date', ''],
      ],
    );
    assert.deepEqual(table.rows.map((r) => r.cells), [
      ['admin', '2024-05-01T11:00:00Z'],
      ['x', '0001-01-01T00:00:00Z'],
    ]);
  });

  it('an empty list is a table with columns and no rows', () => {
    const table = buildTable({ group: 'apps', kind: 'Deployment' }, [], { now: NOW });
    assert.deepEqual(table.rows, []);
    assert.equal(table.columnDefinitions?.[0]?.name, 'Name');
  });
});
