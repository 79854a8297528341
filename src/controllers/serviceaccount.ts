// Every namespace has a `default` ServiceAccount (pkg/controller/serviceaccount
// ServiceAccountsController): created when the namespace appears and again
// whenever someone deletes it. Pods without serviceAccountName run as it.

import type { Requester } from '../objects/admission.js';
import { AlreadyExistsError } from '../store/errors.js';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../store/types.js';
import { defineController, done, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:service-account-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

async function reconcileServiceAccounts(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { objects, key, signal } = ctx;
  const namespaces = objects.resource(key.cluster, '', 'v1', 'namespaces');
  const ns = await objects.store.get(objects.key(namespaces, '', key.name), { signal });
  // Nothing may be created in a namespace that is gone or going.
  if (ns === null || ns.metadata.deletionTimestamp !== undefined) return done();
  const accounts = objects.resource(key.cluster, '', 'v1', 'serviceaccounts');
  if ((await objects.store.get(objects.key(accounts, key.name, DEFAULT_SERVICE_ACCOUNT), { signal })) !== null) return done();
  const account: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: key.name } };
  try {
    await objects.create(accounts, key.name, account, { requester: REQUESTER, signal });
  } catch (err) {
    // Another worker created it first, or the namespace began terminating meanwhile.
    if (err instanceof AlreadyExistsError) return done();
    if (err instanceof ApiError && err.reason === 'Forbidden') return done();
    throw err;
  }
  return done();
}

export default defineController({
  name: 'serviceaccount',
  route: {
    name: 'serviceaccount',
    for: { group: '', resource: 'namespaces', kind: 'Namespace' },
    // A deleted default account is created again.
    watches: [
      {
        group: '',
        resource: 'serviceaccounts',
        map: (change) => (change.type === 'DELETED' && change.name === DEFAULT_SERVICE_ACCOUNT ? [{ cluster: change.cluster, namespace: '', name: change.namespace }] : []),
      },
    ],
  },
  reconcile: reconcileServiceAccounts,
});
