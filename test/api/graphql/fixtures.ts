import type { TokenAuthenticator } from '../../../src/auth/tokens.js';
import { startGraphql } from '../../../src/api/graphql/server.js';
import { createGraphqlSchema } from '../../../src/api/graphql/schema.js';
import { DualProtocolServer } from '../../../src/api/http/dual-protocol.js';
import { createApiServer } from '../../../src/api/server.js';
import { listen } from '../../../src/infra/ports.js';
import { silentLogger } from '../../../src/log.js';
import type { ObjectService } from '../../../src/objects/service.js';
import type { KubeObject } from '../../../src/store/types.js';

// Objects written through the ObjectService (admission included), as REST
// clients and controllers would write them.

const admin = { requester: { username: 'test-admin', groups: ['system:masters'] } };

export async function createObject(objects: ObjectService, cluster: string, body: KubeObject): Promise<KubeObject> {
  const ref = objects.resourceForKind(cluster, body.apiVersion ?? 'v1', body.kind ?? '');
  return objects.create(ref, ref.resource.namespaced ? (body.metadata.namespace ?? 'default') : '', body, admin);
}

export async function updateObject(objects: ObjectService, cluster: string, body: KubeObject): Promise<KubeObject> {
  const ref = objects.resourceForKind(cluster, body.apiVersion ?? 'v1', body.kind ?? '');
  return objects.update(ref, body.metadata.namespace ?? '', body.metadata.name ?? '', body, admin);
}

export const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

export const node = (name: string, cpu = '4', memory = '8Gi'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { capacity: { cpu, memory, pods: '110' }, allocatable: { cpu, memory, pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] },
});

export const deployment = (ns: string, name: string, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
});

export const replicaSet = (owner: KubeObject, revision = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: `${owner.metadata.name}-rs${revision}`,
    namespace: owner.metadata.namespace,
    labels: { app: owner.metadata.name ?? '' },
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true }],
  },
  spec: { replicas: 1, selector: { matchLabels: { app: owner.metadata.name ?? '' } }, template: podTemplate(owner.metadata.name ?? '') },
});

export const pod = (owner: KubeObject, index: number, nodeName?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `${owner.metadata.name}-${index}`,
    namespace: owner.metadata.namespace,
    labels: { app: String(owner.metadata.labels?.app ?? owner.metadata.name) },
    ownerReferences: [{ apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true }],
  },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] },
});

export const event = (about: KubeObject, reason: string, message: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${about.metadata.name}.${reason.toLowerCase()}`, namespace: about.metadata.namespace ?? 'default' },
  involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: about.metadata.namespace, uid: about.metadata.uid },
  reason,
  message,
  type: 'Normal',
  count: 1,
  source: { component: 'test' },
});

export interface GraphqlEndpoint {
  url: string;
  stop(): Promise<void>;
}

/**
 * A GraphQL endpoint of its own, on a free loopback port, with the
 * authenticator and token recheck a test chooses (the test API's endpoint
 * has production's), over `objects` when given.
 */
export async function startGraphqlEndpoint(options: { authenticator: TokenAuthenticator; tokenRecheckMs: number; objects?: ObjectService }): Promise<GraphqlEndpoint> {
  const log = silentLogger();
  const { handler, router } = createApiServer({ authenticator: options.authenticator, log });
  const server = new DualProtocolServer(handler, undefined);
  const graphql = await startGraphql({
    schema: createGraphqlSchema(),
    router,
    onUpgrade: (l) => server.onUpgrade(l),
    authenticator: options.authenticator,
    log,
    development: false,
    tokenRecheckMs: options.tokenRecheckMs,
    ...(options.objects ? { objects: options.objects } : {}),
  });
  const port = await listen(server.listener, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      await server.close(100);
      await graphql.stop();
    },
  };
}
