import type { Handler, RequestContext } from './context.js';

interface Route {
  method: string;
  match: (path: string) => boolean;
  handler: Handler;
  anonymous: boolean;
}

export interface RouteOptions {
  /** Served without a credential (health and version, as Kubernetes' public-info-viewer). */
  anonymous?: boolean;
}

/** Method + path dispatch; the first route registered that matches wins. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string | RegExp | ((path: string) => boolean), handler: Handler, options: RouteOptions = {}): this {
    const match = typeof path === 'string' ? (p: string) => p === path : path instanceof RegExp ? (p: string) => path.test(p) : path;
    this.routes.push({ method, match, handler, anonymous: options.anonymous ?? false });
    return this;
  }

  find(method: string, path: string): { handler: Handler; anonymous: boolean } | { methodNotAllowed: true } | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      if (!route.match(path)) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return route;
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

export type { Handler, RequestContext };
