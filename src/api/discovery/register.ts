// GET /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>: what
// every kubectl command reads first. Bare paths and /clusters/<name>/... both
// arrive here (the server strips the prefix); each cluster's own registry answers.
import { ApiError, notFound } from '../errors.js';
import type { RequestContext } from '../http/context.js';
import type { Router } from '../http/router.js';
import { builtinRegistryFor, type RegistryFor, type ResourceRegistry } from '../resources/registry.js';
import { DocumentCache, prepareDocument, sendDocument, type PreparedDocument } from './cached-document.js';
import { apiGroupDiscoveryList, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './documents.js';
import { aggregatedContentType, negotiateDiscovery } from './negotiate.js';

const GROUP_PATH = /^\/apis\/([^/]+)\/?$/;
const GROUP_VERSION_PATH = /^\/apis\/([^/]+)\/([^/]+)\/?$/;
const CORE_VERSION_PATH = /^\/api\/([^/]+)\/?$/;

const documents = new DocumentCache<ResourceRegistry>();

function notServed(): ApiError {
  return notFound('the server could not find the requested resource');
}

function notAcceptable(): ApiError {
  return new ApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList, application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
}

function send(ctx: RequestContext, doc: PreparedDocument | null, varyAccept = false): void {
  if (doc === null) throw notServed();
  sendDocument(ctx, doc, { varyAccept });
}

/** /api and /apis: aggregated discovery when asked for, else the legacy list. */
function root(registryFor: RegistryFor, which: 'api' | 'apis') {
  return (ctx: RequestContext): void => {
    const registry = registryFor(ctx.cluster);
    const format = negotiateDiscovery(ctx.req.headers.accept);
    if ('notAcceptable' in format) throw notAcceptable();
    if (format.aggregated !== false) {
      const version = format.aggregated;
      return send(ctx, documents.get(registry, `${which}:${version}`, () => prepareDocument(apiGroupDiscoveryList(registry, which, version), aggregatedContentType(version))), true);
    }
    if (which === 'apis') return send(ctx, documents.get(registry, 'apis', () => prepareDocument(apiGroupList(registry))), true);
    // APIVersions names the address the client used, so it is not cached per registry.
    sendDocument(ctx, prepareDocument(apiVersions(ctx.req.headers.host ?? '')), { varyAccept: true });
  };
}

export function registerDiscovery(router: Router, registryFor: RegistryFor = builtinRegistryFor): void {
  router.add('GET', (p) => p === '/api' || p === '/api/', root(registryFor, 'api'));
  router.add('GET', (p) => p === '/apis' || p === '/apis/', root(registryFor, 'apis'));
  router.add('GET', CORE_VERSION_PATH, (ctx) => {
    const version = CORE_VERSION_PATH.exec(ctx.path)?.[1] ?? '';
    const registry = registryFor(ctx.cluster);
    send(ctx, documents.get(registry, `/api/${version}`, () => {
      const list = apiResourceList(registry, '', version);
      return list === undefined ? null : prepareDocument(list);
    }));
  });
  router.add('GET', GROUP_PATH, (ctx) => {
    const group = GROUP_PATH.exec(ctx.path)?.[1] ?? '';
    const registry = registryFor(ctx.cluster);
    send(ctx, documents.get(registry, `/apis/${group}`, () => {
      const doc = group === '' ? undefined : apiGroupDocument(registry, group);
      return doc === undefined ? null : prepareDocument(doc);
    }));
  });
  router.add('GET', GROUP_VERSION_PATH, (ctx) => {
    const match = GROUP_VERSION_PATH.exec(ctx.path);
    const group = match?.[1] ?? '';
    const version = match?.[2] ?? '';
    const registry = registryFor(ctx.cluster);
    send(ctx, documents.get(registry, `/apis/${group}/${version}`, () => {
      const list = group === '' ? undefined : apiResourceList(registry, group, version);
      return list === undefined ? null : prepareDocument(list);
    }));
  });
}
