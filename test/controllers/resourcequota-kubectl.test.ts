// kubectl against the API's real admission chain: a quota of 2 pods refuses
// the third with kubectl's usual message, and the resourcequota controller
// (real runtime) keeps `kubectl describe quota` right as pods come and go.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import resourcequota from '../../src/controllers/resourcequota.js';
import type { ControllerManager } from '../../src/controllers/runtime/controller-manager.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { eventually, testManager } from './helpers.js';

const skip = kubectlPath() === undefined ? 'kubectl is not installed on this machine' : false;

describe('resource quota through kubectl', { skip }, () => {
  let api: TestApi;
  let manager: ControllerManager;
  const k = (...args: string[]) => kubectl(api.kubeconfig, args);
  const ok = async (...args: string[]): Promise<string> => {
    const result = await k(...args);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    api = await startTestApi();
    manager = testManager(api.api.objects, api.cluster, [resourcequota]);
    await manager.start();
  });
  after(async () => {
    await manager.stop();
    await api.stop();
  });

  it('a quota of 2 pods refuses the third, and frees a place when a pod is deleted', async () => {
    await ok('create', 'quota', 'pod-limit', '--hard=pods=2');
    await ok('run', 'p1', '--image=nginx');
    await ok('run', 'p2', '--image=nginx');
    const third = await k('run', 'p3', '--image=nginx');
    assert.notEqual(third.code, 0);
    assert.equal(third.stderr.trim(), 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: pod-limit, requested: pods=1, used: pods=2, limited: pods=2');
    await eventually(async () => (await ok('get', 'quota', 'pod-limit', '-o', 'jsonpath={.status.used.pods}')) === '2', 10_000, 'used pods 2');
    const described = await ok('describe', 'quota', 'pod-limit');
    assert.match(described, /pods\s+2\s+2/);
    await ok('delete', 'pod', 'p1', '--wait=false');
    await eventually(async () => (await ok('get', 'quota', 'pod-limit', '-o', 'jsonpath={.status.used.pods}')) === '1', 10_000, 'used pods 1');
    await ok('run', 'p3', '--image=nginx');
  });
});
