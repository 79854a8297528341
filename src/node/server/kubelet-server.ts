// The node agent's kubelet API: the paths the API server proxies pods/log,
// pods/exec, pods/attach and pods/portforward to. One server serves every node
// the agent carries (pods are told apart by namespace/name). Every request must
// carry the agent's credential (see credential.ts); nothing is served
// anonymously.
import http from 'node:http';
import https from 'node:https';
import type { ServingCertificate } from '../../infra/pki.js';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../log.js';
import { listen } from '../../infra/ports.js';
import { RuntimeStreamError, type ContainerLogOptions, type Runtime } from '../runtime.js';
import { channelSession, exitStatus, failureStatus, EXEC_PROTOCOLS } from './channel-protocol.js';
import type { KubeletCredential } from './credential.js';
import { parsePorts, PORT_FORWARD_PROTOCOLS, servePortForwardWebSocket } from './port-forward-websocket.js';
import { servePortForwardSpdy, SPDY_PORT_FORWARD_PROTOCOL } from './port-forward-spdy.js';

/** What a port-forward client may speak, preferred first: kubectl's tunnelled SPDY, then the channel protocol. */
const FORWARD_PROTOCOLS: readonly string[] = [SPDY_PORT_FORWARD_PROTOCOL, ...PORT_FORWARD_PROTOCOLS];
const SPDY_TOKEN = 'kubeql-spdy-3.1-portforward';

export interface KubeletServerOptions {
  /** The runtime of the agent the server belongs to (a getter: the server listens before the agent exists, to publish its port). */
  runtime: () => Runtime;
  credential: KubeletCredential;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** Serve HTTPS with this certificate (as kubelet does); without it, plain HTTP. */
  tls?: ServingCertificate;
  log: Logger;
}

const LOGS = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/;
const STREAM = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)$/;
const PORT_FORWARD = /^\/portForward\/([^/]+)\/([^/]+)$/;

/** kubelet's boolean query parameters: "true" or "1". */
const flag = (query: URLSearchParams, name: string): boolean => {
  const value = query.get(name);
  return value === 'true' || value === '1';
};

function nonNegative(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new RuntimeStreamError(400, `invalid value for ${name}: "${raw}"`);
  return value;
}

/** PodLogOptions as kubelet reads them from the query. */
export function logOptionsOf(query: URLSearchParams, container: string, nowMs: number): ContainerLogOptions {
  const options: ContainerLogOptions = { container, follow: flag(query, 'follow'), previous: flag(query, 'previous'), timestamps: flag(query, 'timestamps') };
  const tailLines = nonNegative(query, 'tailLines');
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = nonNegative(query, 'limitBytes');
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceSeconds = nonNegative(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined) options.sinceTimeMs = nowMs - sinceSeconds * 1000;
  else if (sinceTime !== null && sinceTime !== '') {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw new RuntimeStreamError(400, `invalid value for sinceTime: "${sinceTime}"`);
    options.sinceTimeMs = ms;
  }
  return options;
}

function reply(res: http.ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An error answer on a socket that asked for an upgrade and will not get one. */
function refuseUpgrade(socket: Duplex, code: number, text: string): void {
  const reason = http.STATUS_CODES[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function offeredProtocols(req: http.IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export class KubeletServer {
  private readonly server: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly log: Logger;
  private port = 0;
  private readonly chosen = new WeakMap<http.IncomingMessage, string>();

  constructor(private readonly options: KubeletServerOptions) {
    this.log = options.log.child({ component: 'kubelet-server' });
    const handler: http.RequestListener = (req, res) => void this.handle(req, res);
    this.server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
    // The subprotocol is chosen per path in upgrade(); ws only echoes that choice.
    this.wss = new WebSocketServer({ noServer: true, handleProtocols: (_offered, req) => this.chosen.get(req) ?? false });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async start(): Promise<number> {
    this.port = await listen(this.server, this.options.host ?? '127.0.0.1', this.options.port ?? 0);
    this.log.info({ host: this.options.host ?? '127.0.0.1', port: this.port }, 'kubelet API listening');
    return this.port;
  }

  get listeningPort(): number {
    return this.port;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.options.credential.verify(req.headers.authorization)) return reply(res, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const logs = LOGS.exec(url.pathname);
    if (logs !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      const [, namespace = '', pod = '', container = ''] = logs.map(decodeURIComponent);
      try {
        const options = logOptionsOf(url.searchParams, container, Date.now());
        const stream = await this.options.runtime().getContainerLogs(`${namespace}/${pod}`, options);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
        // Each line is flushed as it comes: a follower must not wait for a buffer to fill.
        stream.on('data', (chunk: Buffer) => res.write(chunk));
        stream.once('end', () => res.end());
        stream.once('error', () => res.destroy());
        res.once('close', () => stream.destroy());
      } catch (err) {
        this.fail(res, err);
      }
      return;
    }
    if (STREAM.test(url.pathname) || PORT_FORWARD.test(url.pathname)) return reply(res, 400, 'Upgrade request required');
    reply(res, 404, '404 page not found');
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    if (err instanceof RuntimeStreamError) return reply(res, err.code, err.message);
    this.log.error({ err }, 'kubelet API request failed');
    reply(res, 500, 'Internal Error');
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!this.options.credential.verify(req.headers.authorization)) return refuseUpgrade(socket, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const stream = STREAM.exec(url.pathname);
    const forward = PORT_FORWARD.exec(url.pathname);
    if (stream === null && forward === null) return refuseUpgrade(socket, 404, '404 page not found');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(socket, 400, `${String(req.headers.upgrade)} is not supported by this node agent: use WebSocket (kubectl 1.30 or newer for exec and attach, 1.31 or newer for port-forward)`);
    }
    const offered = offeredProtocols(req);
    const supported: readonly string[] = stream !== null ? EXEC_PROTOCOLS : FORWARD_PROTOCOLS;
    const protocol = offered.find((p) => supported.includes(p));
    if (protocol === undefined) {
      return refuseUpgrade(socket, 400, `none of the offered WebSocket subprotocols [${offered.join(', ')}] is supported; this node agent speaks ${supported.join(', ')}`);
    }
    this.chosen.set(req, protocol);
    if (forward !== null) {
      const [, namespace = '', pod = ''] = forward.map(decodeURIComponent);
      const dial = (port: number): Promise<Duplex> => this.options.runtime().portForward(`${namespace}/${pod}`, port);
      if (protocol === SPDY_PORT_FORWARD_PROTOCOL) {
        // ws refuses "/" in a subprotocol (not an RFC 7230 token), yet kubectl sends it; hand ws a token and answer with the original.
        req.headers['sec-websocket-protocol'] = SPDY_TOKEN;
        this.wss.handleUpgrade(req, socket, head, (ws) => servePortForwardSpdy(ws, dial, this.log));
        return;
      }
      const ports = parsePorts(url.searchParams);
      if (typeof ports === 'string') return refuseUpgrade(socket, 400, ports);
      this.wss.handleUpgrade(req, socket, head, (ws) => servePortForwardWebSocket(ws, ports, dial, this.log));
      return;
    }
    const [, verb = '', namespace = '', pod = '', container = ''] = (stream ?? []).map(decodeURIComponent);
    const query = url.searchParams;
    const requested = { stdin: flag(query, 'stdin') || flag(query, 'input'), stdout: flag(query, 'stdout') || flag(query, 'output'), stderr: flag(query, 'stderr') || flag(query, 'error'), tty: flag(query, 'tty') };
    const command = query.getAll('command');
    if (verb === 'exec' && command.length === 0) return refuseUpgrade(socket, 400, 'you must specify at least 1 command');
    if (!requested.stdin && !requested.stdout && !requested.stderr) return refuseUpgrade(socket, 400, 'you must specify at least 1 of stdin, stdout, stderr');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.session(ws, protocol, verb === 'exec' ? command : undefined, `${namespace}/${pod}`, container, requested));
  }

  private session(ws: WebSocket, protocol: string, command: string[] | undefined, podKey: string, container: string, requested: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): void {
    const { streams, finish } = channelSession(ws, protocol, requested);
    const runtime = this.options.runtime();
    const run = command !== undefined ? runtime.runInContainer(podKey, { container, command, streams }) : runtime.attach(podKey, { container, streams });
    run.then(
      (exitCode) => finish(exitStatus(command ?? [], exitCode)),
      (err: unknown) => {
        if (!(err instanceof RuntimeStreamError)) this.log.error({ err, podKey, container }, 'exec failed');
        finish(failureStatus(err instanceof RuntimeStreamError ? err.message : 'Internal error occurred: the node agent could not run the command', err instanceof RuntimeStreamError ? err.code : 500));
      },
    );
  }
}
