// pods/{name}/exec, /attach and /portforward: upgraded connections. The API
// authenticates the caller and checks pod, container and node as for any
// request, then sends the request on to the node agent's kubelet API with its
// own credential and pipes the raw bytes both ways (as kube-apiserver's
// upgrade-aware proxy does); the WebSocket protocols are spoken end to end
// between the client and the agent.
import type http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { TokenAuthenticator } from '../../../auth/tokens.js';
import type { Logger } from '../../../log.js';
import type { ObjectService } from '../../../objects/service.js';
import { authenticate, resolveCluster, splitClusterPrefix } from '../../authn.js';
import { badRequest, toApiError, unauthorized, type ApiError } from '../../errors.js';
import { getPod, kubeletTarget, nodeNameOf, resolveContainer, tlsServerName, unreachable } from './target.js';

const POD_STREAM = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** Request headers that belong to the client's hop or credential, not the agent's. */
const DROPPED = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'proxy-authorization']);

function writeStatus(socket: Duplex, err: unknown): ApiError {
  const apiError = toApiError(err);
  const body = JSON.stringify(apiError.toStatus());
  if (!socket.destroyed && socket.writable) {
    socket.end(`HTTP/1.1 ${apiError.code} ${apiError.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n${body}`);
  }
  return apiError;
}

/** What a client that offers only SPDY is told (kubeql speaks the WebSocket protocols). */
export function spdyNotSupported(subresource: string): ApiError {
  const kubectl = subresource === 'portforward' ? '1.31' : '1.30';
  return badRequest(`kubeql serves pods/${subresource} over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY: use kubectl ${kubectl} or newer, or a client that speaks the WebSocket streaming protocol`);
}

export interface PodStreamUpgradeOptions {
  authenticator: TokenAuthenticator;
  objects: ObjectService;
  log: Logger;
}

/** An `upgrade` listener for the API port; it ignores paths that are not pod streams. */
export function podStreamUpgrade(options: PodStreamUpgradeOptions): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { authenticator, objects, log } = options;

  async function serve(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL, explicitCluster: string | undefined, match: RegExpExecArray): Promise<void> {
    const identity = await authenticate(authenticator, req.headers.authorization);
    if (identity === null) throw unauthorized();
    const cluster = resolveCluster(identity, explicitCluster);
    const [, namespace = '', name = '', subresource = ''] = match.map(decodeURIComponent);
    const pod = await getPod(objects, cluster, namespace, name);
    const query = new URLSearchParams(url.searchParams);
    const container = subresource === 'portforward' ? '' : resolveContainer(pod, query.get('container'));
    query.delete('container');
    const node = nodeNameOf(pod);
    if (node === '') throw badRequest(`pod ${name} does not have a host assigned`);
    // Checked after the pod: a client falling back from WebSocket to SPDY then sees the same error for a bad request.
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw spdyNotSupported(subresource);
    const target = await kubeletTarget(objects, cluster, node);
    const agentPath = subresource === 'portforward'
      ? `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`
      : `/${subresource}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}`;

    const upstream = target.ca === undefined ? net.connect({ host: target.host, port: target.port }) : tls.connect({ host: target.host, port: target.port, ca: target.ca, ...tlsServerName(target.host) });
    await new Promise<void>((resolve, reject) => {
      upstream.once(target.ca === undefined ? 'connect' : 'secureConnect', resolve);
      upstream.once('error', (err) => reject(unreachable(target, err)));
    });
    const lines = [`${req.method ?? 'GET'} ${agentPath}${query.size > 0 ? `?${query.toString()}` : ''} HTTP/1.1`, `Host: ${target.host}:${target.port}`, `Authorization: Bearer ${target.token}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const header = req.rawHeaders[i] ?? '';
      if (!DROPPED.has(header.toLowerCase())) lines.push(`${header}: ${req.rawHeaders[i + 1] ?? ''}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    upstream.pipe(socket);
    socket.pipe(upstream);
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
    log.debug({ cluster, namespace, name, subresource, node }, 'pod stream proxied');
  }

  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { explicitCluster, path } = splitClusterPrefix(url.pathname);
    const match = POD_STREAM.exec(path);
    if (match === null) return;
    socket.on('error', () => socket.destroy());
    serve(req, socket, head, url, explicitCluster, match).catch((err: unknown) => {
      const apiError = writeStatus(socket, err);
      if (apiError.code >= 500 && apiError.code !== 503) log.error({ err, url: req.url }, 'pod stream failed');
    });
  };
}
