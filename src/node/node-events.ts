// The events a kubelet records about its Node when it starts (Starting, the
// three pressure conditions, allocatable enforced, NodeReady), so that
// `kubectl describe node` shows them. Like kubelet, the event refers to the
// Node with its name as uid and lives in the default namespace; names end in
// the time in hex, as client-go's recorder names them, so they sort in order.
import type { ApiClient } from './api-client.js';
import { kubeletEvent } from './event-recorder.js';
import type { Logger } from '../log.js';
import type { KubeObject } from '../store/types.js';

const STARTUP: readonly { reason: string; message: (node: string) => string }[] = [
  { reason: 'Starting', message: () => 'Starting kubelet.' },
  { reason: 'NodeHasSufficientMemory', message: (node) => `Node ${node} status is now: NodeHasSufficientMemory` },
  { reason: 'NodeHasNoDiskPressure', message: (node) => `Node ${node} status is now: NodeHasNoDiskPressure` },
  { reason: 'NodeHasSufficientPID', message: (node) => `Node ${node} status is now: NodeHasSufficientPID` },
  { reason: 'NodeAllocatableEnforced', message: () => 'Updated Node Allocatable limit across pods' },
  { reason: 'NodeReady', message: (node) => `Node ${node} status is now: NodeReady` },
];

export function nodeStartupEvents(node: string, now: Date = new Date()): KubeObject[] {
  return STARTUP.map(({ reason, message }) => kubeletEvent(node, 'default', { kind: 'Node', name: node, uid: node }, { reason, message: message(node), type: 'Normal' }, now.getTime()));
}

/**
 * Writes a node's start-up events at once (one round trip of latency, not six:
 * their names keep the order); a failure is logged, never thrown, since
 * events never hold a kubelet up.
 */
export async function recordNodeStartup(client: ApiClient, node: string, log: Logger): Promise<void> {
  await Promise.all(
    nodeStartupEvents(node).map((event) => client.post('/api/v1/namespaces/default/events', event).catch((err: Error) => log.debug({ err: err.message, node }, 'node event not recorded'))),
  );
}
