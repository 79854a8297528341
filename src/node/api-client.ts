// A small typed client of the kubeql API for the node agent: JSON requests
// over a keep-alive agent (http, or https with the cluster CA), and watches as
// chunked JSON lines resumed from the last resourceVersion.
import http from 'node:http';
import https from 'node:https';
import type { KubeObject } from '../store/types.js';

export interface ApiClientOptions {
  /** http(s)://host:port, optionally with /clusters/{name}. */
  url: string;
  token: string;
  /** PEM CA for https. */
  ca?: string;
  /** Concurrent connections. @defaultValue 32 */
  maxSockets?: number;
}

/** A Kubernetes Status error from the API. */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

export interface ObjectList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeObject[];
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export interface WatchHandle {
  /** Resolves when the stream ends (server timeout, disconnect or close()). */
  done: Promise<void>;
  close(): void;
}

export class ApiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  /** Requests sent, for the benchmark's requests-per-second figures. */
  requests = 0;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.url.replace(/\/$/, ''));
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 32 };
    this.agent = secure ? new https.Agent({ ...agentOptions, ...(options.ca ? { ca: options.ca } : {}) }) : new http.Agent(agentOptions);
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  mergePatch<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body, 'application/merge-patch+json');
  }

  delete<T = KubeObject>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body);
  }

  /** Every page of a list. */
  async list(path: string, query: Record<string, string> = {}): Promise<ObjectList> {
    const items: KubeObject[] = [];
    let next: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const params = new URLSearchParams({ ...query, limit: '500', ...(next ? { continue: next } : {}) });
      const page = await this.get<ObjectList>(`${path}?${params.toString()}`);
      items.push(...page.items);
      resourceVersion = page.metadata.resourceVersion;
      next = page.metadata.continue || undefined;
    } while (next !== undefined);
    return { metadata: resourceVersion === undefined ? {} : { resourceVersion }, items };
  }

  request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    this.requests += 1;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = this.transport.request(
        this.urlOf(path),
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType, 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve((text === '' ? {} : JSON.parse(text)) as T);
              } catch (err) {
                reject(err as Error);
              }
              return;
            }
            reject(statusError(status, text));
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Watches a collection from resourceVersion; events arrive in order. A 410
   * (too old) surfaces as an ERROR event with code 410, as the API sends it.
   */
  watch(path: string, query: Record<string, string>, onEvent: (event: WatchEvent) => void): WatchHandle {
    const params = new URLSearchParams({ ...query, watch: '1', allowWatchBookmarks: 'true' });
    let request: http.ClientRequest | undefined;
    let closed = false;
    const done = new Promise<void>((resolve, reject) => {
      this.requests += 1;
      request = this.transport.request(
        this.urlOf(`${path}?${params.toString()}`),
        { method: 'GET', agent: this.agent, headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' } },
        (res) => {
          if ((res.statusCode ?? 0) !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => reject(statusError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
            return;
          }
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            let newline = buffered.indexOf('\n');
            while (newline >= 0) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              if (line !== '') onEvent(JSON.parse(line) as WatchEvent);
              newline = buffered.indexOf('\n');
            }
          });
          res.on('end', () => resolve());
          res.on('error', (err) => (closed ? resolve() : reject(err)));
          res.on('aborted', () => resolve());
        },
      );
      request.on('error', (err) => (closed ? resolve() : reject(err)));
      request.end();
    });
    return {
      done,
      close: () => {
        closed = true;
        request?.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private urlOf(path: string): URL {
    return new URL(`${this.base.pathname === '/' ? '' : this.base.pathname}${path}`, this.base);
  }
}

function statusError(code: number, text: string): ApiStatusError {
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    return new ApiStatusError(code, status.reason ?? 'Unknown', status.message ?? text);
  } catch {
    return new ApiStatusError(code, 'Unknown', text.slice(0, 200) || `HTTP ${code}`);
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 404;
export const isConflict = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 409;
