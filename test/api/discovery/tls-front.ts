// kubectl sends no credentials to an http:// server (client-go's ClientConfig
// reads the user's auth only for TLS transports). kubectlAccess uses the test
// API's own kubeconfig when it is https; otherwise it puts this loopback TLS
// front before the API, forwarding each request unchanged (the certificate is
// a self-signed test fixture).
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import type { TestApi } from '../../helpers/api.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

export interface TlsFront {
  url: string;
  /** Writes a kubeconfig for the front (server URL may carry a path such as /clusters/<name>). */
  writeKubeconfig(file: string, options?: { pathPrefix?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Kubeconfigs kubectl can authenticate with against a test API, whichever way it serves. */
export async function kubectlAccess(t: TestApi): Promise<TlsFront> {
  const own = YAML.parse(await fs.readFile(t.kubeconfig, 'utf8')) as { clusters?: { cluster?: { server?: string } }[] };
  const server = own.clusters?.[0]?.cluster?.server;
  if (server === undefined || !server.startsWith('https:')) return startTlsFront(t);
  return {
    url: server,
    async writeKubeconfig(file, options = {}) {
      const copy = structuredClone(own);
      const cluster = copy.clusters?.[0]?.cluster;
      if (cluster) cluster.server = `${server}${options.pathPrefix ?? ''}`;
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, YAML.stringify(copy), { mode: 0o600 });
      return file;
    },
    close: async () => undefined,
  };
}

async function startTlsFront(t: TestApi): Promise<TlsFront> {
  const target = new URL(t.url);
  const server = https.createServer({ key: readFileSync(new URL('loopback-key.pem', FIXTURES)), cert: readFileSync(new URL('loopback-cert.pem', FIXTURES)) }, (req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async writeKubeconfig(file, options = {}) {
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'kubeql', cluster: { server: `${url}${options.pathPrefix ?? ''}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'test-admin', user: { token: t.token } }],
        contexts: [{ name: 'test', context: { cluster: 'kubeql', user: 'test-admin', namespace: 'default' } }],
        'current-context': 'test',
      };
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, YAML.stringify(config), { mode: 0o600 });
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
