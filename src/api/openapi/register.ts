// GET /openapi/v3 (index), /openapi/v3/<group-version path> and /openapi/v2
// (JSON, or gnostic protobuf when asked). Documents are built once per
// registry and sent with ETags; a v3 document fetched by its current ?hash= is
// immutable, a stale hash is redirected to the current one, as kube-openapi does.
import { DocumentCache, prepareDocument, sendDocument, type PreparedDocument } from '../discovery/cached-document.js';
import { notFound } from '../errors.js';
import type { RequestContext } from '../http/context.js';
import type { Router } from '../http/router.js';
import { builtinRegistryFor, type RegistryFor, type ResourceRegistry } from '../resources/registry.js';
import { encodeOpenApiV2 } from './gnostic.js';
import { swaggerDocument } from './v2.js';
import { groupVersionDocument } from './v3.js';

const V3_DOCUMENT = /^\/openapi\/v3\/(api\/([^/]+)|apis\/([^/]+)\/([^/]+))\/?$/;
const PROTOBUF_V2 = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
// The '@' form is what clients ask for, but Go's mime parser rejects it in a
// Content-Type, so the API server always answers with the '.v1.0' form.
const PROTOBUF_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

const documents = new DocumentCache<ResourceRegistry>();

/** The hash a v3 document is addressed by: its ETag without quotes. */
const hashOf = (doc: PreparedDocument): string => doc.etag.slice(1, -1);

function v3Document(registry: ResourceRegistry, group: string, version: string): PreparedDocument | null {
  return documents.get(registry, `v3:${group}/${version}`, () => {
    const doc = groupVersionDocument(registry, group, version);
    return doc === undefined ? null : prepareDocument(doc);
  });
}

/** The path prefix the client used to reach this cluster (`/clusters/<name>` or ''), which index URLs must keep. */
function clusterPrefix(ctx: RequestContext): string {
  const full = ctx.url.pathname;
  return full.endsWith(ctx.path) ? full.slice(0, full.length - ctx.path.length) : '';
}

function serveIndex(registryFor: RegistryFor) {
  return (ctx: RequestContext): void => {
    const registry = registryFor(ctx.cluster);
    const prefix = clusterPrefix(ctx);
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const group of registry.groups()) {
      for (const version of group.versions) {
        const doc = v3Document(registry, group.name, version);
        if (doc === null) continue;
        const key = group.name === '' ? `api/${version}` : `apis/${group.name}/${version}`;
        paths[key] = { serverRelativeURL: `${prefix}/openapi/v3/${key}?hash=${hashOf(doc)}` };
      }
    }
    sendDocument(ctx, prepareDocument({ paths }));
  };
}

function serveGroupVersion(registryFor: RegistryFor) {
  return (ctx: RequestContext): void => {
    const match = V3_DOCUMENT.exec(ctx.path);
    const group = match?.[2] !== undefined ? '' : (match?.[3] ?? '');
    const version = match?.[2] ?? match?.[4] ?? '';
    const doc = v3Document(registryFor(ctx.cluster), group, version);
    if (doc === null) throw notFound('the server could not find the requested resource');
    const hash = ctx.url.searchParams.get('hash');
    if (hash === null) return sendDocument(ctx, doc);
    if (hash !== hashOf(doc)) {
      const location = new URL(ctx.url.toString());
      location.searchParams.set('hash', hashOf(doc));
      ctx.res.writeHead(301, { Location: `${location.pathname}${location.search}`, 'Cache-Control': 'no-cache, private' });
      ctx.res.end();
      return;
    }
    ctx.res.setHeader('Expires', new Date(Date.now() + ONE_YEAR_SECONDS * 1000).toUTCString());
    sendDocument(ctx, doc, { cacheControl: `public, immutable, max-age=${ONE_YEAR_SECONDS}` });
  };
}

/** Whether the Accept header lists a protobuf type before any JSON. */
function wantsProtobuf(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  for (const part of accept.split(',')) {
    const type = (part.split(';')[0] ?? '').trim().toLowerCase();
    if (PROTOBUF_V2.includes(type)) return true;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}

function serveV2(registryFor: RegistryFor) {
  return (ctx: RequestContext): void => {
    const registry = registryFor(ctx.cluster);
    const json = documents.get(registry, 'v2:json', () => prepareDocument(swaggerDocument(registry)));
    if (json === null) throw notFound('the server could not find the requested resource');
    if (!wantsProtobuf(ctx.req.headers.accept)) return sendDocument(ctx, json, { varyAccept: true });
    const pb = documents.get(registry, 'v2:protobuf', () => prepareDocument(Buffer.from(encodeOpenApiV2(JSON.parse(json.body.toString()) as Record<string, unknown>)), PROTOBUF_V2_CONTENT_TYPE));
    if (pb === null) throw notFound('the server could not find the requested resource');
    sendDocument(ctx, pb, { varyAccept: true });
  };
}

export function registerOpenApi(router: Router, registryFor: RegistryFor = builtinRegistryFor): void {
  router.add('GET', (p) => p === '/openapi/v3' || p === '/openapi/v3/', serveIndex(registryFor));
  router.add('GET', V3_DOCUMENT, serveGroupVersion(registryFor));
  router.add('GET', (p) => p === '/openapi/v2' || p === '/openapi/v2/', serveV2(registryFor));
}
