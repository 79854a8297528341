import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rootCaPublisher } from '../../src/controllers/root-ca-publisher.js';
import { ADMIN, Harness } from './reconcile-harness.js';

describe('root CA publisher', () => {
  let h: Harness;
  before(() => {
    h = new Harness([rootCaPublisher({ caCertificate: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n' })]);
  });
  after(() => h.close());

  it('every namespace gets kube-root-ca.crt with the CA', async () => {
    await h.create('', 'v1', 'namespaces', '', { metadata: { name: 'apps' } });
    await h.settle();
    for (const ns of ['default', 'kube-system', 'apps']) {
      const cm = await h.get('', 'v1', 'configmaps', ns, 'kube-root-ca.crt');
      assert.match(String((cm?.data as Record<string, string> | undefined)?.['ca.crt']), /BEGIN CERTIFICATE/, ns);
    }
  });

  it('an edited or deleted copy is put back', async () => {
    const cm = await h.get('', 'v1', 'configmaps', 'apps', 'kube-root-ca.crt');
    assert.ok(cm);
    await h.objects.update(h.ref('', 'v1', 'configmaps'), 'apps', 'kube-root-ca.crt', { ...cm, data: { 'ca.crt': 'tampered' } }, { requester: ADMIN });
    await h.settle();
    assert.match(String(((await h.get('', 'v1', 'configmaps', 'apps', 'kube-root-ca.crt'))?.data as Record<string, string>)['ca.crt']), /BEGIN CERTIFICATE/);
    await h.objects.delete(h.ref('', 'v1', 'configmaps'), 'apps', 'kube-root-ca.crt', { requester: ADMIN });
    await h.settle();
    assert.ok(await h.get('', 'v1', 'configmaps', 'apps', 'kube-root-ca.crt'));
  });
});
