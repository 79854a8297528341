// ClusterIP and NodePort allocation across API replicas: two object services,
// each with its own store (own connection pool, own group committer, own
// allocation lock), share one cluster. PostgreSQL's service_allocations table
// must keep every value unique; deleting a Service frees its values.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import { defaultAdmission } from '../../src/objects/default-admission.js';
import { ObjectService, type ResourceRef } from '../../src/objects/service.js';
import { Store } from '../../src/store/store.js';
import type { KubeObject } from '../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

// Small ranges so the replicas' random picks collide often:
// 10.0.0.0/27 has 29 addresses to hand out, 30000-30063 64 ports.
const SERVICE_CIDR = '10.0.0.0/27';
const NODE_PORTS = '30000-30063';
const REQUESTER = { requester: { username: 'test', groups: ['system:masters'] } };

interface ServiceSpec {
  clusterIP?: string;
  clusterIPs?: string[];
  ports: { port: number; nodePort?: number }[];
}

function nodePortService(name: string, spec: Partial<ServiceSpec> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80 }], ...spec } } as KubeObject;
}

const specOf = (service: KubeObject): ServiceSpec => service.spec as ServiceSpec;

function replica(): { store: Store; objects: ObjectService } {
  const store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 4 });
  const objects = new ObjectService({ store, registryFor: builtinRegistryFor, admission: defaultAdmission({ store, serviceCidr: SERVICE_CIDR, nodePortRange: NODE_PORTS }) });
  return { store, objects };
}

function assertUnique(values: readonly (string | number)[], what: string): void {
  const seen = new Map<string | number, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
  assert.deepEqual(duplicates, [], `${what} handed out twice`);
}

describe('service allocation across API replicas', () => {
  const replicas: [ReturnType<typeof replica>, ReturnType<typeof replica>] = [replica(), replica()];
  const cluster = uniqueClusterName('alloc');
  let refs: ResourceRef[];
  before(async () => {
    refs = replicas.map((r) => r.objects.resource(cluster, '', 'v1', 'services'));
    await Promise.all(replicas.map((r) => r.objects.ensureBootstrapped(cluster)));
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.store.close()));
  });

  it('two replicas creating services at once never hand out one cluster IP or node port twice', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const r = i % 2;
        return replicas[r === 0 ? 0 : 1].objects.create(refs[r] as ResourceRef, 'default', nodePortService(`svc-${i}`), REQUESTER);
      }),
    );
    assertUnique(created.map((s) => specOf(s).clusterIP ?? ''), 'a cluster IP');
    assertUnique(created.map((s) => specOf(s).ports[0]?.nodePort ?? 0), 'a node port');
    // What is stored agrees with what the creates answered.
    const stored = await replicas[0].objects.list(refs[0] as ResourceRef, 'default');
    assert.equal(stored.items.length, 20);
    assertUnique(stored.items.map((s) => specOf(s).clusterIP ?? ''), 'a stored cluster IP');
    assertUnique(stored.items.map((s) => specOf(s).ports[0]?.nodePort ?? 0), 'a stored node port');
  });

  it('an explicit cluster IP or node port taken on another replica is refused with Invalid', async () => {
    const [a, b] = replicas;
    const [refA, refB] = refs as [ResourceRef, ResourceRef];
    const first = await a.objects.create(refA, 'default', nodePortService('explicit-a'), REQUESTER);
    const ip = specOf(first).clusterIP as string;
    const port = specOf(first).ports[0]?.nodePort as number;
    await assert.rejects(b.objects.create(refB, 'default', nodePortService('explicit-ip', { clusterIP: ip, clusterIPs: [ip] }), REQUESTER), {
      reason: 'Invalid',
      message: `Service "explicit-ip" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`,
    });
    await assert.rejects(b.objects.create(refB, 'default', nodePortService('explicit-port', { ports: [{ port: 80, nodePort: port }] }), REQUESTER), {
      reason: 'Invalid',
      message: `Service "explicit-port" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`,
    });
  });

  it('two replicas racing for the same explicit node port: one gets it, the other Invalid', async () => {
    const [a, b] = replicas;
    const [refA, refB] = refs as [ResourceRef, ResourceRef];
    // A port in the static band, which automatic allocation avoids while the dynamic one has room.
    const port = 30001;
    const results = await Promise.allSettled([
      a.objects.create(refA, 'default', nodePortService('race-a', { ports: [{ port: 80, nodePort: port }] }), REQUESTER),
      b.objects.create(refB, 'default', nodePortService('race-b', { ports: [{ port: 80, nodePort: port }] }), REQUESTER),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one create wins');
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.match(String((lost?.reason as Error).message), /spec\.ports\[0\]\.nodePort: Invalid value: 30001: provided port is already allocated$/);
  });

  it('deleting a service frees its cluster IP and node port for the other replica', async () => {
    const [a, b] = replicas;
    const [refA, refB] = refs as [ResourceRef, ResourceRef];
    const held = await a.objects.create(refA, 'default', nodePortService('freed'), REQUESTER);
    const ip = specOf(held).clusterIP as string;
    const port = specOf(held).ports[0]?.nodePort as number;
    await a.objects.delete(refA, 'default', 'freed', REQUESTER);
    const reused = await b.objects.create(refB, 'default', nodePortService('reuser', { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80, nodePort: port }] }), REQUESTER);
    assert.equal(specOf(reused).clusterIP, ip);
    assert.equal(specOf(reused).ports[0]?.nodePort, port);
  });

  it('changing a service to ClusterIP frees its node port', async () => {
    const [a, b] = replicas;
    const [refA, refB] = refs as [ResourceRef, ResourceRef];
    const held = await a.objects.create(refA, 'default', nodePortService('retyped'), REQUESTER);
    const port = specOf(held).ports[0]?.nodePort as number;
    const spec = { ...(held.spec as Record<string, unknown>), type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] };
    await a.objects.update(refA, 'default', 'retyped', { ...held, spec }, REQUESTER);
    const taker = await b.objects.create(refB, 'default', nodePortService('port-taker', { ports: [{ port: 80, nodePort: port }] }), REQUESTER);
    assert.equal(specOf(taker).ports[0]?.nodePort, port);
  });
});
