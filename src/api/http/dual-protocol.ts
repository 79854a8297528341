import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { ServingCertificate } from '../../infra/pki.js';

// The first byte of a TLS ClientHello record.
const TLS_HANDSHAKE = 0x16;

// How a replayed plain-HTTP stream gives its socket back (see nativeUpgradeSocket).
const DETACH = Symbol('detach');
type Detachable = Duplex & { [DETACH]?: () => { socket: net.Socket; buffered: Buffer[]; paused: boolean } };

/**
 * The socket as a stream that starts with the bytes already read from it. TLS
 * and HTTP servers read a native socket's handle directly, which would skip
 * data pushed back with unshift(), so they are given this stream instead.
 */
function replay(socket: net.Socket, first: Buffer): Duplex {
  let detached = false;
  const onData = (chunk: Buffer): void => {
    if (!stream.push(chunk)) socket.pause();
  };
  const onEnd = (): void => void stream.push(null);
  const onClose = (): void => void stream.destroy();
  const onError = (err: Error): void => void stream.destroy(err);
  const stream: Detachable = new Duplex({
    read() {
      if (!detached) socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    // Corked frames (a WebSocket frame's header and payload) leave in one syscall.
    writev(chunks, callback) {
      socket.cork();
      chunks.forEach(({ chunk }, i) => socket.write(chunk as Buffer, i === chunks.length - 1 ? callback : undefined));
      socket.uncork();
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      if (!detached) socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  stream.push(first);
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onClose);
  socket.on('error', onError);
  // Servers log and limit by address; the wrapper answers for the socket.
  Object.defineProperties(stream, {
    remoteAddress: { get: () => socket.remoteAddress },
    remotePort: { get: () => socket.remotePort },
    localAddress: { get: () => socket.localAddress },
    localPort: { get: () => socket.localPort },
    setTimeout: { value: (ms: number, cb?: () => void) => (socket.setTimeout(ms, cb), stream) },
    setNoDelay: { value: (noDelay?: boolean) => (socket.setNoDelay(noDelay), stream) },
    setKeepAlive: { value: (enable?: boolean, delay?: number) => (socket.setKeepAlive(enable, delay), stream) },
  });
  stream[DETACH] = () => {
    detached = true;
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
    socket.off('error', onError);
    const buffered: Buffer[] = [];
    for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) buffered.push(chunk);
    const paused = socket.isPaused();
    stream.destroy();
    return { socket, buffered, paused };
  };
  return stream;
}

/**
 * For an upgrade on a plain-HTTP connection, the native socket (with `head`
 * and any bytes the wrapper still held): a WebSocket then writes frames
 * straight to the kernel instead of through the wrapper, one syscall per frame.
 * `resume()` must be called once the new owner listens for 'data'. TLS
 * connections (and anything else) come back unchanged.
 */
export function nativeUpgradeSocket(socket: Duplex, head: Buffer): { socket: Duplex; head: Buffer; resume: () => void } {
  const detach = (socket as Detachable)[DETACH];
  if (detach === undefined) return { socket, head, resume: () => undefined };
  const native = detach();
  return {
    socket: native.socket,
    head: native.buffered.length === 0 ? head : Buffer.concat([head, ...native.buffered]),
    resume: () => void native.socket.resume(),
  };
}

/**
 * One port, two protocols: TLS connections go to an HTTPS server, the rest to
 * plain HTTP. kubectl sends bearer tokens only over TLS, while curl users,
 * dashboards and probes often talk plain HTTP to a loopback API.
 */
export class DualProtocolServer {
  readonly listener: net.Server;
  readonly servers: http.Server[];

  // Every open connection and how many requests it is serving, so close() can
  // end idle keep-alive connections at once and busy ones (watches) after a grace.
  private readonly connections = new Map<Duplex, { socket: net.Socket; active: number }>();
  private closing = false;

  constructor(handler: http.RequestListener, certificate: ServingCertificate | undefined) {
    const counted: http.RequestListener = (req, res) => {
      const connection = this.connections.get(req.socket as unknown as Duplex);
      if (connection) {
        connection.active += 1;
        res.once('close', () => {
          connection.active -= 1;
          if (this.closing && connection.active === 0) connection.socket.destroy();
        });
      }
      handler(req, res);
    };
    const plain = http.createServer(counted);
    const secure = certificate ? https.createServer({ cert: certificate.cert, key: certificate.key }, counted) : undefined;
    this.servers = secure ? [plain, secure] : [plain];
    for (const server of this.servers) server.keepAliveTimeout = 65_000;
    this.listener = net.createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', (first: Buffer) => {
        const target = secure !== undefined && first[0] === TLS_HANDSHAKE ? secure : plain;
        const stream = replay(socket, first);
        this.connections.set(stream, { socket, active: 0 });
        socket.once('close', () => this.connections.delete(stream));
        target.emit('connection', stream);
      });
    });
  }

  /** Listens for `upgrade` (WebSocket) on both protocols. */
  onUpgrade(listener: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void): () => void {
    for (const server of this.servers) server.on('upgrade', listener);
    return () => {
      for (const server of this.servers) server.off('upgrade', listener);
    };
  }

  /** Stops accepting; ends idle connections now and busy ones (watches) after `graceMs`. */
  close(graceMs = 2000): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      this.listener.close(() => resolve());
      for (const { socket, active } of this.connections.values()) if (active === 0) socket.destroy();
      setTimeout(() => {
        for (const { socket } of this.connections.values()) socket.destroy();
      }, graceMs).unref();
    });
  }
}
