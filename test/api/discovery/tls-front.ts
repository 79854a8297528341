// kubectl sends no credentials to an http:// server (client-go's ClientConfig
// reads the user's auth only for TLS transports), so kubectl tests that need
// a token talk to the test API through this loopback TLS front. It forwards
// each request unchanged; the certificate is a self-signed test fixture.
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

export async function startTlsFront(t: TestApi): Promise<TlsFront> {
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
