// Hand-written protobuf for tests: field numbers spelled out here, so the
// decoder is checked against the wire format, not against its own tables.
import protobuf from 'protobufjs';
import { PROTOBUF_MAGIC } from '../../../src/api/protobuf/envelope.js';

/** A field: number and value; a nested message is a list of fields. */
export type WireField = readonly [number, WireValue];
export type WireValue = string | number | boolean | Uint8Array | readonly WireField[];

export function encodeMessage(fields: readonly WireField[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const [id, value] of fields) {
    if (typeof value === 'string') writer.uint32((id << 3) | 2).string(value);
    else if (typeof value === 'number') writer.uint32(id << 3).int64(value);
    else if (typeof value === 'boolean') writer.uint32(id << 3).bool(value);
    else if (value instanceof Uint8Array) writer.uint32((id << 3) | 2).bytes(value);
    else writer.uint32((id << 3) | 2).bytes(encodeMessage(value as readonly WireField[]));
  }
  return writer.finish();
}

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}. */
export function envelope(apiVersion: string, kind: string, object: readonly WireField[] | Uint8Array, extra: { contentEncoding?: string; contentType?: string } = {}): Buffer {
  const raw = object instanceof Uint8Array ? object : encodeMessage(object);
  const unknown: WireField[] = [
    [1, [[1, apiVersion], [2, kind]]],
    [2, raw],
  ];
  if (extra.contentEncoding !== undefined) unknown.push([3, extra.contentEncoding]);
  if (extra.contentType !== undefined) unknown.push([4, extra.contentType]);
  return Buffer.concat([PROTOBUF_MAGIC, encodeMessage(unknown)]);
}
