import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../../helpers/api.js';
import { createObject, namespace } from './fixtures.js';

// The API's port speaks TLS and plain HTTP; a WebSocket upgrade on plain HTTP
// is handed the native socket (src/api/http/dual-protocol.ts), TLS ones keep
// the port-sharing stream. Both must carry subscriptions intact.

/** A client-to-server WebSocket text frame (clients must mask). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  assert.ok(payload.length < 126, 'short frames only');
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Reads from the socket until `done(received)` holds. */
function readUntil(socket: net.Socket, done: (received: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`timed out; received: ${JSON.stringify(received.toString('latin1'))}`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (done(received)) {
        clearTimeout(timer);
        resolve(received);
      }
    });
  });
}

describe('GraphQL over the shared port', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
    await createObject(t.api.objects, t.cluster, namespace('wire'));
  });
  after(async () => {
    await t.stop();
  });

  it('keeps protocol bytes sent right behind the upgrade request (plain HTTP, native socket)', async () => {
    const port = Number(new URL(t.url).port);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const key = crypto.randomBytes(16).toString('base64');
    const upgrade = [
      'GET /graphql HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: graphql-transport-ws',
      '',
      '',
    ].join('\r\n');
    // The upgrade and the first protocol message in one write (one segment):
    // the message arrives with the request, before the socket changes hands.
    const init = maskedTextFrame(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t.token}` } }));
    const reply = readUntil(socket, (r) => r.includes('"connection_ack"'));
    socket.write(Buffer.concat([Buffer.from(upgrade), init]));
    const received = (await reply).toString('latin1');
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(received, /Sec-WebSocket-Protocol: graphql-transport-ws/i);
    assert.match(received, /\{"type":"connection_ack"/);
  });

  it('delivers a subscription over TLS (wss) through the port-sharing stream', async () => {
    // Loopback transport test: the certificate's chain is not what is tested here.
    class TlsWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { rejectUnauthorized: false });
      }
    }
    const client = createClient({ url: `${t.url.replace(/^http:/, 'wss:')}/graphql`, webSocketImpl: TlsWebSocket, connectionParams: { authorization: `Bearer ${t.token}` }, retryAttempts: 0, lazy: true });
    const names: string[] = [];
    const list = await t.api.objects.list(t.api.objects.resourceForKind(t.cluster, 'v1', 'ConfigMap'), 'wire');
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ watch: { object: { metadata: { name: string } } } }>(
        { query: `subscription { watch(apiVersion: "v1", kind: "ConfigMap", namespace: "wire", resourceVersion: "${list.resourceVersion}") { type object { metadata { name } } } }` },
        {
          next: (value) => {
            names.push(value.data?.watch.object.metadata.name ?? '?');
            if (names.length === 3) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    for (const name of ['one', 'two', 'three']) await createObject(t.api.objects, t.cluster, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'wire' }, data: { big: 'x'.repeat(70_000) } });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${names.join(', ')} within 5 s`)), 5000))]);
    await client.dispose();
    assert.deepEqual(names, ['one', 'two', 'three']);
  });
});
