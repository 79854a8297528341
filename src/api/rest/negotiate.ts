import { ApiError } from '../errors.js';

/** The representations a resource read can be served in. */
export type Representation = { kind: 'json' } | { kind: 'table'; version: 'v1' | 'v1beta1' } | { kind: 'partial-metadata'; version: 'v1' | 'v1beta1'; list: boolean };

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const map = new Map<string, string>();
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq > 0) map.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
      }
      return { type: type.toLowerCase(), params: map };
    })
    .filter((m) => m.type !== '');
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*', 'application/yaml', 'application/vnd.kubernetes.protobuf']);

/**
 * Picks the representation from an Accept header the way the API server does:
 * the first acceptable entry wins; `as=Table;g=meta.k8s.io` asks for a Table,
 * `as=PartialObjectMetadata(List)` for metadata only; protobuf and YAML
 * requests are answered in JSON, which every Kubernetes client also accepts.
 */
export function negotiate(accept: string | undefined): Representation {
  if (accept === undefined || accept.trim() === '') return { kind: 'json' };
  for (const range of parseAccept(accept)) {
    const as = range.params.get('as');
    if (as !== undefined) {
      if (range.params.get('g') !== 'meta.k8s.io') continue;
      const version = range.params.get('v');
      if (version !== 'v1' && version !== 'v1beta1') continue;
      if (as === 'Table') return { kind: 'table', version };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'partial-metadata', version, list: as.endsWith('List') };
      continue;
    }
    if (JSON_TYPES.has(range.type) || range.type.startsWith('application/json')) return { kind: 'json' };
  }
  throw new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

/** The Content-Type a representation is sent with. */
export function contentTypeOf(representation: Representation): string {
  switch (representation.kind) {
    case 'json':
      return 'application/json';
    case 'table':
      return `application/json;as=Table;v=${representation.version};g=meta.k8s.io`;
    case 'partial-metadata':
      return `application/json;as=${representation.list ? 'PartialObjectMetadataList' : 'PartialObjectMetadata'};v=${representation.version};g=meta.k8s.io`;
  }
}
