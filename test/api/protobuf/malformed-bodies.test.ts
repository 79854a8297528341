// Bodies that are not what they claim: every one must end in a Kubernetes
// Status error (400, or 415 for what kubeql cannot read), never a 500.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { decodeKubernetesProtobuf } from '../../../src/api/protobuf/decode.js';
import { FIXTURES_DIR, fixtureBytes } from './fixtures.js';
import { envelope, type WireField } from './wire.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' };

function apiErrorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the body to be refused');
}

function assertStatus(run: () => unknown, code: number, reason: string, message: string | RegExp): void {
  const err = apiErrorOf(run);
  assert.equal(err.code, code);
  assert.equal(err.reason, reason);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
}

const capturedBodies = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.bin'))
  .sort();

// A tiny deterministic generator, so a failure can be replayed.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('malformed protobuf bodies are 400 BadRequest', () => {
  test('an empty body', () => {
    assertStatus(() => decodeKubernetesProtobuf(Buffer.alloc(0), DEPLOYMENT), 400, 'BadRequest', 'the object provided is unrecognized (must be of type Deployment): empty data (<empty>)');
  });

  test('JSON sent as protobuf: wrong magic, and the message shows how the body starts', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(Buffer.from('{"kind":"Deployment","apiVersion":"apps/v1"}'), DEPLOYMENT),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Deployment): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"Deployment","apiVersi ...)',
    );
  });

  test('a body shorter than the magic, or with a near-miss magic', () => {
    for (const body of [Buffer.from('k8s'), Buffer.from('k8s\x01rest'), Buffer.from('K8S\0rest')]) {
      assertStatus(() => decodeKubernetesProtobuf(body, DEPLOYMENT), 400, 'BadRequest', /provided data does not appear to be a protobuf message/);
    }
  });

  test('every truncation of every body kubectl sent is 400, except cuts at the envelope\'s field boundaries', () => {
    let refused = 0;
    for (const file of capturedBodies) {
      const body = fixtureBytes(file);
      // The envelope kubectl writes: typeMeta (field 1), raw (2), then contentEncoding "" and contentType "" (1a 00 22 00).
      assert.equal(body[4], 0x0a, file);
      const afterTypeMeta = 6 + (body[5] ?? 0);
      assert.deepStrictEqual([...body.subarray(body.length - 4)], [0x1a, 0x00, 0x22, 0x00], file);
      const whole = decodeKubernetesProtobuf(body);
      for (let cut = 0; cut < body.length; cut += 1) {
        const truncated = body.subarray(0, cut);
        if (cut === body.length - 4 || cut === body.length - 2) {
          assert.deepStrictEqual(decodeKubernetesProtobuf(truncated), whole, `${file} cut at ${cut}`);
        } else if (cut === afterTypeMeta) {
          // No raw bytes: an object with no fields set, as Kubernetes decodes it too.
          const empty = decodeKubernetesProtobuf(truncated);
          assert.deepStrictEqual([empty.kind, empty.apiVersion], [whole.kind, whole.apiVersion], `${file} cut at ${cut}`);
          assert.equal(empty.metadata, undefined);
        } else {
          const err = apiErrorOf(() => decodeKubernetesProtobuf(truncated));
          assert.equal(err.code, 400, `${file} cut at ${cut}: ${err.message}`);
          refused += 1;
        }
      }
    }
    assert.ok(refused > 10_000, `only ${refused} truncations tried`);
  });

  test('random byte corruption of captured bodies decodes or is refused with 400/415, never anything else', () => {
    const random = prng(20241123);
    const outcomes = { decoded: 0, 400: 0, 415: 0 };
    for (let i = 0; i < 3000; i += 1) {
      const file = capturedBodies[Math.floor(random() * capturedBodies.length)] ?? '';
      const body = Buffer.from(fixtureBytes(file));
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f += 1) body[4 + Math.floor(random() * (body.length - 4))] = Math.floor(random() * 256);
      try {
        decodeKubernetesProtobuf(body);
        outcomes.decoded += 1;
      } catch (err) {
        assert.ok(err instanceof ApiError, `${file} #${i}: ${String(err)}`);
        assert.ok(err.code === 400 || err.code === 415, `${file} #${i}: ${err.code} ${err.message}`);
        outcomes[err.code as 400 | 415] += 1;
      }
    }
    assert.ok(outcomes[400] > 0 && outcomes.decoded > 0, JSON.stringify(outcomes));
  });

  test('a declared length beyond the end of the body', () => {
    const body = Buffer.concat([envelope('v1', 'Namespace', []), Buffer.from([0x12, 0xff, 0xff, 0xff, 0x0f])]);
    assertStatus(() => decodeKubernetesProtobuf(body, NAMESPACE), 400, 'BadRequest', /the protobuf envelope is malformed: index out of range/);
  });

  test('an invalid wire type inside the object', () => {
    const raw = Buffer.from([0x0a, 0x00, 0xff, 0x07]); // metadata {}, then field 31 with wire type 7
    assertStatus(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', raw), NAMESPACE), 400, 'BadRequest', /^Namespace in version "v1" cannot be handled as a Namespace: invalid wire type 7/);
  });

  test('deeply nested groups in an unknown field are refused, not a stack overflow', () => {
    const nested = Buffer.alloc(2_000_000);
    for (let i = 0; i < nested.length; i += 2) nested.set([0x9b, 0x06], i); // start group of field 99, over and over
    const err = apiErrorOf(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', nested), NAMESPACE));
    assert.equal(err.code, 400);
  });

  test('a compressed envelope (contentEncoding) cannot be read', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(envelope('v1', 'Namespace', [], { contentEncoding: 'gzip' }), NAMESPACE),
      400,
      'BadRequest',
      'Namespace in version "v1" cannot be handled as a Namespace: content encoding "gzip" is not supported',
    );
  });

  test('a map key that would set a prototype is refused, as in JSON bodies', () => {
    const labels: WireField = [11, [[1, '__proto__'], [2, 'x']]];
    assertStatus(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', [[1, [[1, 'ns'], labels]]]), NAMESPACE), 400, 'BadRequest', 'the request body contains the forbidden key "__proto__"');
  });

  test('an IntOrString of an impossible type', () => {
    const pdb: WireField[] = [[2, [[1, [[1, 7], [2, 1]]]]]]; // spec.minAvailable {type: 7}
    assertStatus(
      () => decodeKubernetesProtobuf(envelope('policy/v1', 'PodDisruptionBudget', pdb)),
      400,
      'BadRequest',
      'PodDisruptionBudget in version "v1" cannot be handled as a PodDisruptionBudget: IntOrString has the impossible type 7',
    );
  });

  test('a time outside years 0000-9999', () => {
    const meta: WireField[] = [[1, [[8, [[1, 400_000_000_000]]]]]]; // metadata.creationTimestamp.seconds
    assertStatus(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', meta), NAMESPACE), 400, 'BadRequest', /Time: 400000000000 seconds is outside years 0000-9999$/);
  });

  test('managed fields whose fieldsV1 is not JSON', () => {
    const meta: WireField[] = [[1, [[17, [[1, 'kubectl'], [7, [[1, Buffer.from('{not json')]]]]]]]];
    assertStatus(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', meta), NAMESPACE), 400, 'BadRequest', /^Namespace in version "v1" cannot be handled as a Namespace: error decoding JSON/);
  });
});

describe('a body whose type is not the one the URL addresses', () => {
  test('another apiVersion is 400 in Kubernetes wording', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(fixtureBytes('namespace.bin'), DEPLOYMENT),
      400,
      'BadRequest',
      'the API version in the data (v1) does not match the expected API version (apps/v1)',
    );
  });

  test('another kind of the same apiVersion is 400', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(fixtureBytes('configmap.bin'), { apiVersion: 'v1', kind: 'Secret' }),
      400,
      'BadRequest',
      'the kind in the data (ConfigMap) does not match the expected kind (Secret)',
    );
  });

  test('an envelope that names no type takes the URL\'s, as Kubernetes does', () => {
    const object = decodeKubernetesProtobuf(envelope('', '', [[1, [[1, 'team-b']]]]), NAMESPACE);
    assert.deepStrictEqual(object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team-b' } });
  });

  test('an envelope that names no type, with no URL type to fall back on, is 400', () => {
    assertStatus(() => decodeKubernetesProtobuf(envelope('v1', '', [])), 400, 'BadRequest', /^the object provided is unrecognized: the protobuf envelope names no kind \(/);
  });
});

describe('protobuf kubeql cannot read is 415 UnsupportedMediaType', () => {
  test('a kind without a protobuf description, named in the message', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(envelope('apps/v1', 'StatefulSet', [[1, [[1, 'db']]]]), { apiVersion: 'apps/v1', kind: 'StatefulSet' }),
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (application/vnd.kubernetes.protobuf cannot be read for StatefulSet in apps/v1)',
    );
  });

  test('an envelope whose raw bytes are declared as another content type', () => {
    assertStatus(
      () => decodeKubernetesProtobuf(envelope('v1', 'Namespace', Buffer.from('{}'), { contentType: 'application/json' }), NAMESPACE),
      415,
      'UnsupportedMediaType',
      /\(application\/json cannot be read for Namespace in v1\)$/,
    );
  });
});
