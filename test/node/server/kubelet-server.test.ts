// The node agent's kubelet API, called directly as the API server calls it:
// credential checks, containerLogs, exec/attach over the channel protocols,
// port-forward over the channel protocol, and what it refuses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { freePort } from '../../../src/infra/ports.js';
import { ADDRESS_ANNOTATION, CREDENTIAL_ANNOTATION, CREDENTIAL_NAMESPACE } from '../../../src/node/server/credential.js';
import type { RunningNodeAgent } from '../../../src/node/start.js';
import type { KubeObject } from '../../../src/store/types.js';
import { isolatedEnv, RunningKubeql, runKubeql } from '../../helpers/cli.js';
import { agentFixture, boundPod, eventually, phaseOf, type AgentFixture } from '../helpers.js';

let fx: AgentFixture;
let agent: RunningNodeAgent;
let base: string;
let token: string;
/** The kubelet API serves HTTPS with a certificate the agent publishes beside the token. */
let ca: string;

before(async () => {
  fx = await agentFixture();
  agent = await fx.startAgent({ nodes: 1, namePrefix: 'ks', timings: { pullMs: 10, startMs: 10 } });
  const node = await fx.admin.get('/api/v1/nodes/ks-0');
  const port = (node.status as { daemonEndpoints: { kubeletEndpoint: { Port: number } } }).daemonEndpoints.kubeletEndpoint.Port;
  base = `https://${node.metadata.annotations?.[ADDRESS_ANNOTATION] ?? ''}:${port}`;
  const secret = await fx.admin.get<KubeObject & { data: { token: string; 'ca.crt': string } }>(`/api/v1/namespaces/${CREDENTIAL_NAMESPACE}/secrets/${node.metadata.annotations?.[CREDENTIAL_ANNOTATION] ?? ''}`);
  token = Buffer.from(secret.data.token, 'base64').toString();
  ca = Buffer.from(secret.data['ca.crt'], 'base64').toString();
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('web', 'ks-0', { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'MODE', value: 'test' }] }] }));
  await eventually('web Running', async () => (phaseOf(await fx.admin.get('/api/v1/namespaces/default/pods/web')) === 'Running' ? true : undefined));
});
after(async () => fx?.stop());

function get(path: string, auth: string | null = token): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${base}${path}`, { ca, headers: auth === null ? {} : { authorization: `Bearer ${auth}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

interface Session {
  protocol: string;
  messages: Buffer[];
  closed: Promise<void>;
  ws: WebSocket;
}

function open(path: string, protocols: string[], auth = token): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('https', 'wss')}${path}`, protocols, { ca, headers: { authorization: `Bearer ${auth}` } });
    const messages: Buffer[] = [];
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.on('message', (m: Buffer) => messages.push(m));
    ws.once('open', () => resolve({ protocol: ws.protocol, messages, closed, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(new Error(`${res.statusCode ?? 0}: ${body}`)));
    });
    ws.once('error', reject);
  });
}

const channel = (messages: Buffer[], n: number): string => messages.filter((m) => m[0] === n).map((m) => m.subarray(1).toString()).join('');

test('the kubelet API answers nothing without the agent credential', async () => {
  assert.equal((await get('/containerLogs/default/web/app', null)).code, 401);
  assert.equal((await get('/containerLogs/default/web/app', 'not-the-credential')).code, 401);
  await assert.rejects(open('/exec/default/web/app?command=true&stdout=1', ['v5.channel.k8s.io'], 'wrong'), /^Error: 401/);
});

test('containerLogs serves the log with kubelet query parameters and kubelet errors', async () => {
  const full = await get('/containerLogs/default/web/app?tailLines=1');
  assert.equal(full.code, 200);
  assert.match(full.body, /^simulated container app started: image nginx:1\.25/);
  assert.equal((await get('/containerLogs/default/web/app?limitBytes=9')).body, 'simulated');
  const previous = await get('/containerLogs/default/web/app?previous=true');
  assert.deepEqual(previous, { code: 400, body: 'previous terminated container "app" in pod "web" not found' });
  assert.equal((await get('/containerLogs/default/nope/app')).code, 404);
  assert.equal((await get('/containerLogs/default/web/app?tailLines=-1')).code, 400);
  assert.equal((await get('/exec/default/web/app?command=true')).code, 400, 'exec needs an upgrade');
});

test('exec over v5.channel.k8s.io: stdout, stderr, stdin closed with the close channel, and the exit Status', async () => {
  const echo = await open('/exec/default/web/app?command=printenv&command=MODE&stdout=1&stderr=1', ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  assert.equal(echo.protocol, 'v5.channel.k8s.io');
  await echo.closed;
  assert.equal(channel(echo.messages, 1), 'test\n');
  assert.deepEqual(JSON.parse(channel(echo.messages, 3)), { metadata: {}, status: 'Success' });

  const cat = await open('/exec/default/web/app?command=cat&stdin=1&stdout=1', ['v5.channel.k8s.io']);
  cat.ws.send(Buffer.concat([Buffer.of(0), Buffer.from('from stdin')]));
  cat.ws.send(Buffer.of(255, 0));
  await cat.closed;
  assert.equal(channel(cat.messages, 1), 'from stdin');

  const missing = await open('/exec/default/web/app?command=nope&stdout=1&stderr=1', ['v4.channel.k8s.io']);
  assert.equal(missing.protocol, 'v4.channel.k8s.io');
  await missing.closed;
  assert.equal(channel(missing.messages, 2), 'nope: command not found\n');
  assert.deepEqual(JSON.parse(channel(missing.messages, 3)), {
    metadata: {},
    status: 'Failure',
    message: 'command terminated with non-zero exit code: error executing command [nope], exit code 127',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '127' }] },
  });
});

test('exec refuses SPDY, unknown subprotocols and a request without command or streams', async () => {
  await assert.rejects(open('/exec/default/web/app?command=true&stdout=1', ['channel.k8s.io']), /^Error: 400: none of the offered WebSocket subprotocols \[channel\.k8s\.io\]/);
  await assert.rejects(open('/exec/default/web/app?stdout=1', ['v5.channel.k8s.io']), /^Error: 400: you must specify at least 1 command/);
  await assert.rejects(open('/exec/default/web/app?command=true', ['v5.channel.k8s.io']), /^Error: 400: you must specify at least 1 of stdin, stdout, stderr/);
  const spdy = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = https.request(`${base}/exec/default/web/app?command=true&stdout=1`, { ca, method: 'POST', headers: { authorization: `Bearer ${token}`, connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'v4.channel.k8s.io' } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(spdy.code, 400);
  assert.match(spdy.body, /SPDY\/3\.1 is not supported by this node agent: use WebSocket \(kubectl 1\.30 or newer/);
});

test('port-forward over the channel protocol: port headers on both channels, echoed data, errors on the error channel', async () => {
  const session = await open('/portForward/default/web?ports=80,81', ['v4.channel.k8s.io']);
  await eventually('port headers', async () => (session.messages.length >= 4 ? true : undefined));
  assert.deepEqual(session.messages.slice(0, 4).map((m) => [...m]), [[0, 80, 0], [1, 80, 0], [2, 81, 0], [3, 81, 0]]);
  session.ws.send(Buffer.concat([Buffer.of(0), Buffer.from('hello pod')]));
  await eventually('echo', async () => (session.messages.some((m) => m[0] === 0 && m.length > 3) ? true : undefined));
  assert.equal(session.messages.filter((m) => m[0] === 0).slice(1).map((m) => m.subarray(1).toString()).join(''), 'hello pod');
  await eventually('error for port 81', async () => (session.messages.some((m) => m[0] === 3 && m.length > 3) ? true : undefined));
  assert.match(session.messages.filter((m) => m[0] === 3).slice(1).map((m) => m.subarray(1).toString()).join(''), /failed to connect to localhost:81 inside namespace/);
  session.ws.close();
  await session.closed;
});

test('kubeql node-agent publishes the kubelet port and advertise address it is given by flag', async () => {
  const port = await freePort();
  const cli = new RunningKubeql(['node-agent', '--nodes', '1', '--name-prefix', 'flagged', '--kubelet-port', String(port), '--advertise-address', '127.0.0.1'], isolatedEnv({ KUBEQL_API_URL: fx.api.url, KUBEQL_NODE_TOKEN: fx.bootstrapToken, KUBEQL_LOG_LEVEL: 'info', KUBEQL_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'kubeql-agent-flagged-')) }));
  try {
    await cli.waitForOutput(/node agent running/, 30_000);
    const node = await fx.admin.get('/api/v1/nodes/flagged-0');
    assert.equal((node.status as { daemonEndpoints: { kubeletEndpoint: { Port: number } } }).daemonEndpoints.kubeletEndpoint.Port, port);
    assert.equal(node.metadata.annotations?.[ADDRESS_ANNOTATION], '127.0.0.1');
  } finally {
    assert.equal(await cli.stop('SIGTERM'), 0, cli.stderr);
  }
  const bad = await runKubeql(['node-agent', '--kubelet-port', '70000'], isolatedEnv({ KUBEQL_API_URL: fx.api.url, KUBEQL_NODE_TOKEN: fx.bootstrapToken }));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--kubelet-port 70000 is not a port from 0 to 65535/);
  void agent;
});

test('the kubelet API speaks only TLS, with a certificate for its advertise address', async () => {
  await assert.rejects(
    new Promise((resolve, reject) => https.get(`${base}/containerLogs/default/web/app`, { headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject)),
    /self-signed certificate/,
  );
  const plain = await new Promise<string>((resolve) => {
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1', () => socket.write('GET /containerLogs/default/web/app HTTP/1.1\r\nHost: x\r\n\r\n'));
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', () => resolve(got));
  });
  assert.doesNotMatch(plain, /^HTTP\/1\.1 200/);
});

test('a restarted agent publishes a new credential, port and certificate; the old credential is refused', async () => {
  await agent.stop();
  agent = await fx.startAgent({ nodes: 1, namePrefix: 'ks', timings: { pullMs: 10, startMs: 10 } });
  const node = await fx.admin.get('/api/v1/nodes/ks-0');
  const port = (node.status as { daemonEndpoints: { kubeletEndpoint: { Port: number } } }).daemonEndpoints.kubeletEndpoint.Port;
  const secret = await fx.admin.get<KubeObject & { data: { token: string; 'ca.crt': string } }>(`/api/v1/namespaces/${CREDENTIAL_NAMESPACE}/secrets/${node.metadata.annotations?.[CREDENTIAL_ANNOTATION] ?? ''}`);
  const fresh = Buffer.from(secret.data.token, 'base64').toString();
  assert.notEqual(fresh, token);
  const oldToken = token;
  base = `https://127.0.0.1:${port}`;
  ca = Buffer.from(secret.data['ca.crt'], 'base64').toString();
  assert.equal((await get('/containerLogs/default/web/app', oldToken)).code, 401);
  token = fresh;
  await eventually('the adopted pod serves its log', async () => ((await get('/containerLogs/default/web/app?tailLines=1')).code === 200 ? true : undefined));
});
