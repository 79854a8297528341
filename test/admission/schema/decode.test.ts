import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import type { JsonObject } from '../../../src/admission/json.js';
import { builtinSchemaLookup } from '../../../src/admission/schema/definitions-lookup.js';
import { decodeWithSchema, parseFieldValidation } from '../../../src/admission/schema/decode.js';
import { schemaLookupFromDefinitions, type SchemaNode } from '../../../src/admission/schema/schema-lookup.js';

// A small fixture: a Widget with a spec holding a count, a size quantity, a
// list of parts, a free-form map and an opaque blob.
const ref = (name: string): SchemaNode => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });
const FIXTURE: Record<string, SchemaNode> = {
  'io.example.v1.Widget': { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', properties: { name: { type: 'string' } } }, spec: ref('io.example.v1.WidgetSpec') } },
  'io.example.v1.WidgetSpec': {
    type: 'object',
    properties: {
      count: { type: 'integer', format: 'int32' },
      size: ref('io.k8s.apimachinery.pkg.api.resource.Quantity'),
      parts: { type: 'array', items: ref('io.example.v1.Part') },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      blob: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      port: { 'x-kubernetes-int-or-string': true },
    },
  },
  'io.example.v1.Part': { type: 'object', properties: { name: { type: 'string' } } },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', format: 'quantity' },
};
const lookup = schemaLookupFromDefinitions(FIXTURE, (gvk) => (gvk.kind === 'Widget' ? 'io.example.v1.Widget' : undefined));
const WIDGET = { group: 'example.io', version: 'v1', kind: 'Widget' };

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  assert.fail('expected an ApiError');
}

describe('decoding against a schema fixture', () => {
  const body = (): JsonObject => ({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { count: 2, colour: 'red', parts: [{ name: 'a', weight: 3 }], labels: { x: 'y' }, blob: { anything: { goes: true } } } });

  it('Strict refuses every unknown field in one BadRequest, in document order', () => {
    const err = refusal(() => decodeWithSchema(lookup, WIDGET, body(), 'Strict'));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour", unknown field "spec.parts[0].weight"');
  });

  it('Warn drops unknown fields and reports one warning each', () => {
    const result = decodeWithSchema(lookup, WIDGET, body(), 'Warn');
    assert.deepEqual(result.warnings, ['unknown field "spec.colour"', 'unknown field "spec.parts[0].weight"']);
    assert.deepEqual(result.object.spec, { count: 2, parts: [{ name: 'a' }], labels: { x: 'y' }, blob: { anything: { goes: true } } });
  });

  it('Ignore drops unknown fields silently', () => {
    const result = decodeWithSchema(lookup, WIDGET, body(), 'Ignore');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.unknownFields, ['spec.colour', 'spec.parts[0].weight']);
  });

  it('a value of the wrong JSON type fails the decode the way encoding/json words it', () => {
    const err = refusal(() => decodeWithSchema(lookup, WIDGET, { spec: { count: 'two' } }, 'Ignore'));
    assert.equal(err.message, 'Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal string into Go struct field WidgetSpec.spec.count of type int32');
    const fraction = refusal(() => decodeWithSchema(lookup, WIDGET, { spec: { count: 1.5 } }, 'Ignore'));
    assert.match(fraction.message, /json: cannot unmarshal number 1\.5 into Go struct field WidgetSpec\.spec\.count of type int32$/);
  });

  it('quantities are canonicalized and malformed ones fail', () => {
    assert.equal((decodeWithSchema(lookup, WIDGET, { spec: { size: 1.5 } }).object.spec as JsonObject).size, '1500m');
    const err = refusal(() => decodeWithSchema(lookup, WIDGET, { spec: { size: '1 GB' } }));
    assert.equal(err.message, "Widget in version \"v1\" cannot be handled as a Widget: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });

  it('int-or-string fields accept both', () => {
    assert.deepEqual(decodeWithSchema(lookup, WIDGET, { spec: { port: 'http' } }).unknownFields, []);
    assert.deepEqual(decodeWithSchema(lookup, WIDGET, { spec: { port: 8080 } }).unknownFields, []);
  });

  it('a kind without a schema is passed through unchecked', () => {
    const obj = { spec: { whatever: 1 } };
    assert.deepEqual(decodeWithSchema(lookup, { group: 'x', version: 'v1', kind: 'Gadget' }, obj, 'Strict'), { object: obj, warnings: [], unknownFields: [] });
  });
});

describe('decoding built-in kinds against the generated OpenAPI definitions', () => {
  const lookupBuiltin = builtinSchemaLookup();
  const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

  it('a misspelt container field in a Deployment is refused under Strict', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicass: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', imagee: 'x' }] } } },
    };
    const err = refusal(() => decodeWithSchema(lookupBuiltin, DEPLOYMENT, deployment, 'Strict'));
    assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicass", unknown field "spec.template.spec.containers[0].imagee"');
  });

  it('a valid Pod decodes with no warnings and canonical quantities', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: 2, memory: '1024Mi' } } }] } };
    const result = decodeWithSchema(lookupBuiltin, { group: '', version: 'v1', kind: 'Pod' }, pod, 'Strict');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(((result.object.spec as JsonObject).containers as JsonObject[])[0]?.resources, { limits: { cpu: '2', memory: '1Gi' } });
  });

  it('replicas given as a string fail like the API server', () => {
    const err = refusal(() => decodeWithSchema(lookupBuiltin, DEPLOYMENT, { spec: { replicas: '3' } }));
    assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });
});

describe('the fieldValidation parameter', () => {
  it('defaults to Warn and accepts the three directives', () => {
    assert.equal(parseFieldValidation(null), 'Warn');
    assert.equal(parseFieldValidation('Strict'), 'Strict');
    assert.equal(parseFieldValidation('Ignore'), 'Ignore');
  });
  it('anything else is the options object\'s Invalid error', () => {
    const err = refusal(() => parseFieldValidation('Loose', 'UpdateOptions'));
    assert.equal(err.code, 422);
    assert.equal(err.message, 'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "Ignore", "Warn", "Strict"');
  });
});
