import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueToken, TokenAuthenticator } from '../../src/auth/tokens.js';
import serviceAccountController from '../../src/controllers/serviceaccount.js';
import { serviceAccountTokenController } from '../../src/controllers/serviceaccount-token.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { kubectl, kubectlPath } from '../helpers/kubectl.js';
import { ADMIN, Harness } from './reconcile-harness.js';

const tokenSecret = (name: string, account: string) => ({
  metadata: { name, annotations: { 'kubernetes.io/service-account.name': account } },
  type: 'kubernetes.io/service-account-token',
});
const decoded = (value: unknown): string => Buffer.from(String(value), 'base64').toString('utf8');

describe('service account tokens', () => {
  let api: TestApi;
  let h: Harness;
  let token = '';
  before(async () => {
    api = await startTestApi();
    h = new Harness([serviceAccountController, serviceAccountTokenController({ prisma: api.api.prisma, caCertificate: 'CA PEM' })], () => [], api.cluster);
    await h.settle();
  });
  after(async () => {
    await h.close();
    await api.stop();
  });

  const whoCanRead = async (bearer: string): Promise<number> => (await fetch(`${api.url}/api/v1/namespaces/default/serviceaccounts/default`, { headers: { authorization: `Bearer ${bearer}` } })).status;
  const fresh = (): TokenAuthenticator => new TokenAuthenticator(api.api.prisma, 0);

  it('a service-account-token Secret gets a token, the namespace and the CA; the token authenticates as the account', async () => {
    await h.create('', 'v1', 'secrets', 'default', tokenSecret('default-token', 'default'));
    await h.settle();
    const secret = await h.get('', 'v1', 'secrets', 'default', 'default-token');
    const account = await h.get('', 'v1', 'serviceaccounts', 'default', 'default');
    assert.ok(secret && account);
    const data = secret.data as Record<string, string>;
    token = decoded(data.token);
    assert.match(token, /^kql_/);
    assert.equal(decoded(data.namespace), 'default');
    assert.equal(decoded(data['ca.crt']), 'CA PEM');
    assert.equal(secret.metadata.annotations?.['kubernetes.io/service-account.uid'], account.metadata.uid);
    const identity = await fresh().authenticate(token);
    assert.deepEqual(identity, {
      cluster: api.cluster,
      username: 'system:serviceaccount:default:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      kind: 'serviceaccount',
    });
    assert.equal(await whoCanRead(token), 200);
  });

  it('kubectl works with the service-account token', async (t) => {
    if (kubectlPath() === undefined) {
      t.skip('kubectl is not installed on this machine');
      return;
    }
    const result = await kubectl(api.kubeconfig, ['--token', token, 'get', 'serviceaccounts', '-n', 'default', '-o', 'name']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^serviceaccount\/default$/m);
  });

  it('a token a Secret author wrote in is replaced by one the controller issued', async () => {
    await h.create('', 'v1', 'secrets', 'default', { ...tokenSecret('forged', 'default'), data: { token: Buffer.from('kql_chosen').toString('base64') } });
    await h.settle();
    const secret = await h.get('', 'v1', 'secrets', 'default', 'forged');
    const issued = decoded((secret?.data as Record<string, string>).token);
    assert.notEqual(issued, 'kql_chosen');
    assert.equal(await fresh().authenticate('kql_chosen'), null);
    assert.ok(await fresh().authenticate(issued));
  });

  it('deleting the Secret revokes its token', async () => {
    await h.objects.delete(h.ref('', 'v1', 'secrets'), 'default', 'default-token', { requester: ADMIN });
    await h.settle();
    assert.equal(await fresh().authenticate(token), null);
  });

  it('deleting the ServiceAccount deletes its token Secrets and revokes every token issued for it', async () => {
    await h.create('', 'v1', 'serviceaccounts', 'default', { metadata: { name: 'robot' } });
    await h.create('', 'v1', 'secrets', 'default', tokenSecret('robot-token', 'robot'));
    await h.settle();
    const secretToken = decoded(((await h.get('', 'v1', 'secrets', 'default', 'robot-token'))?.data as Record<string, string>).token);
    // As `kubectl create token robot` (TokenRequest) would issue.
    const requested = await issueToken(api.api.prisma, { cluster: api.cluster, kind: 'serviceaccount', username: 'system:serviceaccount:default:robot', groups: ['system:serviceaccounts'] });
    assert.ok(await fresh().authenticate(secretToken));
    assert.ok(await fresh().authenticate(requested));
    await h.objects.delete(h.ref('', 'v1', 'serviceaccounts'), 'default', 'robot', { requester: ADMIN });
    await h.settle();
    assert.equal(await h.get('', 'v1', 'secrets', 'default', 'robot-token'), null);
    assert.equal(await fresh().authenticate(secretToken), null);
    assert.equal(await fresh().authenticate(requested), null);
    assert.equal(await whoCanRead(secretToken), 401);
  });
});
