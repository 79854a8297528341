// Pure ClusterIP and NodePort allocation (registry/core/service/ipallocator
// and portallocator): given a range and the values already in use, choose a
// free one or check a requested one, with upstream's error wording. The
// store keeps the used sets; nothing here touches it.

import { arrayAt, isObject, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from './json.js';
import { invalid, type FieldError } from './validation/field-errors.js';
import { path } from './validation/field-path.js';
import { goStringSlice } from './validation/go-value.js';
import { isIPv4, isIPv6 } from './validation/names.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export const ERR_RANGE_FULL = 'range is full';
export const ERR_IP_ALLOCATED = 'provided IP is already allocated';
export const ERR_PORT_ALLOCATED = 'provided port is already allocated';

/** Chooses uniformly in [0, n); injectable so tests are deterministic. */
export type RandomInt = (n: number) => number;
const defaultRandomInt: RandomInt = (n) => Math.floor(Math.random() * n);

/** Thrown when a range has nothing left; the API answers 500 InternalError with this text. */
export class RangeFullError extends Error {
  override readonly name = 'RangeFullError';
}

/**
 * Upstream's bitmap strategy: a random free offset in the upper (dynamic)
 * band first, scanning forward with wrap-around, then the lower (static)
 * band, which is kept for values users ask for explicitly.
 */
function pickOffset(max: number, offset: number, isUsed: (o: number) => boolean, random: RandomInt): number | undefined {
  const upper = max - offset;
  if (upper > 0) {
    const start = random(upper);
    for (let i = 0; i < upper; i++) {
      const at = offset + ((start + i) % upper);
      if (!isUsed(at)) return at;
    }
  }
  if (offset > 0) {
    const start = random(offset);
    for (let i = 0; i < offset; i++) {
      const at = (start + i) % offset;
      if (!isUsed(at)) return at;
    }
  }
  return undefined;
}

/** min(max(min, size/step), max), 0 when the range is tiny (calculateRangeOffset). */
function rangeOffset(size: number, min: number, maxOffset: number, step: number, inclusiveTiny: boolean): number {
  if (inclusiveTiny ? size <= min : size < min) return 0;
  const offset = Math.floor(size / step);
  return Math.min(Math.max(offset, min), maxOffset);
}

// ---- ClusterIP ----

export interface ServiceIPRange {
  cidr: string;
  family: 'IPv4' | 'IPv6';
  /** First usable address (network address + 1). */
  base: bigint;
  /** Usable addresses: the network address and, for IPv4, the broadcast address are excluded; IPv6 is capped at 65536. */
  max: number;
  /** Size of the lower band reserved for explicitly requested IPs. */
  offset: number;
  network: bigint;
  prefixBits: number;
}

function ipToBigInt(ip: string): bigint | undefined {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  if (!isIPv6(ip)) return undefined;
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const parse = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let groups = parse(head);
  let rest = tail === undefined ? [] : parse(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const expand = (list: string[]): string[] => {
    const last = list[list.length - 1];
    if (last !== undefined && last.includes('.')) {
      const v4 = ipToBigInt(last) ?? 0n;
      return [...list.slice(0, -1), ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16)];
    }
    return list;
  };
  groups = expand(groups);
  rest = expand(rest);
  const missing = 8 - groups.length - rest.length;
  const all = tail === undefined ? groups : [...groups, ...Array<string>(missing).fill('0'), ...rest];
  if (all.length !== 8) return undefined;
  return all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

function bigIntToIP(value: bigint, family: 'IPv4' | 'IPv6'): string {
  if (family === 'IPv4') return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run of two or more zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

/** Parses a service CIDR such as 10.96.0.0/12 (the address is masked to the network). */
export function parseServiceCIDR(cidr: string): ServiceIPRange {
  const slash = cidr.indexOf('/');
  const address = slash < 0 ? '' : cidr.slice(0, slash);
  const bits = slash < 0 ? NaN : Number(cidr.slice(slash + 1));
  const family = isIPv4(address) ? 'IPv4' : isIPv6(address) ? 'IPv6' : undefined;
  const width = family === 'IPv4' ? 32 : 128;
  const value = ipToBigInt(address);
  if (family === undefined || value === undefined || !Number.isInteger(bits) || bits < 0 || bits > width || !/^\d+$/.test(cidr.slice(slash + 1))) {
    throw new Error(`invalid CIDR address: ${cidr}`);
  }
  const hostBits = BigInt(width - bits);
  const network = (value >> hostBits) << hostBits;
  const size = 1n << hostBits;
  let max = size > 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(size);
  if (family === 'IPv6') max = Math.min(max, 65536);
  else max -= 1;
  max = Math.max(0, max - 1);
  const rangeSize = size > 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(size);
  return {
    cidr: `${bigIntToIP(network, family)}/${bits}`,
    family,
    base: network + 1n,
    max,
    offset: rangeOffset(rangeSize, 16, 256, 16, true),
    network,
    prefixBits: bits,
  };
}

/** The address reserved for the `kubernetes` service: the first usable one (10.96.0.1 by default). */
export function kubernetesServiceIP(range: ServiceIPRange): string {
  return bigIntToIP(range.base, range.family);
}

function ipOffset(range: ServiceIPRange, ip: string): number | undefined {
  const value = ipToBigInt(ip);
  if (value === undefined) return undefined;
  if ((isIPv4(ip) ? 'IPv4' : 'IPv6') !== range.family) return undefined;
  const offset = value - range.base;
  if (offset < 0n || offset >= BigInt(range.max)) return undefined;
  return Number(offset);
}

/** Canonical text of an IP (so "10.96.000.010" and "10.96.0.10" are the same key in a used set). */
export function canonicalIP(ip: string): string | undefined {
  const value = ipToBigInt(ip);
  if (value === undefined) return undefined;
  return bigIntToIP(value, isIPv4(ip) ? 'IPv4' : 'IPv6');
}

/** ErrNotInRange's text. */
export function ipNotInRangeMessage(ip: string, range: ServiceIPRange): string {
  return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range.cidr}`;
}

/** Why a requested cluster IP cannot be had, or undefined when it is free. `used` holds canonical IPs. */
export function clusterIPProblem(range: ServiceIPRange, ip: string, used: ReadonlySet<string>): string | undefined {
  if (ipOffset(range, ip) === undefined) return ipNotInRangeMessage(ip, range);
  if (used.has(canonicalIP(ip) ?? ip)) return ERR_IP_ALLOCATED;
  return undefined;
}

/**
 * A free cluster IP. The kubernetes service's address is never handed out
 * dynamically. @throws RangeFullError
 */
export function allocateClusterIP(range: ServiceIPRange, used: ReadonlySet<string>, random: RandomInt = defaultRandomInt): string {
  const reserved = kubernetesServiceIP(range);
  const offset = pickOffset(
    range.max,
    range.offset,
    (o) => {
      const ip = bigIntToIP(range.base + BigInt(o), range.family);
      return ip === reserved || used.has(ip);
    },
    random,
  );
  if (offset === undefined) throw new RangeFullError(ERR_RANGE_FULL);
  return bigIntToIP(range.base + BigInt(offset), range.family);
}

export type AllocationResult = { ok: true; allocated: string[] } | { ok: false; errors: FieldError[] } | { ok: false; internal: string };

/**
 * Gives a created Service its cluster IP (allocClusterIPs): none for
 * ExternalName or headless services, the requested one if it is free, else
 * a new one. Sets spec.clusterIP and spec.clusterIPs; returns what it took.
 */
export function assignClusterIPs(service: JsonObject, range: ServiceIPRange, used: ReadonlySet<string>, random: RandomInt = defaultRandomInt): AllocationResult {
  const spec = objectAt(service, 'spec');
  if (spec === undefined || spec.type === 'ExternalName') return { ok: true, allocated: [] };
  const clusterIP = stringAt(spec, 'clusterIP') ?? '';
  // An old client sets only the singular field.
  if (clusterIP !== '' && (arrayAt(spec, 'clusterIPs') ?? []).length === 0) spec.clusterIPs = [clusterIP];
  const ips = (arrayAt(spec, 'clusterIPs') ?? []).map(String);
  if (ips[0] === 'None') return { ok: true, allocated: [] };
  const requested = ips[0] ?? '';
  if (requested !== '') {
    const problem = clusterIPProblem(range, requested, used);
    if (problem !== undefined) {
      return { ok: false, errors: [invalid(path('spec', 'clusterIPs'), goStringSlice(ips), `failed to allocate IP ${requested}: ${problem}`)] };
    }
    const ip = canonicalIP(requested) ?? requested;
    spec.clusterIP = requested;
    return { ok: true, allocated: [ip] };
  }
  try {
    const ip = allocateClusterIP(range, used, random);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return { ok: true, allocated: [ip] };
  } catch (err) {
    if (err instanceof RangeFullError) return { ok: false, internal: `failed to allocate a serviceIP: ${err.message}` };
    throw err;
  }
}

// ---- NodePort ----

export interface PortRange {
  base: number;
  size: number;
  /** Size of the lower band reserved for explicitly requested ports. */
  offset: number;
}

/** Parses "30000-32767" (or a single port "30000"). */
export function parsePortRange(text: string): PortRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const low = Number(match?.[1]);
  const high = match?.[2] === undefined ? low : Number(match[2]);
  if (match === null || !Number.isInteger(low) || high < low || high > 65535) throw new Error(`unable to parse port range: ${text}`);
  const size = high - low + 1;
  return { base: low, size, offset: rangeOffset(size, 16, 128, 32, true) };
}

export function formatPortRange(range: PortRange): string {
  return `${range.base}-${range.base + range.size - 1}`;
}

export function portNotInRangeMessage(range: PortRange): string {
  return `provided port is not in the valid range. The range of valid ports is ${formatPortRange(range)}`;
}

/** Why a requested node port cannot be had, or undefined when it is free. */
export function nodePortProblem(range: PortRange, port: number, used: ReadonlySet<number>): string | undefined {
  if (!Number.isInteger(port) || port < range.base || port >= range.base + range.size) return portNotInRangeMessage(range);
  if (used.has(port)) return ERR_PORT_ALLOCATED;
  return undefined;
}

/** A free node port. @throws RangeFullError */
export function allocateNodePort(range: PortRange, used: ReadonlySet<number>, random: RandomInt = defaultRandomInt): number {
  const offset = pickOffset(range.size, range.offset, (o) => used.has(range.base + o), random);
  if (offset === undefined) throw new RangeFullError(ERR_RANGE_FULL);
  return range.base + offset;
}

function needsNodePorts(spec: JsonObject): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** Whether ports without an explicit nodePort get one (LoadBalancers may opt out). */
function shouldAllocateNodePorts(spec: JsonObject): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** A LoadBalancer that keeps client source IPs needs a health-check node port. */
function needsHealthCheck(spec: JsonObject): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function requestedNodePort(ports: readonly [JsonObject, number][], servicePort: number): number {
  for (const [p] of ports) {
    const nodePort = numberAt(p, 'nodePort') ?? 0;
    if (numberAt(p, 'port') === servicePort && nodePort !== 0) return nodePort;
  }
  return 0;
}

/**
 * Gives a created Service its node ports (initNodePorts): requested ports
 * are checked, missing ones allocated; ports sharing a port number (TCP and
 * UDP 53) share a node port. Returns the node ports taken, or the error.
 */
export function assignNodePorts(service: JsonObject, range: PortRange, used: ReadonlySet<number>, random: RandomInt = defaultRandomInt): { ok: true; allocated: number[] } | { ok: false; errors: FieldError[] } | { ok: false; internal: string } {
  const spec = objectAt(service, 'spec');
  if (spec === undefined) return { ok: true, allocated: [] };
  const taken = new Set(used);
  const allocated: number[] = [];
  const byServicePort = new Map<number, number>();
  const ports = objectsAt(spec, 'ports');
  const take = (port: number): void => {
    taken.add(port);
    allocated.push(port);
  };
  if (needsNodePorts(spec)) {
    for (const [port, i] of ports) {
      const nodePort = numberAt(port, 'nodePort') ?? 0;
      if (nodePort === 0 && !shouldAllocateNodePorts(spec)) continue;
      const servicePort = numberAt(port, 'port') ?? 0;
      const already = byServicePort.get(servicePort);
      if (already === undefined) {
        // A later entry with the same port number may carry the user's choice (findRequestedNodePort).
        const requested = nodePort !== 0 ? nodePort : requestedNodePort(ports, servicePort);
        if (requested !== 0) {
          const problem = nodePortProblem(range, requested, taken);
          if (problem !== undefined) return { ok: false, errors: [invalid(path('spec', 'ports').index(i).child('nodePort'), requested, problem)] };
          take(requested);
          port.nodePort = requested;
          byServicePort.set(servicePort, requested);
        } else {
          try {
            const next = allocateNodePort(range, taken, random);
            take(next);
            port.nodePort = next;
            byServicePort.set(servicePort, next);
          } catch (err) {
            if (err instanceof RangeFullError) return { ok: false, internal: `failed to allocate a nodePort: ${err.message}` };
            throw err;
          }
        }
      } else if (nodePort !== already) {
        if (nodePort === 0) port.nodePort = already;
        else {
          const problem = nodePortProblem(range, nodePort, taken);
          if (problem !== undefined) return { ok: false, errors: [invalid(path('spec', 'ports').index(i).child('nodePort'), nodePort, problem)] };
          take(nodePort);
        }
      }
    }
  }
  if (needsHealthCheck(spec)) {
    const requested = numberAt(spec, 'healthCheckNodePort') ?? 0;
    if (requested !== 0) {
      const problem = nodePortProblem(range, requested, taken);
      if (problem !== undefined) return { ok: false, internal: `failed to allocate requested HealthCheck NodePort ${requested}: ${problem}` };
      take(requested);
    } else {
      try {
        const next = allocateNodePort(range, taken, random);
        take(next);
        spec.healthCheckNodePort = next;
      } catch (err) {
        if (err instanceof RangeFullError) return { ok: false, internal: `failed to allocate a nodePort: ${err.message}` };
        throw err;
      }
    }
  }
  return { ok: true, allocated };
}

/**
 * On update, values the server allocated and the client left out are kept
 * (patchAllocatedValues), so re-applying the original manifest succeeds.
 */
export function patchAllocatedValues(service: JsonObject, oldService: JsonObject): void {
  const spec = objectAt(service, 'spec');
  const oldSpec = objectAt(oldService, 'spec');
  if (spec === undefined || oldSpec === undefined) return;
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if ((stringAt(spec, 'clusterIP') ?? '') === '' && oldSpec.clusterIP !== undefined) spec.clusterIP = oldSpec.clusterIP;
    if ((arrayAt(spec, 'clusterIPs') ?? []).length === 0 && (arrayAt(oldSpec, 'clusterIPs') ?? []).length > 0) spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePorts(spec) && needsNodePorts(oldSpec)) {
    const usedBy = (s: JsonObject): Set<number> => new Set(objectsAt(s, 'ports').map(([p]) => numberAt(p, 'nodePort') ?? 0).filter((n) => n !== 0));
    const oldUsed = usedBy(oldSpec);
    const bothUsed = new Set([...usedBy(spec)].filter((n) => oldUsed.has(n)));
    const byName = new Map<string, number>();
    for (const [p] of objectsAt(oldSpec, 'ports')) byName.set(stringAt(p, 'name') ?? '', numberAt(p, 'nodePort') ?? 0);
    for (const [p] of objectsAt(spec, 'ports')) {
      if ((numberAt(p, 'nodePort') ?? 0) !== 0) continue;
      const old = byName.get(stringAt(p, 'name') ?? '') ?? 0;
      if (old !== 0 && !bothUsed.has(old)) p.nodePort = old;
    }
  }
  if (needsHealthCheck(spec) && needsHealthCheck(oldSpec) && (numberAt(spec, 'healthCheckNodePort') ?? 0) === 0 && oldSpec.healthCheckNodePort !== undefined) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** Node ports a service holds (ports and health check), to fill the store's used set. */
export function nodePortsOf(service: unknown): number[] {
  const spec = objectAt(service, 'spec');
  if (!isObject(spec)) return [];
  const ports = objectsAt(spec, 'ports').map(([p]) => numberAt(p, 'nodePort') ?? 0);
  const hc = numberAt(spec, 'healthCheckNodePort') ?? 0;
  return [...new Set([...ports, hc].filter((n) => n !== 0))];
}

/** Cluster IPs a service holds (canonical), to fill the store's used set. */
export function clusterIPsOf(service: unknown): string[] {
  const spec = objectAt(service, 'spec');
  return (arrayAt(spec, 'clusterIPs') ?? [])
    .map(String)
    .filter((ip) => ip !== 'None' && ip !== '')
    .map((ip) => canonicalIP(ip) ?? ip);
}

/**
 * The field error for a value PostgreSQL found taken when the service was
 * written (another API replica allocated it first), worded as the allocator
 * words a taken value it sees itself.
 */
export function takenValueErrors(service: JsonObject, range: 'clusterip' | 'nodeport', value: string): FieldError[] {
  const spec = objectAt(service, 'spec') ?? {};
  if (range === 'clusterip') {
    const ips = (arrayAt(spec, 'clusterIPs') ?? []).map(String);
    return [invalid(path('spec', 'clusterIPs'), goStringSlice(ips), `failed to allocate IP ${value}: ${ERR_IP_ALLOCATED}`)];
  }
  const port = Number(value);
  for (const [p, i] of objectsAt(spec, 'ports')) {
    if (numberAt(p, 'nodePort') === port) return [invalid(path('spec', 'ports').index(i).child('nodePort'), port, ERR_PORT_ALLOCATED)];
  }
  return [invalid(path('spec', 'healthCheckNodePort'), port, ERR_PORT_ALLOCATED)];
}
