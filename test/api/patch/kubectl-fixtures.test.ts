// The PATCH bodies real kubectl 1.27 and 1.33 send (recorded by
// fixtures/capture.ts), applied to the live objects they were computed against.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { JsonObject, JsonValue } from '../../../src/api/patch/json-value.js';
import { applyPatch, patchTypeOf } from '../../../src/api/patch/patch-types.js';
import { WEB_LIVE } from './fixtures/cases.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Fixture {
  command: string[];
  live: JsonObject;
  requests: Record<string, { path: string; contentType: string; body: JsonValue }>;
}

function load(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

/** Applies every recorded version's body; returns the results by version. */
function patchedBy(name: string, group: string, kind: string): Map<string, JsonObject> {
  const fixture = load(name);
  const out = new Map<string, JsonObject>();
  for (const [version, request] of Object.entries(fixture.requests)) {
    const type = patchTypeOf(request.contentType);
    assert.ok(type !== undefined && type !== 'apply', `${name} ${version}: ${request.contentType}`);
    const before = structuredClone(fixture.live);
    out.set(version, applyPatch(type, fixture.live, request.body, { group, kind }));
    assert.deepEqual(fixture.live, before, 'the live object is not modified');
  }
  assert.ok(out.size >= 1);
  return out;
}

/** WEB_LIVE with an edit applied, to compare whole objects. */
function webWith(edit: (d: typeof WEB_LIVE) => void): JsonObject {
  const copy = structuredClone(WEB_LIVE);
  edit(copy);
  return copy as unknown as JsonObject;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function sentLastApplied(name: string, version: string): string {
  const body = load(name).requests[version]?.body as { metadata: { annotations: Record<string, string> } };
  return body.metadata.annotations[LAST_APPLIED] as string;
}

describe('patch bodies kubectl sends, applied to the object kubectl read', () => {
  it('a second `kubectl apply` changing replicas and one image keeps the other container and its fields', () => {
    for (const [version, out] of patchedBy('apply-replicas-and-image', 'apps', 'Deployment')) {
      const expected = webWith((d) => {
        d.spec.replicas = 3;
        (d.spec.template.spec.containers[0] as { image: string }).image = 'nginx:1.25';
        d.metadata.annotations[LAST_APPLIED] = sentLastApplied('apply-replicas-and-image', version);
      });
      assert.deepEqual(out, expected, version);
    }
  });

  it('`kubectl apply` of a manifest without one env var deletes it ($patch: delete)', () => {
    for (const [version, out] of patchedBy('apply-drop-env', 'apps', 'Deployment')) {
      const expected = webWith((d) => {
        (d.spec.template.spec.containers[0] as { env: unknown[] }).env = [{ name: 'A', value: 'one' }];
        d.metadata.annotations[LAST_APPLIED] = sentLastApplied('apply-drop-env', version);
      });
      assert.deepEqual(out, expected, version);
    }
  });

  it('`kubectl set env B-` (the patch `kubectl edit` sends for the same change) removes the env var', () => {
    for (const [version, out] of patchedBy('set-env-remove', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => ((d.spec.template.spec.containers[0] as { env: unknown[] }).env = [{ name: 'A', value: 'one' }])), version);
    }
  });

  it('switching the deployment strategy from RollingUpdate to Recreate drops rollingUpdate ($retainKeys)', () => {
    for (const [version, out] of patchedBy('apply-strategy-recreate', 'apps', 'Deployment')) {
      const expected = webWith((d) => {
        (d.spec as { strategy: unknown }).strategy = { type: 'Recreate' };
        d.metadata.annotations[LAST_APPLIED] = sentLastApplied('apply-strategy-recreate', version);
      });
      assert.deepEqual(out, expected, version);
    }
  });

  it('`kubectl apply` of service ports merges them by port in $setElementOrder order', () => {
    for (const [version, out] of patchedBy('apply-service-ports', '', 'Service')) {
      assert.deepEqual((out.spec as JsonObject).ports, [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 9443 },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ], version);
      assert.deepEqual((out.spec as JsonObject).clusterIPs, ['10.96.0.20'], version);
    }
  });

  it('`kubectl label` adds a label and `label app-` removes one (merge patch, null deletes)', () => {
    for (const [version, out] of patchedBy('label-add', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => ((d.metadata.labels as Record<string, string>).tier = 'frontend')), version);
    }
    for (const [version, out] of patchedBy('label-remove', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => ((d.metadata as { labels: unknown }).labels = {})), version);
    }
  });

  it('`kubectl annotate` adds an annotation and `annotate key-` removes one', () => {
    for (const [version, out] of patchedBy('annotate-add', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => ((d.metadata.annotations as Record<string, string>).note = 'hello')), version);
    }
    for (const [version, out] of patchedBy('annotate-remove', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => delete (d.metadata.annotations as Record<string, string>)['deployment.kubernetes.io/revision']), version);
    }
  });

  it('`kubectl rollout restart` sets the restartedAt annotation on the pod template', () => {
    for (const [version, out] of patchedBy('rollout-restart', 'apps', 'Deployment')) {
      const sent = ((load('rollout-restart').requests[version]?.body as JsonObject).spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
      assert.deepEqual(out, webWith((d) => ((d.spec.template.metadata as { annotations?: unknown }).annotations = sent)), version);
    }
  });

  it('`kubectl set image` changes one container image by name', () => {
    for (const [version, out] of patchedBy('set-image', 'apps', 'Deployment')) {
      assert.deepEqual(out, webWith((d) => ((d.spec.template.spec.containers[0] as { image: string }).image = 'nginx:1.26')), version);
    }
  });

  it('`kubectl taint` replaces the node taints list whole (no merge strategy)', () => {
    for (const [version, out] of patchedBy('taint', '', 'Node')) {
      assert.deepEqual((out.spec as JsonObject).taints, [
        { effect: 'NoSchedule', key: 'dedicated', value: 'gpu' },
        { effect: 'PreferNoSchedule', key: 'zone', value: 'a' },
      ], version);
      assert.deepEqual((out.spec as JsonObject).podCIDRs, ['10.244.1.0/24'], version);
    }
  });
});
