// SPDY/3.1 framing, as far as a port-forward server needs it: kubectl 1.31+
// tunnels SPDY through a WebSocket (subprotocol SPDY/3.1+portforward.k8s.io),
// so the frames arrive as bytes of binary messages. Control frames carry
// header blocks compressed by one zlib stream per direction, primed with the
// dictionary of the SPDY/3 draft (section 2.6.10.1).
import zlib from 'node:zlib';

export const FrameType = { SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9 } as const;
export const FLAG_FIN = 0x01;

/** The dictionary: length-prefixed words of HTTP, then a run of common values (1423 bytes). */
function headerDictionary(): Buffer {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow',
    'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range',
    'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK',
    'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
  ];
  const tail = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
    + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found'
    + '500 Internal Server Error501 Not Implemented503 Service Unavailable'
    + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
    + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age='
    + 'gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts = words.flatMap((w) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(w.length);
    return [length, Buffer.from(w, 'latin1')];
  });
  return Buffer.concat([...parts, Buffer.from(tail, 'latin1')]);
}

export const HEADER_DICTIONARY = headerDictionary();

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Cuts a byte stream into frames; keeps what is incomplete for the next push. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUIntBE(5, 3);
      if (this.buffer.length < 8 + length) break;
      const flags = this.buffer[4] ?? 0;
      const body = this.buffer.subarray(8, 8 + length);
      const first = this.buffer.readUInt32BE(0);
      if ((first & 0x80000000) !== 0) frames.push({ control: true, type: first & 0xffff, flags, payload: body });
      else frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: body });
      this.buffer = this.buffer.subarray(8 + length);
    }
    return frames;
  }
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE((0x8000 | 3) * 0x10000 + type, 0);
  header[4] = flags;
  header.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([header, payload]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header[4] = flags;
  header.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([header, data]);
}

/** Runs one zlib stream with sync flushes: each call returns the bytes for exactly its input. */
class ZlibChannel {
  private chunks: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly stream: zlib.Inflate | zlib.Deflate) {
    stream.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    stream.on('error', () => undefined);
  }

  process(input: Buffer): Promise<Buffer> {
    const run = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.stream.once('error', reject);
          this.stream.write(input);
          this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.stream.off('error', reject);
            const out = Buffer.concat(this.chunks);
            this.chunks = [];
            resolve(out);
          });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.stream.destroy();
  }
}

/** Header blocks in both directions of one connection. */
export class HeaderCodec {
  private readonly inflater = new ZlibChannel(zlib.createInflate({ dictionary: HEADER_DICTIONARY }));
  private readonly deflater = new ZlibChannel(zlib.createDeflate({ dictionary: HEADER_DICTIONARY }));

  async decode(block: Buffer): Promise<Map<string, string>> {
    const raw = await this.inflater.process(block);
    const headers = new Map<string, string>();
    let offset = 4;
    const count = raw.length >= 4 ? raw.readUInt32BE(0) : 0;
    for (let i = 0; i < count && offset + 4 <= raw.length; i++) {
      const nameLength = raw.readUInt32BE(offset);
      const name = raw.subarray(offset + 4, offset + 4 + nameLength).toString('latin1');
      offset += 4 + nameLength;
      const valueLength = raw.readUInt32BE(offset);
      const value = raw.subarray(offset + 4, offset + 4 + valueLength).toString('latin1');
      offset += 4 + valueLength;
      headers.set(name.toLowerCase(), value);
    }
    return headers;
  }

  encode(headers: ReadonlyMap<string, string>): Promise<Buffer> {
    const parts: Buffer[] = [];
    const u32 = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    parts.push(u32(headers.size));
    for (const [name, value] of headers) parts.push(u32(Buffer.byteLength(name)), Buffer.from(name), u32(Buffer.byteLength(value)), Buffer.from(value));
    return this.deflater.process(Buffer.concat(parts));
  }

  close(): void {
    this.inflater.close();
    this.deflater.close();
  }
}
