import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allocateClusterIP,
  allocateNodePort,
  assignClusterIPs,
  assignNodePorts,
  clusterIPProblem,
  clusterIPsOf,
  DEFAULT_NODE_PORT_RANGE,
  DEFAULT_SERVICE_CIDR,
  formatPortRange,
  kubernetesServiceIP,
  nodePortProblem,
  nodePortsOf,
  parsePortRange,
  parseServiceCIDR,
  patchAllocatedValues,
  RangeFullError,
} from '../../src/admission/allocators.js';
import type { JsonObject } from '../../src/admission/json.js';
import { errorString } from '../../src/admission/validation/field-errors.js';

/** A deterministic RandomInt: always the same fraction of n. */
const at = (fraction: number) => (n: number): number => Math.floor(n * fraction);

describe('cluster IP ranges', () => {
  const range = parseServiceCIDR(DEFAULT_SERVICE_CIDR);

  it('the default range is 10.96.0.0/12 with the first address for the kubernetes service', () => {
    assert.equal(range.cidr, '10.96.0.0/12');
    assert.equal(kubernetesServiceIP(range), '10.96.0.1');
    // 2^20 addresses minus network and broadcast.
    assert.equal(range.max, 1048574);
    assert.equal(range.offset, 256);
  });

  it('a CIDR written with host bits is masked to its network', () => {
    assert.equal(parseServiceCIDR('10.0.0.77/24').cidr, '10.0.0.0/24');
  });

  it('malformed CIDRs are refused', () => {
    for (const bad of ['10.96.0.0', '10.96.0.0/33', 'nope/12', '10.96.0.0/x']) assert.throws(() => parseServiceCIDR(bad), /invalid CIDR address/);
  });

  it('dynamic allocation avoids the static band and the kubernetes service address', () => {
    const ip = allocateClusterIP(range, new Set(), at(0));
    // Offset 256 from 10.96.0.1 is the first address of the dynamic band.
    assert.equal(ip, '10.96.1.1');
    const small = parseServiceCIDR('10.0.0.0/29');
    assert.equal(small.offset, 0);
    assert.equal(allocateClusterIP(small, new Set(), at(0)), '10.0.0.2');
  });

  it('allocation never returns an address already used, and a full range says so', () => {
    const small = parseServiceCIDR('10.0.0.0/29');
    const used = new Set<string>();
    for (let i = 0; i < 5; i++) used.add(allocateClusterIP(small, used, at(0.5)));
    assert.deepEqual([...used].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    assert.throws(() => allocateClusterIP(small, used), (err) => err instanceof RangeFullError && err.message === 'range is full');
  });

  it('a requested IP must be in range and free', () => {
    assert.equal(clusterIPProblem(range, '10.96.0.10', new Set()), undefined);
    assert.equal(clusterIPProblem(range, '10.96.0.10', new Set(['10.96.0.10'])), 'provided IP is already allocated');
    assert.equal(clusterIPProblem(range, '192.168.0.1', new Set()), 'the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    assert.equal(clusterIPProblem(range, '10.111.255.255', new Set()), 'the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
  });

  it('IPv6 ranges work and are capped at 65536 addresses', () => {
    const v6 = parseServiceCIDR('fd00:10:96::/108');
    assert.equal(v6.family, 'IPv6');
    assert.equal(v6.max, 65535);
    assert.equal(kubernetesServiceIP(v6), 'fd00:10:96::1');
    assert.equal(clusterIPProblem(v6, 'fd00:10:96::a', new Set(['fd00:10:96::a'])), 'provided IP is already allocated');
  });
});

describe('assigning cluster IPs to services', () => {
  const range = parseServiceCIDR('10.96.0.0/24');

  it('a service without clusterIP gets one in both fields', () => {
    const svc: JsonObject = { metadata: {}, spec: { type: 'ClusterIP' } };
    assert.deepEqual(assignClusterIPs(svc, range, new Set(), at(0)), { ok: true, allocated: ['10.96.0.17'] });
    assert.deepEqual(svc.spec, { type: 'ClusterIP', clusterIP: '10.96.0.17', clusterIPs: ['10.96.0.17'] });
  });

  it('an explicit clusterIP already taken is refused with upstream\'s message', () => {
    const svc: JsonObject = { metadata: {}, spec: { clusterIP: '10.96.0.10' } };
    const result = assignClusterIPs(svc, range, new Set(['10.96.0.10']));
    assert.equal(result.ok, false);
    assert.deepEqual('errors' in result ? result.errors.map(errorString) : [], ['spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated']);
  });

  it('headless and ExternalName services get no IP', () => {
    assert.deepEqual(assignClusterIPs({ metadata: {}, spec: { clusterIP: 'None' } }, range, new Set()), { ok: true, allocated: [] });
    assert.deepEqual(assignClusterIPs({ metadata: {}, spec: { type: 'ExternalName' } }, range, new Set()), { ok: true, allocated: [] });
  });

  it('a full range is an internal error', () => {
    const tiny = parseServiceCIDR('10.0.0.0/30');
    const result = assignClusterIPs({ metadata: {}, spec: {} }, tiny, new Set(['10.0.0.2']));
    assert.deepEqual(result, { ok: false, internal: 'failed to allocate a serviceIP: range is full' });
  });
});

describe('node ports', () => {
  const range = parsePortRange(DEFAULT_NODE_PORT_RANGE);

  it('the default range is 30000-32767 with an 86-port static band', () => {
    assert.deepEqual(range, { base: 30000, size: 2768, offset: 86 });
    assert.equal(formatPortRange(range), '30000-32767');
  });

  it('dynamic ports come from above the static band first', () => {
    assert.equal(allocateNodePort(range, new Set(), at(0)), 30086);
    assert.equal(allocateNodePort(range, new Set([30086]), at(0)), 30087);
  });

  it('a requested port must be in range and free', () => {
    assert.equal(nodePortProblem(range, 30080, new Set([30080])), 'provided port is already allocated');
    assert.equal(nodePortProblem(range, 80, new Set()), 'provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('an explicit node port already taken is refused as Invalid on its field', () => {
    const svc: JsonObject = { metadata: {}, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } };
    const result = assignNodePorts(svc, range, new Set([30080]));
    assert.deepEqual('errors' in result ? result.errors.map(errorString) : [], ['spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated']);
  });

  it('ports with the same number share one node port across protocols', () => {
    const svc: JsonObject = { metadata: {}, spec: { type: 'NodePort', ports: [{ name: 'dns-udp', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } };
    const result = assignNodePorts(svc, range, new Set(), at(0));
    assert.deepEqual(result, { ok: true, allocated: [30086] });
    assert.deepEqual(nodePortsOf(svc), [30086]);
  });

  it('a LoadBalancer with node ports turned off keeps only requested ones', () => {
    const svc: JsonObject = { metadata: {}, spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] } };
    assert.deepEqual(assignNodePorts(svc, range, new Set()), { ok: true, allocated: [30443] });
  });

  it('a Local LoadBalancer also gets a health check node port', () => {
    const svc: JsonObject = { metadata: {}, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] } };
    const result = assignNodePorts(svc, range, new Set(), at(0));
    assert.deepEqual(result, { ok: true, allocated: [30086, 30087] });
    assert.equal((svc.spec as JsonObject).healthCheckNodePort, 30087);
  });

  it('a ClusterIP service gets no node port', () => {
    assert.deepEqual(assignNodePorts({ metadata: {}, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }, range, new Set()), { ok: true, allocated: [] });
  });

  it('malformed ranges are refused', () => {
    for (const bad of ['', '32767-30000', '1-70000', 'a-b']) assert.throws(() => parsePortRange(bad), /unable to parse port range/);
  });
});

describe('keeping allocated values on update', () => {
  it('a re-applied manifest without clusterIP or nodePort keeps the allocated ones', () => {
    const stored: JsonObject = { spec: { type: 'NodePort', clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'], ports: [{ name: 'http', port: 80, nodePort: 30123 }] } };
    const applied: JsonObject = { spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } };
    patchAllocatedValues(applied, stored);
    assert.deepEqual(applied.spec, { type: 'NodePort', clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'], ports: [{ name: 'http', port: 80, nodePort: 30123 }] });
    assert.deepEqual(clusterIPsOf(applied), ['10.96.5.5']);
  });

  it('a node port now used by another port is not copied back', () => {
    const stored: JsonObject = { spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }] } };
    const applied: JsonObject = { spec: { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 30001 }] } };
    patchAllocatedValues(applied, stored);
    assert.equal(((applied.spec as JsonObject).ports as JsonObject[])[0]?.nodePort, undefined);
  });
});
