import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { ServingCertificate } from '../../infra/pki.js';

// The first byte of a TLS ClientHello record.
const TLS_HANDSHAKE = 0x16;

/**
 * The socket as a stream that starts with the bytes already read from it. TLS
 * and HTTP servers read a native socket's handle directly, which would skip
 * data pushed back with unshift(), so they are given this stream instead.
 */
function replay(socket: net.Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (err) => stream.destroy(err));
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
  return stream;
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
