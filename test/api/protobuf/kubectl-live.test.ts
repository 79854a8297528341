// Real kubectl 1.33 (protobuf) and 1.31 (JSON) against a loopback HTTP server
// that reads each write with readRequestObject and echoes the object: both
// versions must produce the same objects, and a server that cannot read
// protobuf must make kubectl 1.33 fail with the Status it sends.
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { BODY_READERS, readRequestObject, type BodyReader } from '../../../src/api/protobuf/request-object.js';
import { discoveryResponse, typeForPath } from '../../fixtures/protobuf/discovery.js';
import { kubectl, kubectlPath } from '../../helpers/kubectl.js';

interface Received {
  path: string;
  contentType: string;
  object?: Record<string, unknown>;
  status: number;
}

interface EchoServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

async function startEchoServer(readers: ReadonlyMap<string, BodyReader>): Promise<EchoServer> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://echo');
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET') {
        const found = discoveryResponse(url.pathname);
        send(found === undefined ? 404 : 200, found ?? new ApiError(404, 'NotFound', 'not found').toStatus());
        return;
      }
      const entry: Received = { path: url.pathname, contentType: req.headers['content-type'] ?? '', status: 0 };
      received.push(entry);
      try {
        const expected = typeForPath(url.pathname);
        if (expected === undefined) throw new ApiError(404, 'NotFound', `no resource at ${url.pathname}`);
        entry.object = readRequestObject(req.headers['content-type'], Buffer.concat(chunks), expected, readers);
        entry.status = 201;
        // `kubectl create token` prints status.token and fails without one.
        send(201, expected.kind === 'TokenRequest' ? { ...entry.object, status: { token: 'echo', expirationTimestamp: '2030-01-01T00:00:00Z' } } : entry.object);
      } catch (err) {
        entry.status = err instanceof ApiError ? err.code : 500;
        send(entry.status, err instanceof ApiError ? err.toStatus() : { message: String(err) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function versionedKubectl(minor: number): string | undefined {
  const onPath = kubectlPath();
  if (onPath === undefined) return undefined;
  const binary = path.join(path.dirname(realpathSync(onPath)), `kubectl.1.${minor}`);
  return existsSync(binary) ? binary : undefined;
}

const kubectl133 = versionedKubectl(33);
const kubectl131 = versionedKubectl(31);
const skip = kubectl133 === undefined || kubectl131 === undefined ? 'kubectl.1.33 and kubectl.1.31 are not next to the kubectl on PATH' : false;
if (skip !== false) process.stdout.write(`skipping kubectl live tests: ${skip}\n`);

let dir = '';
async function kubeconfigFor(server: EchoServer, name: string): Promise<string> {
  const file = path.join(dir, name);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'echo', cluster: { server: server.url } }],
    users: [{ name: 'echo', user: { token: 'echo' } }],
    contexts: [{ name: 'echo', context: { cluster: 'echo', user: 'echo', namespace: 'team-a' } }],
    'current-context': 'echo',
  };
  await fs.writeFile(file, JSON.stringify(config));
  return file;
}

const COMMANDS: string[][] = [
  ['create', 'namespace', 'team-b'],
  ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080'],
  ['create', 'configmap', 'settings', '--from-literal=mode=fast'],
  ['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr=t'],
  ['create', 'service', 'nodeport', 'np', '--tcp=80:http'],
  ['create', 'cronjob', 'nightly', '--image=busybox:1.36', '--schedule=0 3 * * *', '--', 'date'],
  ['create', 'rolebinding', 'readers', '--clusterrole=view', '--user=alice', '--serviceaccount=team-a:builder'],
  ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--max-unavailable=25%'],
  ['create', 'token', 'builder', '--duration=1h'],
];

describe('real kubectl against a server that reads bodies with readRequestObject', { skip }, () => {
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeql-protobuf-live-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('kubectl 1.33 sends protobuf, kubectl 1.31 JSON, and both give the same objects', async () => {
    const server = await startEchoServer(BODY_READERS);
    try {
      for (const [minor, binary] of [[33, kubectl133], [31, kubectl131]] as const) {
        const kubeconfig = await kubeconfigFor(server, `kubeconfig-${minor}`);
        for (const args of COMMANDS) {
          const result = await kubectl(kubeconfig, args, { binary });
          assert.equal(result.code, 0, `kubectl 1.${minor} ${args.join(' ')}: ${result.stderr}`);
        }
      }
      assert.equal(server.received.length, COMMANDS.length * 2);
      const fromNew = server.received.slice(0, COMMANDS.length);
      const fromOld = server.received.slice(COMMANDS.length);
      for (const [i, args] of COMMANDS.entries()) {
        const command = args.join(' ');
        assert.equal(fromNew[i]?.contentType, 'application/vnd.kubernetes.protobuf', command);
        assert.equal(fromOld[i]?.contentType, 'application/json', command);
        assert.equal(fromNew[i]?.status, 201, command);
        assert.deepStrictEqual(fromNew[i]?.object, fromOld[i]?.object, command);
      }
      const token = fromNew.at(-1);
      assert.equal(token?.path, '/api/v1/namespaces/team-a/serviceaccounts/builder/token');
      assert.deepStrictEqual((token?.object as { spec: unknown }).spec, { audiences: null, expirationSeconds: 3600, boundObjectRef: null });
    } finally {
      await server.close();
    }
  });

  test('a server that cannot read protobuf makes kubectl 1.33 fail with its 415 Status; kubectl does not retry as JSON', async () => {
    const jsonOnly = new Map([...BODY_READERS].filter(([type]) => type !== 'application/vnd.kubernetes.protobuf'));
    const server = await startEchoServer(jsonOnly);
    try {
      const result = await kubectl(await kubeconfigFor(server, 'kubeconfig-json-only'), ['create', 'namespace', 'team-c'], { binary: kubectl133 });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Error from server \(UnsupportedMediaType\): the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml/);
      assert.deepStrictEqual(
        server.received.map((r) => [r.contentType, r.status, r.object]),
        [['application/vnd.kubernetes.protobuf', 415, undefined]],
      );
    } finally {
      await server.close();
    }
  });
});
