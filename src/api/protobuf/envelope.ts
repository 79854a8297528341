// Kubernetes' protobuf envelope: the 4 bytes `k8s\0`, then a runtime.Unknown
// message { typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
// contentType = 4 } whose raw bytes are the object's own message.
import protobuf from 'protobufjs';

export const PROTOBUF_MAGIC: Readonly<Buffer> = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Why a body is not an envelope; the caller words the API error. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

const TypeMeta = new protobuf.Type('TypeMeta').add(new protobuf.Field('apiVersion', 1, 'string')).add(new protobuf.Field('kind', 2, 'string'));
const Unknown = new protobuf.Type('Unknown')
  .add(new protobuf.Field('typeMeta', 1, 'TypeMeta'))
  .add(new protobuf.Field('raw', 2, 'bytes'))
  .add(new protobuf.Field('contentEncoding', 3, 'string'))
  .add(new protobuf.Field('contentType', 4, 'string'));
new protobuf.Root().add(TypeMeta).add(Unknown).resolveAll();

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new EnvelopeError('empty data');
  if (body.length < PROTOBUF_MAGIC.length || !PROTOBUF_MAGIC.equals(body.subarray(0, PROTOBUF_MAGIC.length))) {
    throw new EnvelopeError(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`);
  }
  let unknown: Record<string, unknown>;
  try {
    unknown = Unknown.decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new EnvelopeError(`the protobuf envelope is malformed: ${(err as Error).message}`);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as Record<string, unknown>;
  const raw = unknown.raw;
  return {
    apiVersion: text(typeMeta.apiVersion),
    kind: text(typeMeta.kind),
    raw: raw instanceof Uint8Array ? raw : new Uint8Array(0),
    contentEncoding: text(unknown.contentEncoding),
    contentType: text(unknown.contentType),
  };
}
