// The controller manager's plain-HTTP endpoint on a loopback address, as
// kube-controller-manager and controller-runtime managers have: GET /metrics
// (Prometheus text) and GET /healthz.

import http from 'node:http';
import { StartupError } from '../../startup-error.js';

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port (read `port` afterwards). */
  port: number;
  render(): Promise<string>;
  healthy(): boolean;
  onError(err: unknown): void;
}

export class MetricsServer {
  private constructor(
    private readonly server: http.Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async listen(options: MetricsServerOptions): Promise<MetricsServer> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?', 1)[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        const ok = options.healthy();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ok ? 'ok' : 'controller manager is not running');
        return;
      }
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        return;
      }
      options.render().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (err: unknown) => {
          options.onError(err);
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES'
          ? new StartupError(`cannot serve controller metrics on ${options.host}:${options.port} (${err.code}); choose another --metrics-bind-address, or 0 to turn metrics off`)
          : err);
      });
      server.listen(options.port, options.host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return new MetricsServer(server, options.host, port);
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}/metrics`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
