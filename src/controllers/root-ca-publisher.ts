// Every namespace gets the ConfigMap `kube-root-ca.crt` holding the API's CA
// (pkg/controller/certificates/rootcacertpublisher): the projected token
// volume mounts it as ca.crt, so in-cluster clients can verify the API.

import type { Requester } from '../objects/admission.js';
import { ApiError } from '../api/errors.js';
import { AlreadyExistsError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { defineController, done, type ControllerDefinition, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:root-ca-cert-publisher', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

export function rootCaPublisher(options: { caCertificate: string }): ControllerDefinition {
  const data = { 'ca.crt': options.caCertificate };
  async function reconcile(ctx: ReconcileContext): Promise<ReconcileResult> {
    const { objects, store, key, signal } = ctx;
    const namespaces = objects.resource(key.cluster, '', 'v1', 'namespaces');
    const ns = await store.get(objects.key(namespaces, '', key.name), { signal });
    if (ns === null || ns.metadata.deletionTimestamp !== undefined) return done();
    const configMaps = objects.resource(key.cluster, '', 'v1', 'configmaps');
    const current = await store.get(objects.key(configMaps, key.name, ROOT_CA_CONFIG_MAP), { signal });
    const annotations = { 'kubernetes.io/description': DESCRIPTION };
    try {
      if (current === null) {
        await objects.create(configMaps, key.name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, annotations }, data }, { requester: REQUESTER, signal });
      } else if (JSON.stringify(current.data ?? null) !== JSON.stringify(data)) {
        const next: KubeObject = { ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), ...annotations } }, data };
        await objects.update(configMaps, key.name, ROOT_CA_CONFIG_MAP, next, { requester: REQUESTER, signal });
      }
    } catch (err) {
      // Created by another worker, or the namespace started terminating meanwhile.
      if (err instanceof AlreadyExistsError || (err instanceof ApiError && err.reason === 'Forbidden')) return done();
      throw err;
    }
    return done();
  }
  return defineController({
    name: 'root-ca-cert-publisher',
    route: {
      name: 'root-ca-cert-publisher',
      for: { group: '', resource: 'namespaces', kind: 'Namespace' },
      // Edited or deleted by someone: put it back.
      watches: [{ group: '', resource: 'configmaps', map: (c) => (c.name === ROOT_CA_CONFIG_MAP ? [{ cluster: c.cluster, namespace: '', name: c.namespace }] : []) }],
    },
    reconcile,
  });
}
