import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventRecorder } from '../../src/node/event-recorder.js';
import { silentLogger } from '../../src/log.js';
import type { KubeObject } from '../../src/store/types.js';
import { agentFixture, eventually, type AgentFixture } from './helpers.js';

let fx: AgentFixture;
before(async () => {
  fx = await agentFixture();
});
after(async () => fx.stop());

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'noisy', namespace: 'default', uid: '11111111-2222-3333-4444-555555555555' } };

async function eventMessages(): Promise<string[]> {
  const list = await fx.admin.list('/api/v1/namespaces/default/events', { fieldSelector: 'involvedObject.name=noisy' });
  return list.items.map((e) => String((e as { message?: string }).message)).sort();
}

test('while the agent is behind on pod status its events are dropped (counted), and recorded again once it caught up', async () => {
  let overloaded = true;
  const recorder = new EventRecorder({ client: fx.admin, log: silentLogger(), overloaded: () => overloaded });
  recorder.record(pod, 'n-0', { reason: 'Pulling', type: 'Normal', message: 'dropped while overloaded', fieldPath: 'spec.containers{app}' });
  overloaded = false;
  recorder.record(pod, 'n-0', { reason: 'Pulled', type: 'Normal', message: 'recorded', fieldPath: 'spec.containers{app}' });
  await recorder.flush();
  assert.equal(recorder.droppedOverloaded, 1);
  assert.equal(recorder.dropped, 1);
  assert.equal(recorder.sent, 1);
  assert.deepEqual(await eventually('the recorded event', async () => ((await eventMessages()).length > 0 ? eventMessages() : undefined)), ['recorded']);
});
