// Content negotiation for request bodies: which Content-Types are read, what
// the others get, and that every reader yields an object of the URL's type.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { decodeKubernetesProtobuf } from '../../../src/api/protobuf/decode.js';
import { BODY_READERS, readRequestObject, type BodyReader } from '../../../src/api/protobuf/request-object.js';
import { fixtureBytes, fixtureJson } from './fixtures.js';
import { envelope } from './wire.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const UNKNOWN_FORMAT = 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf';

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err;
  }
  assert.fail('expected the body to be refused');
}

describe('bodies kubeql reads', () => {
  test('protobuf from kubectl 1.33 reads as the JSON kubectl 1.31 sends', () => {
    const object = readRequestObject('application/vnd.kubernetes.protobuf', fixtureBytes('deployment.bin'), DEPLOYMENT);
    assert.deepStrictEqual(object, fixtureJson('deployment.v1.31.json'));
  });

  test('the TokenRequest kubectl create token sends to serviceaccounts/<name>/token', () => {
    const object = readRequestObject('application/vnd.kubernetes.protobuf', fixtureBytes('token.bin'), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' });
    assert.deepStrictEqual(object.spec, { audiences: ['https://kubeql.example', 'vault'], expirationSeconds: 7200, boundObjectRef: null });
  });

  test('JSON, with or without parameters, and a missing Content-Type means JSON', () => {
    const body = Buffer.from(JSON.stringify(fixtureJson('deployment.v1.31.json')));
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', undefined, '']) {
      assert.deepStrictEqual(readRequestObject(contentType, body, DEPLOYMENT), fixtureJson('deployment.v1.31.json'), String(contentType));
    }
  });

  test('YAML', () => {
    const object = readRequestObject('application/yaml', Buffer.from('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n'), DEPLOYMENT);
    assert.deepStrictEqual(object, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
  });

  test('an object without apiVersion and kind gets the URL\'s type', () => {
    const object = readRequestObject('application/json', Buffer.from('{"metadata":{"name":"web"}}'), DEPLOYMENT);
    assert.deepStrictEqual(object, { metadata: { name: 'web' }, apiVersion: 'apps/v1', kind: 'Deployment' });
  });
});

describe('bodies kubeql refuses', () => {
  test('CBOR, plain text and made-up types are 415 in Kubernetes wording, nothing decoded', () => {
    let read = 0;
    const counting = new Map<string, BodyReader>([...BODY_READERS].map(([type, reader]) => [type, (body, expected) => ((read += 1), reader(body, expected))]));
    for (const contentType of ['application/cbor', 'application/cbor-seq', 'text/plain', 'application/x-garbage', '*/*']) {
      const err = refusal(() => readRequestObject(contentType, Buffer.from([0xa1, 0x61, 0x61, 0x01]), DEPLOYMENT, counting));
      assert.equal(err.code, 415, contentType);
      assert.equal(err.reason, 'UnsupportedMediaType');
      assert.equal(err.message, UNKNOWN_FORMAT);
      assert.deepStrictEqual(err.toStatus(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: UNKNOWN_FORMAT, reason: 'UnsupportedMediaType', code: 415 });
    }
    assert.equal(read, 0, 'no reader ran');
  });

  test('protobuf of a kind kubeql has no description of is 415', () => {
    const err = refusal(() => readRequestObject('application/vnd.kubernetes.protobuf', envelope('apps/v1', 'StatefulSet', []), { apiVersion: 'apps/v1', kind: 'StatefulSet' }));
    assert.equal(err.code, 415);
    assert.match(err.message, /StatefulSet in apps\/v1/);
  });

  test('garbage labelled protobuf is 400, as malformed JSON is', () => {
    assert.equal(refusal(() => readRequestObject('application/vnd.kubernetes.protobuf', Buffer.from('garbage'), DEPLOYMENT)).code, 400);
    assert.equal(refusal(() => readRequestObject('application/json', Buffer.from('{"kind":'), DEPLOYMENT)).code, 400);
  });

  test('a JSON object of another type is 400 in Kubernetes wording', () => {
    const err = refusal(() => readRequestObject('application/json', Buffer.from('{"apiVersion":"v1","kind":"Pod"}'), DEPLOYMENT));
    assert.equal(err.code, 400);
    assert.equal(err.message, 'the API version in the data (v1) does not match the expected API version (apps/v1)');
    const kind = refusal(() => readRequestObject('application/yaml', Buffer.from('apiVersion: apps/v1\nkind: StatefulSet\n'), DEPLOYMENT));
    assert.equal(kind.message, 'the kind in the data (StatefulSet) does not match the expected kind (Deployment)');
  });

  test('a body that is not a single object is 400', () => {
    for (const body of ['[]', 'null', '"text"', '7']) {
      const err = refusal(() => readRequestObject('application/json', Buffer.from(body), DEPLOYMENT));
      assert.equal(err.code, 400, body);
      assert.match(err.message, /^the request body must be a single Deployment object/);
    }
  });
});

describe('the readers are the extension point', () => {
  test('another reader map changes what is read and what the 415 message lists', () => {
    const cbor: BodyReader = () => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'from-cbor' } });
    const readers = new Map<string, BodyReader>([
      ['application/json', BODY_READERS.get('application/json') ?? cbor],
      ['application/cbor', cbor],
    ]);
    assert.deepStrictEqual(readRequestObject('application/cbor', Buffer.alloc(1), DEPLOYMENT, readers).metadata, { name: 'from-cbor' });
    const err = refusal(() => readRequestObject('application/vnd.kubernetes.protobuf', fixtureBytes('deployment.bin'), DEPLOYMENT, readers));
    assert.equal(err.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/cbor');
  });

  test('the protobuf reader is decodeKubernetesProtobuf', () => {
    const body = fixtureBytes('service-nodeport.bin');
    const expected = { apiVersion: 'v1', kind: 'Service' };
    assert.deepStrictEqual(BODY_READERS.get('application/vnd.kubernetes.protobuf')?.(body, expected), decodeKubernetesProtobuf(body, expected));
  });
});
