// Where a pod's log/exec/attach/portforward request goes: the pod, its
// container (validated with the API server's wording), its node, and the
// node agent's kubelet API with the credential to present there.
import net from 'node:net';
import { badRequest, serviceUnavailable, type ApiError } from '../../errors.js';
import type { ObjectService } from '../../../objects/service.js';
import { NotFoundError } from '../../../store/errors.js';
import type { KubeObject } from '../../../store/types.js';
import { ADDRESS_ANNOTATION, CREDENTIAL_ANNOTATION, CREDENTIAL_NAMESPACE } from '../../../node/server/credential.js';

export interface KubeletTarget {
  node: string;
  host: string;
  port: number;
  /** Bearer credential the node agent accepts from the API. */
  token: string;
  /** PEM the agent's HTTPS certificate is verified with; undefined: the agent serves plain HTTP. */
  ca: string | undefined;
}

interface ContainerSpec {
  name?: string;
}

function namesOf(list: ContainerSpec[] | undefined): string[] {
  return (list ?? []).map((c) => c.name ?? '');
}

/**
 * The container a request means: the one named, or the only one. Messages as
 * kube-apiserver's validateContainer (Go prints a []string as `[a b]`).
 */
export function resolveContainer(pod: KubeObject, container: string | null): string {
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[] };
  const name = pod.metadata.name ?? '';
  const containers = namesOf(spec.containers);
  const all = [...namesOf(spec.initContainers), ...containers, ...namesOf(spec.ephemeralContainers)];
  if (container === null || container === '') {
    if (containers.length === 1) return containers[0] ?? '';
    if (containers.length === 0) throw badRequest(`pod ${name} does not have a container`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export async function getPod(objects: ObjectService, cluster: string, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject> {
  return objects.get(objects.resource(cluster, '', 'v1', 'pods'), namespace, name, signal);
}

export const nodeNameOf = (pod: KubeObject): string => (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

/** The node agent serving `node`, or 503 naming the node when it publishes no kubelet API. */
export async function kubeletTarget(objects: ObjectService, cluster: string, node: string, signal?: AbortSignal): Promise<KubeletTarget> {
  let nodeObject: KubeObject;
  try {
    nodeObject = await objects.get(objects.resource(cluster, '', 'v1', 'nodes'), '', node, signal);
  } catch (err) {
    if (err instanceof NotFoundError) throw serviceUnavailable(`node "${node}" of the pod does not exist`);
    throw err;
  }
  const host = nodeObject.metadata.annotations?.[ADDRESS_ANNOTATION];
  const secretName = nodeObject.metadata.annotations?.[CREDENTIAL_ANNOTATION];
  const port = (nodeObject.status as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined)?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (host === undefined || secretName === undefined || port === undefined || port <= 0) {
    throw serviceUnavailable(`the node agent of node "${node}" does not serve a kubelet API (no ${ADDRESS_ANNOTATION} on the Node)`);
  }
  let secret: KubeObject;
  try {
    secret = await objects.get(objects.resource(cluster, '', 'v1', 'secrets'), CREDENTIAL_NAMESPACE, secretName, signal);
  } catch (err) {
    if (err instanceof NotFoundError) throw serviceUnavailable(`the node agent of node "${node}" has not published its credential (secret ${CREDENTIAL_NAMESPACE}/${secretName})`);
    throw err;
  }
  const data = (secret as { data?: { token?: string; 'ca.crt'?: string } }).data;
  const encoded = data?.token;
  if (encoded === undefined) throw serviceUnavailable(`the node agent of node "${node}" has not published its credential (secret ${CREDENTIAL_NAMESPACE}/${secretName} has no token)`);
  const ca = data?.['ca.crt'];
  return { node, host, port, token: Buffer.from(encoded, 'base64').toString('utf8'), ca: ca === undefined ? undefined : Buffer.from(ca, 'base64').toString('utf8') };
}

/** SNI carries host names only; an IP address is checked against the certificate's IP SANs instead. */
export function tlsServerName(host: string): { servername?: string } {
  return net.isIP(host) === 0 ? { servername: host } : {};
}

/** 503 for a node agent that cannot be reached, naming the node (kubectl prints the message). */
export function unreachable(target: KubeletTarget, err: Error): ApiError {
  return serviceUnavailable(`the node agent of node "${target.node}" cannot be reached at ${target.host}:${target.port}: ${err.message}`);
}
