// pods/log, exec, attach and portforward at the REST level: the Status errors
// the API answers before anything reaches a node, the 503 for an agent that is
// gone, and the official JavaScript client's Log, Exec and PortForward.
import assert from 'node:assert/strict';
import http from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { RunningNodeAgent } from '../../../src/node/start.js';
import { agentFixture, boundPod, eventually, phaseOf, type AgentFixture } from '../../node/helpers.js';

let fx: AgentFixture;
let kc: k8s.KubeConfig;
let agent: RunningNodeAgent;

before(async () => {
  fx = await agentFixture();
  agent = await fx.startAgent({ nodes: 1, namePrefix: 'ps', timings: { pullMs: 10, startMs: 10 } });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(fx.api.kubeconfig);
  await fx.admin.post('/api/v1/namespaces/default/pods', boundPod('duo', 'ps-0', {
    initContainers: [{ name: 'setup', image: 'busybox:1.36' }],
    containers: [{ name: 'a', image: 'nginx:1.25', ports: [{ containerPort: 7000 }] }, { name: 'b', image: 'busybox:1.36' }],
  }));
  await fx.admin.post('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'floating', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } });
  await eventually('duo Running', async () => (phaseOf(await fx.admin.get('/api/v1/namespaces/default/pods/duo')) === 'Running' ? true : undefined));
});
after(async () => fx?.stop());

function request(path: string, headers: Record<string, string> = {}): Promise<{ code: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${fx.api.url}${path}`, { headers: { authorization: `Bearer ${fx.api.token}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
  });
}

async function status(path: string, headers: Record<string, string> = {}): Promise<{ code: number; reason: string; message: string }> {
  const res = await request(path, headers);
  const body = JSON.parse(res.body) as { code: number; reason: string; message: string; kind: string };
  assert.equal(body.kind, 'Status', res.body);
  assert.equal(body.code, res.code);
  return { code: body.code, reason: body.reason, message: body.message };
}

const POD = '/api/v1/namespaces/default/pods';
const WS = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'v5.channel.k8s.io' };

test('a pod with several containers needs a container name, in kube-apiserver\'s words', async () => {
  assert.deepEqual(await status(`${POD}/duo/log`), { code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod duo, choose one of: [setup a b]' });
  assert.deepEqual(await status(`${POD}/duo/log?container=c`), { code: 400, reason: 'BadRequest', message: 'container c is not valid for pod duo' });
  assert.deepEqual(await status(`${POD}/duo/exec?command=true&stdout=true`, WS), { code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod duo, choose one of: [setup a b]' });
  assert.deepEqual(await status(`${POD}/ghost/log`), { code: 404, reason: 'NotFound', message: 'pods "ghost" not found' });
});

test('an unscheduled pod has an empty log and no host to exec in', async () => {
  const log = await request(`${POD}/floating/log`);
  assert.equal(log.code, 200);
  assert.equal(log.body, '');
  assert.deepEqual(await status(`${POD}/floating/exec?command=true&stdout=true`, WS), { code: 400, reason: 'BadRequest', message: 'pod floating does not have a host assigned' });
  assert.deepEqual(await status(`${POD}/floating/exec?command=true&stdout=true`), { code: 400, reason: 'BadRequest', message: 'pod floating does not have a host assigned' });
  assert.deepEqual(await status(`${POD}/duo/exec?command=true&stdout=true&container=a`), { code: 400, reason: 'BadRequest', message: 'Upgrade request required' });
});

test('a client offering only SPDY is told which protocol and kubectl version work', async () => {
  const spdy = await status(`${POD}/duo/exec?command=true&stdout=true&container=a`, { connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'v4.channel.k8s.io' });
  assert.equal(spdy.code, 400);
  assert.match(spdy.message, /^kubeql serves pods\/exec over WebSocket only .* use kubectl 1\.30 or newer/);
  const forward = await status(`${POD}/duo/portforward`, { connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'portforward.k8s.io' });
  assert.match(forward.message, /use kubectl 1\.31 or newer/);
  const anonymous = await new Promise<number>((resolve, reject) => {
    http.get(`${fx.api.url}${POD}/duo/exec?command=true&stdout=true&container=a`, { headers: WS }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
  });
  assert.equal(anonymous, 401);
});

test('logs are streamed as text/plain, and follow keeps the response open', async () => {
  const log = await request(`${POD}/duo/log?container=b&tailLines=1`);
  assert.equal(log.code, 200);
  assert.equal(log.type, 'text/plain');
  assert.match(log.body, /^simulated container b started: image busybox:1\.36/);
  // With follow the response stays open after the history (chunked), until the client leaves.
  const followed = await new Promise<{ ended: boolean; encoding: string | undefined; body: string }>((resolve, reject) => {
    const req = http.get(`${fx.api.url}${POD}/duo/log?container=b&follow=true`, { headers: { authorization: `Bearer ${fx.api.token}` } }, (res) => {
      let body = '';
      let ended = false;
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (ended = true));
      setTimeout(() => {
        resolve({ ended, encoding: res.headers['transfer-encoding'], body });
        req.destroy();
      }, 500);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
  assert.equal(followed.ended, false);
  assert.equal(followed.encoding, 'chunked');
  assert.match(followed.body, /container b started/);
});

test('@kubernetes/client-node Log, Exec and PortForward work unchanged', { timeout: 20_000 }, async () => {
  let logged = '';
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logged += chunk.toString(); cb(); } });
  // client-node pipes the body into the stream (its done callback is never called): the end of the log finishes the sink.
  const finished = new Promise((resolve) => sink.once('finish', resolve));
  await new k8s.Log(kc).log('default', 'duo', 'a', sink, { tailLines: 5 });
  await finished;
  assert.match(logged, /simulated container a started/);

  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exitStatus = await new Promise<k8s.V1Status>((resolve) => {
    void new k8s.Exec(kc).exec('default', 'duo', 'a', ['sh', '-c', 'exit 7'], new PassThrough(), null, null, false, resolve);
  });
  assert.equal(exitStatus.reason, 'NonZeroExitCode');
  assert.equal(exitStatus.details?.causes?.[0]?.message, '7');
  const ok = await new Promise<k8s.V1Status>((resolve) => {
    void new k8s.Exec(kc).exec('default', 'duo', 'b', ['echo', 'from client-node'], stdout, null, null, false, resolve);
  });
  assert.equal(ok.status, 'Success');
  await eventually('exec output', async () => (out === 'from client-node\n' ? true : undefined));

  const forwarded = new PassThrough();
  let echoed = '';
  forwarded.on('data', (c: Buffer) => (echoed += c.toString()));
  const input = new PassThrough();
  const socket = await new k8s.PortForward(kc).portForward('default', 'duo', [7000], forwarded, null, input);
  input.write('round trip');
  await eventually('port-forward echo', async () => (echoed === 'round trip' ? true : undefined));
  (typeof socket === 'function' ? socket() : socket)?.close();
});

test('a pod whose node agent is gone gets 503 naming the node', async () => {
  await agent.stop();
  const log = await status(`${POD}/duo/log?container=a`);
  assert.equal(log.code, 503);
  assert.equal(log.reason, 'ServiceUnavailable');
  assert.match(log.message, /^the node agent of node "ps-0" cannot be reached at 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  const exec = await status(`${POD}/duo/exec?command=true&stdout=true&container=a`, WS);
  assert.equal(exec.code, 503);
  assert.match(exec.message, /node "ps-0"/);
});
