// Turns an application/vnd.kubernetes.protobuf request body into the plain
// JSON object kubectl would have sent as application/json, so both go through
// the same admission. Errors are the API errors (and wording) Kubernetes gives.
import { ApiError, badRequest } from '../errors.js';
import { checkShape } from '../http/body.js';
import { EnvelopeError, readEnvelope } from './envelope.js';
import { JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE, YAML_MEDIA_TYPE } from './media-types.js';
import { kubernetesSchema } from './schema.js';
import { ForbiddenKeyError, messageToJson } from './to-json.js';
import type { DecodedMessage } from './wire-values.js';

/** The type the request's URL addresses (for a subresource, the subresource's type). */
export interface ExpectedType {
  apiVersion: string;
  kind: string;
}

const versionOf = (apiVersion: string): string => apiVersion.slice(apiVersion.indexOf('/') + 1);

// Kubernetes shows the first 30 bytes of a body it could not identify: as
// text when it looks like JSON, in hex otherwise.
function summarize(body: Uint8Array): string {
  if (body.length === 0) return '<empty>';
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 30));
  const text = body[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return body.length > 30 ? `${text} ...` : text;
}

function unrecognized(reason: string, body: Uint8Array, expected: ExpectedType | undefined): ApiError {
  const mustBe = expected === undefined ? '' : ` (must be of type ${expected.kind})`;
  return badRequest(`the object provided is unrecognized${mustBe}: ${reason} (${summarize(body)})`);
}

/**
 * Decodes a protobuf body. apiVersion and kind come from the envelope (an
 * envelope that leaves them empty gets the expected ones, as Kubernetes does).
 * Throws ApiError: 400 for a malformed body or a type other than `expected`,
 * 415 for a kind kubeql has no protobuf description of.
 */
export function decodeKubernetesProtobuf(body: Uint8Array, expected?: ExpectedType): Record<string, unknown> {
  let envelope;
  try {
    envelope = readEnvelope(body);
  } catch (err) {
    if (err instanceof EnvelopeError) throw unrecognized(err.message, body, expected);
    throw err;
  }
  const apiVersion = envelope.apiVersion || expected?.apiVersion || '';
  const kind = envelope.kind || expected?.kind || '';
  if (kind === '' || apiVersion === '') throw unrecognized(`the protobuf envelope names no ${kind === '' ? 'kind' : 'apiVersion'}`, body, expected);
  if (expected !== undefined) checkExpected({ apiVersion, kind }, expected);
  if (envelope.contentEncoding !== '') {
    throw badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${expected?.kind ?? kind}: content encoding "${envelope.contentEncoding}" is not supported`);
  }
  const message = kubernetesSchema().kind(apiVersion, kind);
  if (message === undefined || (envelope.contentType !== '' && envelope.contentType !== PROTOBUF_MEDIA_TYPE)) {
    const what = envelope.contentType !== '' && envelope.contentType !== PROTOBUF_MEDIA_TYPE ? envelope.contentType : PROTOBUF_MEDIA_TYPE;
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${JSON_MEDIA_TYPE}, ${YAML_MEDIA_TYPE} (${what} cannot be read for ${kind} in ${apiVersion})`,
    );
  }
  let fields: Record<string, unknown>;
  try {
    fields = messageToJson(message, message.type.decode(envelope.raw) as unknown as DecodedMessage);
  } catch (err) {
    if (err instanceof ForbiddenKeyError) throw badRequest(err.message);
    // protobufjs throws RangeError/Error on truncated or invalid wire data; special types throw Error.
    const reason = err instanceof ApiError || err instanceof Error ? err.message : String(err);
    throw badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${expected?.kind ?? kind}: ${reason}`);
  }
  const object = { kind, apiVersion, ...fields };
  checkShape(object);
  return object;
}

/** 400 when the body's type is not the one the URL addresses (Kubernetes' wording). */
export function checkExpected(actual: ExpectedType, expected: ExpectedType): void {
  if (actual.apiVersion !== expected.apiVersion) {
    throw badRequest(`the API version in the data (${actual.apiVersion}) does not match the expected API version (${expected.apiVersion})`);
  }
  if (actual.kind !== expected.kind) {
    throw badRequest(`the kind in the data (${actual.kind}) does not match the expected kind (${expected.kind})`);
  }
}
