// End to end through kubectl and the real controller runtime (BullMQ, the
// outbox dispatcher): namespace deletion empties the namespace, Deployments
// cascade to ReplicaSets and pods or orphan them, every namespace gets its
// default ServiceAccount.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import deployment from '../../src/controllers/deployment.js';
import garbageCollector from '../../src/controllers/garbage-collector.js';
import namespace from '../../src/controllers/namespace.js';
import replicaset from '../../src/controllers/replicaset.js';
import type { ControllerManager } from '../../src/controllers/runtime/controller-manager.js';
import serviceaccount from '../../src/controllers/serviceaccount.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { eventually, testManager } from './helpers.js';

const controllers = [deployment, replicaset, garbageCollector, namespace, serviceaccount];
const skip = kubectlPath() === undefined ? 'kubectl is not installed on this machine' : false;

describe('controller lifecycle through kubectl', { skip }, () => {
  let api: TestApi;
  let manager: ControllerManager;
  const k = async (...args: string[]) => {
    const result = await kubectl(api.kubeconfig, args);
    return result;
  };
  const ok = async (...args: string[]): Promise<string> => {
    const result = await k(...args);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const names = async (...args: string[]): Promise<string[]> => (await ok(...args, '-o', 'name')).split('\n').filter((l) => l !== '');

  before(async () => {
    api = await startTestApi();
    manager = testManager(api.api.objects, api.cluster, controllers);
    await manager.start();
  });
  after(async () => {
    await manager.stop();
    await api.stop();
  });

  it('a new namespace gets a default ServiceAccount; deleting it empties it and removes it', async () => {
    await ok('create', 'namespace', 'team');
    await eventually(async () => (await k('-n', 'team', 'get', 'serviceaccount', 'default')).code === 0, 10_000, 'default service account');
    await ok('-n', 'team', 'create', 'configmap', 'settings', '--from-literal=a=b');
    await ok('-n', 'team', 'create', 'secret', 'generic', 'creds', '--from-literal=p=q');
    // kubectl delete waits until the namespace is gone.
    await ok('delete', 'namespace', 'team', '--timeout=30s');
    const gone = await k('get', 'namespace', 'team');
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /namespaces "team" not found/);
    const left = await api.api.store.list({ cluster: api.cluster, group: '', resource: 'configmaps', namespace: 'team' });
    assert.equal(left.items.length, 0);
  });

  it('deleting a Deployment removes its ReplicaSets and pods', async () => {
    await ok('create', 'deployment', 'web', '--image=nginx', '--replicas=2');
    await eventually(async () => (await names('get', 'pods', '-l', 'app=web')).length === 2, 15_000, 'two web pods');
    assert.equal((await names('get', 'replicasets', '-l', 'app=web')).length, 1);
    await ok('delete', 'deployment', 'web');
    await eventually(async () => (await names('get', 'replicasets,pods', '-l', 'app=web')).length === 0, 15_000, 'ReplicaSets and pods gone');
  });

  it('orphan deletion leaves the ReplicaSet and its pods, without owner references', async () => {
    await ok('create', 'deployment', 'keep', '--image=nginx', '--replicas=1');
    await eventually(async () => (await names('get', 'pods', '-l', 'app=keep')).length === 1, 15_000, 'one keep pod');
    await ok('delete', 'deployment', 'keep', '--cascade=orphan');
    await eventually(async () => (await k('get', 'deployment', 'keep')).code !== 0, 10_000, 'deployment gone');
    const [rs] = await names('get', 'replicasets', '-l', 'app=keep');
    assert.ok(rs, 'the ReplicaSet stays');
    const owners = await ok('get', rs, '-o', 'jsonpath={.metadata.ownerReferences}');
    assert.equal(owners, '');
    assert.equal((await names('get', 'pods', '-l', 'app=keep')).length, 1);
  });
});
