// pods/{name}/log: validated here, streamed from the node agent's
// /containerLogs as it arrives (chunked; with follow=true until either side
// goes away).
import http from 'node:http';
import https from 'node:https';
import { ApiError, type StatusReason } from '../../errors.js';
import type { RestRequest } from '../request.js';
import { getPod, kubeletTarget, nodeNameOf, resolveContainer, tlsServerName, unreachable, type KubeletTarget } from './target.js';

/** The PodLogOptions parameters kubelet understands; anything else stays here. */
const FORWARDED = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'] as const;

const REASONS: Record<number, StatusReason> = { 400: 'BadRequest', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 503: 'ServiceUnavailable' };

/** A non-2xx answer from the agent as the API server reports it: the agent's text as the message. */
function agentError(target: KubeletTarget, code: number, body: string): ApiError {
  if (code === 401 || code === 403) return new ApiError(503, 'ServiceUnavailable', `the node agent of node "${target.node}" refused the API server's credential`);
  const reason = REASONS[code];
  return reason ? new ApiError(code, reason, body.trim()) : new ApiError(500, 'InternalError', body.trim() || `the node agent of node "${target.node}" answered ${code}`);
}

export async function servePodLog(request: RestRequest): Promise<void> {
  const { ctx, info, objects } = request;
  const query = ctx.url.searchParams;
  const pod = await getPod(objects, ctx.cluster, info.namespace, info.name, request.signal);
  const container = resolveContainer(pod, query.get('container'));
  const node = nodeNameOf(pod);
  if (node === '') {
    // As kube-apiserver: a pod without a host has no log yet, and that is not an error.
    ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    ctx.res.end();
    return;
  }
  const target = await kubeletTarget(objects, ctx.cluster, node, request.signal);
  const forwarded = new URLSearchParams();
  for (const name of FORWARDED) for (const value of query.getAll(name)) forwarded.append(name, value);
  const path = `/containerLogs/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}${forwarded.size > 0 ? `?${forwarded.toString()}` : ''}`;

  const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const options = { host: target.host, port: target.port, path, method: 'GET', headers: { authorization: `Bearer ${target.token}` } };
    const req = target.ca === undefined ? http.request(options, resolve) : https.request({ ...options, ca: target.ca, ...tlsServerName(target.host) }, resolve);
    req.once('error', (err) => reject(unreachable(target, err)));
    request.signal.addEventListener('abort', () => req.destroy(), { once: true });
    req.end();
  });
  const code = upstream.statusCode ?? 500;
  if (code < 200 || code > 299) {
    let body = '';
    for await (const chunk of upstream) body += String(chunk);
    throw agentError(target, code, body);
  }
  ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
  ctx.res.flushHeaders();
  // Written chunk by chunk (no pipe buffering policy to wait for): a follower sees each line at once.
  upstream.on('data', (chunk: Buffer) => ctx.res.write(chunk));
  upstream.once('end', () => ctx.res.end());
  upstream.once('error', () => ctx.res.destroy());
  ctx.res.once('close', () => upstream.destroy());
}
