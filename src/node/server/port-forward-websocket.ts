// Port-forward over WebSocket as kubelet serves it to clients that speak the
// channel protocol (client libraries; `portforward.k8s.io`, v4.channel.k8s.io):
// the ports come in the query (?ports=80,443); port i uses channel 2i for data
// and 2i+1 for errors, and the first message on each channel is the port
// number (two bytes, little endian), so a client can match channels to ports.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../log.js';

export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'] as const;

export type PortDialer = (port: number) => Promise<Duplex>;

function portHeader(channel: number, port: number): Buffer {
  return Buffer.of(channel, port & 0xff, (port >> 8) & 0xff);
}

/** Parses `ports=80,443` (kubelet's "ports" query parameter, repeated or comma separated). */
export function parsePorts(query: URLSearchParams): number[] | string {
  const raw = query.getAll('ports').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (raw.length === 0) return 'query parameter "ports" is required';
  const ports: number[] = [];
  for (const text of raw) {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `unable to parse "${text}" as a port: must be between 1 and 65535, inclusive`;
    ports.push(port);
  }
  return ports;
}

export function servePortForwardWebSocket(ws: WebSocket, ports: readonly number[], dial: PortDialer, log: Logger): void {
  // Promises, so bytes a client sends before the dial completes are written after it, in order.
  const connections = new Map<number, Promise<Duplex | undefined>>();
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.of(channel), data]), { binary: true });
  };
  ports.forEach((port, i) => {
    const data = 2 * i;
    const error = data + 1;
    if (ws.readyState !== ws.OPEN) return;
    ws.send(portHeader(data, port), { binary: true });
    ws.send(portHeader(error, port), { binary: true });
    const dialed = dial(port).then(
      (stream) => {
        stream.on('data', (chunk: Buffer) => send(data, chunk));
        stream.on('error', (err: Error) => send(error, Buffer.from(err.message)));
        stream.on('end', () => {
          if (ws.readyState === ws.OPEN) ws.close(1000);
        });
        return stream;
      },
      (err: unknown) => {
        log.debug({ port, err: (err as Error).message }, 'port-forward dial failed');
        send(error, Buffer.from((err as Error).message));
        return undefined;
      },
    );
    connections.set(data, dialed);
  });
  ws.on('message', (message: Buffer) => {
    const channel = message[0];
    if (channel === undefined) return;
    const payload = message.subarray(1);
    void connections.get(channel)?.then((stream) => stream?.write(payload));
  });
  ws.on('close', () => {
    for (const dialed of connections.values()) void dialed.then((stream) => stream?.destroy());
  });
}
