// Pod events (Pulling, Pulled, Created, Started, Killing) written as core/v1
// Events. Like kubelet's recorder (eventRecordQPS 50, burst 100) it is rate
// limited and drops what exceeds the budget, so events never hold up pods;
// while the agent is behind on pod status it drops them too, so that the
// API's write capacity goes to status first.
import { eventName } from '../kube/event-name.js';
import type { ApiClient } from './api-client.js';
import type { RuntimeEvent } from './runtime.js';
import type { Logger } from '../log.js';
import type { KubeObject } from '../store/types.js';

export interface EventRecorderOptions {
  client: ApiClient;
  log: Logger;
  /** Events per second. @defaultValue 50 */
  qps?: number;
  /** @defaultValue 100 */
  burst?: number;
  /** True while events should be dropped (the agent is behind on pod status). @defaultValue never */
  overloaded?: () => boolean;
}

export class EventRecorder {
  private tokens: number;
  private last = Date.now();
  private readonly qps: number;
  private readonly burst: number;
  private readonly inflight = new Set<Promise<void>>();
  /** Dropped by the rate limit, and (also counted in dropped) because the agent was overloaded. */
  dropped = 0;
  droppedOverloaded = 0;
  sent = 0;

  constructor(private readonly options: EventRecorderOptions) {
    this.qps = options.qps ?? 50;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
  }

  record(pod: KubeObject, node: string, event: RuntimeEvent): void {
    if (this.options.overloaded?.() === true) {
      this.dropped += 1;
      this.droppedOverloaded += 1;
      return;
    }
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) {
      this.dropped += 1;
      return;
    }
    this.tokens -= 1;
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const involved = { kind: 'Pod', namespace, name, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}), apiVersion: 'v1', fieldPath: event.fieldPath };
    const body = kubeletEvent(node, namespace, involved, event, now);
    const write = this.options.client
      .post(`/api/v1/namespaces/${namespace}/events`, body)
      .then(() => void (this.sent += 1))
      .catch((err: Error) => this.options.log.debug({ err: err.message, pod: `${namespace}/${name}` }, 'event not recorded'))
      .finally(() => this.inflight.delete(write));
    this.inflight.add(write);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }
}

/**
 * An Event as kubelet writes it (source and reporting component kubelet, the
 * node as host and instance, a time-ordered name), about a pod or the node itself.
 */
export function kubeletEvent(
  node: string,
  namespace: string,
  involvedObject: Record<string, unknown> & { name: string },
  event: { reason: string; message: string; type: string },
  nowMs: number,
): KubeObject {
  const time = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(involvedObject.name, nowMs), namespace },
    involvedObject,
    reason: event.reason,
    message: event.message,
    source: { component: 'kubelet', host: node },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    type: event.type,
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: node,
  };
}
