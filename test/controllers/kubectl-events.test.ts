// The Events kube-controller-manager's ReplicaSet controller records, as
// `kubectl describe` shows them: SuccessfulCreate and SuccessfulDelete with
// the pod's name, and FailedCreate carrying the API's refusal (a quota).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllers } from '../../src/controllers/index.js';
import type { TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { eventually, startManagedApi } from './helpers.js';

const replicaSet = (name: string, namespace: string, replicas: number): string => `apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: c, image: nginx }]
`;

const skip = kubectlPath() === undefined ? 'kubectl is not on PATH' : false;
if (skip) process.stdout.write(`# skipping kubectl events test: ${skip}\n`);

describe('controller events in kubectl describe', { skip }, () => {
  let t: TestApi;
  let stop: () => Promise<void>;
  const k = async (...args: string[]): Promise<string> => {
    const r = await kubectl(t.kubeconfig, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const apply = async (yaml: string): Promise<void> => {
    const r = await kubectl(t.kubeconfig, ['apply', '-f', '-'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
  };
  const podNames = async (namespace: string, app: string): Promise<string[]> =>
    (await k('get', 'pods', '-n', namespace, '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter((n) => n !== '');

  before(async () => {
    ({ t, stop } = await startManagedApi(controllers));
  });
  after(async () => {
    await stop();
  });

  it('a ReplicaSet shows SuccessfulCreate for each pod it made and SuccessfulDelete for each it removed', async () => {
    await apply(replicaSet('events-rs', 'default', 3));
    await eventually(async () => (await podNames('default', 'events-rs')).length === 3, 15_000, 'three pods');
    const created = await podNames('default', 'events-rs');
    await k('scale', 'rs/events-rs', '--replicas=1');
    await eventually(async () => (await podNames('default', 'events-rs')).length === 1, 15_000, 'one pod left');
    const kept = await podNames('default', 'events-rs');
    const deleted = created.filter((p) => !kept.includes(p));
    await eventually(async () => {
      const described = await k('describe', 'rs', 'events-rs');
      return created.every((p) => new RegExp(`Normal\\s+SuccessfulCreate\\s+.*\\s+replicaset-controller\\s+Created pod: ${p}`).test(described)) &&
        deleted.every((p) => new RegExp(`Normal\\s+SuccessfulDelete\\s+.*\\s+replicaset-controller\\s+Deleted pod: ${p}`).test(described));
    }, 10_000, 'SuccessfulCreate and SuccessfulDelete in kubectl describe rs');
  });

  it("a ReplicaSet refused by a quota shows FailedCreate with the API's message", async () => {
    await k('create', 'namespace', 'limited');
    await k('create', 'quota', 'two-pods', '-n', 'limited', '--hard=pods=2');
    await apply(replicaSet('over', 'limited', 3));
    await eventually(async () => {
      const described = await k('describe', 'rs', 'over', '-n', 'limited');
      return /Warning\s+FailedCreate\s+.*\s+replicaset-controller\s+Error creating: pods "over-[a-z0-9]{5}" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2/.test(described);
    }, 15_000, 'FailedCreate in kubectl describe rs');
    assert.equal((await podNames('limited', 'over')).length, 2);
  });
});
