// IPv4 arithmetic for podCIDRs: a node gets the k-th subnet of the cluster
// range, and its pods addresses inside that subnet.

export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Ipv4Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) throw new Error(`${text} is not an IPv4 CIDR (a.b.c.d/n)`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`${text} is not an IPv4 CIDR (a.b.c.d/n)`);
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

export function formatIp(ip: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

export const formatCidr = (cidr: Ipv4Cidr): string => `${formatIp(cidr.base)}/${cidr.prefix}`;

/** How many /maskSize subnets the cluster range holds. */
export function subnetCount(cluster: Ipv4Cidr, maskSize: number): number {
  if (maskSize < cluster.prefix || maskSize > 30) throw new Error(`node mask /${maskSize} does not fit in /${cluster.prefix}`);
  return 2 ** (maskSize - cluster.prefix);
}

export function subnet(cluster: Ipv4Cidr, maskSize: number, index: number): Ipv4Cidr {
  return { base: cluster.base + index * 2 ** (32 - maskSize), prefix: maskSize };
}

/** The index-th pod address of a node subnet: .0 is the network, .1 the gateway. */
export function hostAddress(cidr: Ipv4Cidr, index: number): string | undefined {
  const usable = 2 ** (32 - cidr.prefix) - 3;
  if (index < 0 || index >= usable) return undefined;
  return formatIp(cidr.base + 2 + index);
}

export function addressIndex(cidr: Ipv4Cidr, address: string): number | undefined {
  try {
    const ip = parseCidr(`${address}/32`).base;
    const index = ip - cidr.base - 2;
    return index >= 0 && index < 2 ** (32 - cidr.prefix) - 3 ? index : undefined;
  } catch {
    return undefined;
  }
}
