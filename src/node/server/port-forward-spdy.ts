// Port-forward as kubectl speaks it (portforward.k8s.io over SPDY, tunnelled
// in a WebSocket by kubectl 1.31+). For every local connection the client
// opens two streams with the same requestID: `error` (it half-closes at once
// and reads an error message, if any) and `data` (the bytes). The server
// replies to each SYN_STREAM, dials the port when both streams are there,
// copies bytes, and ends both streams when the pod side ends; a failed dial
// is written on the error stream.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../log.js';
import { controlFrame, dataFrame, FLAG_FIN, FrameReader, FrameType, HeaderCodec } from './spdy-framing.js';
import type { PortDialer } from './port-forward-websocket.js';

export const SPDY_PORT_FORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

interface Pair {
  port: number;
  errorStream?: number;
  dataStream?: number;
  connection?: Duplex;
  /** Settles when the dial is done (undefined when it failed). */
  ready?: Promise<Duplex | undefined>;
}

export function servePortForwardSpdy(ws: WebSocket, dial: PortDialer, log: Logger): void {
  const reader = new FrameReader();
  const codec = new HeaderCodec();
  const pairs = new Map<string, Pair>();
  const byStream = new Map<number, Pair>();
  const ended = new Set<number>();
  // Outgoing frames in order, though header blocks are compressed asynchronously.
  let outgoing: Promise<unknown> = Promise.resolve();
  let incoming: Promise<unknown> = Promise.resolve();

  const send = (frame: () => Promise<Buffer> | Buffer): void => {
    outgoing = outgoing.then(async () => {
      const bytes = await frame();
      if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
    }).catch((err: unknown) => log.debug({ err: (err as Error).message }, 'port-forward frame not sent'));
  };
  const finish = (streamId: number | undefined): void => {
    if (streamId === undefined || ended.has(streamId)) return;
    ended.add(streamId);
    send(() => dataFrame(streamId, FLAG_FIN, Buffer.alloc(0)));
  };

  const start = (pair: Pair): void => {
    if (pair.ready !== undefined || pair.errorStream === undefined || pair.dataStream === undefined) return;
    const { errorStream, dataStream } = pair;
    pair.ready = dial(pair.port).then(
      (connection) => {
        pair.connection = connection;
        connection.on('data', (chunk: Buffer) => send(() => dataFrame(dataStream, 0, chunk)));
        connection.once('end', () => {
          finish(dataStream);
          finish(errorStream);
        });
        connection.once('error', (err: Error) => {
          send(() => dataFrame(errorStream, 0, Buffer.from(err.message)));
          finish(dataStream);
          finish(errorStream);
        });
        return connection;
      },
      (err: unknown) => {
        send(() => dataFrame(errorStream, 0, Buffer.from((err as Error).message)));
        finish(errorStream);
        finish(dataStream);
        return undefined;
      },
    );
  };

  const onSynStream = async (payload: Buffer): Promise<void> => {
    const streamId = payload.readUInt32BE(0) & 0x7fffffff;
    const headers = await codec.decode(payload.subarray(10));
    send(async () => {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(streamId);
      return controlFrame(FrameType.SynReply, 0, Buffer.concat([id, await codec.encode(new Map())]));
    });
    const requestId = headers.get('requestid') ?? String(streamId);
    const port = Number(headers.get('port'));
    const pair: Pair = pairs.get(requestId) ?? { port };
    pairs.set(requestId, pair);
    byStream.set(streamId, pair);
    if (headers.get('streamtype') === 'error') pair.errorStream = streamId;
    else if (headers.get('streamtype') === 'data') pair.dataStream = streamId;
    start(pair);
  };

  /** Bytes for the pod; the frame queue waits for the dial, so nothing is reordered or lost. */
  const onData = async (streamId: number, flags: number, data: Buffer): Promise<void> => {
    const pair = byStream.get(streamId);
    if (pair === undefined || streamId !== pair.dataStream) return;
    const connection = await pair.ready;
    if (data.length > 0) connection?.write(data);
    if ((flags & FLAG_FIN) !== 0) connection?.end();
  };

  const onControl = async (type: number, payload: Buffer): Promise<void> => {
    if (type === FrameType.SynStream) return onSynStream(payload);
    if (type === FrameType.Ping) {
      send(() => controlFrame(FrameType.Ping, 0, payload));
      return;
    }
    if (type === FrameType.RstStream) {
      const pair = byStream.get(payload.readUInt32BE(0) & 0x7fffffff);
      pair?.connection?.destroy();
      return;
    }
    if (type === FrameType.GoAway) ws.close(1000);
    // SETTINGS, HEADERS and WINDOW_UPDATE change nothing for an in-process connection.
  };

  ws.on('message', (message: Buffer) => {
    for (const frame of reader.push(message)) {
      incoming = incoming.then(() => (frame.control ? onControl(frame.type, frame.payload) : onData(frame.streamId, frame.flags, frame.data))).catch((err: unknown) => {
        log.debug({ err: (err as Error).message }, 'port-forward frame rejected');
        ws.close(1002);
      });
    }
  });
  ws.on('close', () => {
    for (const pair of pairs.values()) pair.connection?.destroy();
    codec.close();
  });
}
