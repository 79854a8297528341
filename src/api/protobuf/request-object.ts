// Content negotiation for request bodies that carry one object (create,
// update, subresources such as serviceaccounts/<name>/token): picks the reader
// for the Content-Type, then makes sure the object is of the type the URL
// addresses. Responses stay JSON: kubectl's Accept always lists it.
//
// A REST handler calls
//   readRequestObject(req.headers['content-type'], await readBody(req), { apiVersion: 'apps/v1', kind: 'Deployment' })
// and admits the result exactly as a JSON body; for serviceaccounts/<name>/token
// the expected type is authentication.k8s.io/v1 TokenRequest.
import { badRequest, unsupportedMediaType } from '../errors.js';
import { parseJson, parseYaml } from '../http/body.js';
import { checkExpected, decodeKubernetesProtobuf, type ExpectedType } from './decode.js';
import { JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE, YAML_MEDIA_TYPE, mediaTypeOf } from './media-types.js';

/** Reads a body into a JSON value; throws ApiError for a body it cannot read. */
export type BodyReader = (body: Buffer, expected: ExpectedType) => unknown;

/**
 * The readers by media type, in the order the 415 message lists them. The
 * extension point: pass another map to readRequestObject (a YAML reader
 * with other limits, CBOR some day) and the 415 message follows it.
 */
export const BODY_READERS: ReadonlyMap<string, BodyReader> = new Map<string, BodyReader>([
  [JSON_MEDIA_TYPE, (body) => parseJson(body)],
  [YAML_MEDIA_TYPE, (body) => parseYaml(body)],
  [PROTOBUF_MEDIA_TYPE, (body, expected) => decodeKubernetesProtobuf(body, expected)],
]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The object in a request body, of the expected type. A missing Content-Type
 * means JSON (as in Kubernetes); missing apiVersion/kind are filled from
 * `expected`, different ones are 400; an unreadable media type is 415.
 */
export function readRequestObject(
  contentType: string | undefined,
  body: Buffer,
  expected: ExpectedType,
  readers: ReadonlyMap<string, BodyReader> = BODY_READERS,
): Record<string, unknown> {
  const mediaType = mediaTypeOf(contentType) || JSON_MEDIA_TYPE;
  const reader = readers.get(mediaType);
  if (reader === undefined) throw unsupportedMediaType([...readers.keys()]);
  const value = reader(body, expected);
  if (!isObject(value)) throw badRequest(`the request body must be a single ${expected.kind} object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  const apiVersion = typeof value.apiVersion === 'string' && value.apiVersion !== '' ? value.apiVersion : expected.apiVersion;
  const kind = typeof value.kind === 'string' && value.kind !== '' ? value.kind : expected.kind;
  checkExpected({ apiVersion, kind }, expected);
  return { ...value, apiVersion, kind };
}
