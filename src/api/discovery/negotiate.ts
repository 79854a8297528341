// Content negotiation for /api and /apis: aggregated discovery (one
// APIGroupDiscoveryList) when the client asks for it, else the legacy
// APIVersions / APIGroupList documents.

export type AggregatedVersion = 'v2' | 'v2beta1';

export type DiscoveryFormat = { aggregated: AggregatedVersion } | { aggregated: false } | { notAcceptable: true };

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [mediaType = '', ...rawParams] = part.split(';').map((s) => s.trim());
    const [type = '', subtype = ''] = mediaType.toLowerCase().split('/');
    if (type === '' || subtype === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'q') q = Number.parseFloat(value);
      else params.set(name, value);
    }
    if (!(q > 0)) continue;
    ranges.push({ type, subtype, params, q });
  }
  // Stable sort by quality: equal weights keep the client's order, as the API server does.
  return ranges.map((r, i) => ({ r, i })).sort((a, b) => b.r.q - a.r.q || a.i - b.i).map(({ r }) => r);
}

function isJson(r: MediaRange): boolean {
  return (r.type === 'application' && (r.subtype === 'json' || r.subtype === '*')) || (r.type === '*' && r.subtype === '*');
}

/**
 * Picks the discovery format for an Accept header. Only JSON is served
 * (protobuf entries are skipped: kubectl always lists JSON as well).
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  if (accept === undefined || accept.trim() === '') return { aggregated: false };
  for (const range of parseAccept(accept)) {
    if (!isJson(range)) continue;
    const group = range.params.get('g');
    if (group === undefined) {
      if (range.params.size === 0 || (range.params.size === 1 && range.params.has('charset'))) return { aggregated: false };
      continue;
    }
    const version = range.params.get('v');
    if (group === 'apidiscovery.k8s.io' && range.params.get('as') === 'APIGroupDiscoveryList' && (version === 'v2' || version === 'v2beta1')) {
      return { aggregated: version };
    }
  }
  return { notAcceptable: true };
}

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
