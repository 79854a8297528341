// Scheduled / FailedScheduling as core v1 Events, written through the
// ObjectService like any client's. A repeat of the same event for the same
// pod bumps count and lastTimestamp of the one already written (the client-go
// recorder's aggregation) instead of adding another object.

import type { Logger } from '../../log.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import type { Requester } from '../../objects/admission.js';
import type { KubeObject } from '../../store/types.js';
import type { Pod } from '../../kube/types.js';
import type { SchedulingEvent } from '../outcome.js';

const MAX_REMEMBERED = 4096;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EventRecorder {
  private readonly written = new Map<string, KubeObject>();
  private sequence = 0;

  constructor(
    private readonly objects: ObjectService,
    private readonly eventsRef: ResourceRef,
    private readonly requester: Requester,
    private readonly component: string,
    private readonly log: Logger,
  ) {}

  async record(pod: Pod, event: SchedulingEvent): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    const dedupe = `${pod.metadata.uid ?? ''}|${event.reason}|${event.note}`;
    const previous = this.written.get(dedupe);
    try {
      if (previous !== undefined) {
        const next = { ...previous, count: ((previous.count as number | undefined) ?? 1) + 1, lastTimestamp: now() };
        this.remember(dedupe, await this.objects.update(this.eventsRef, namespace, previous.metadata.name ?? '', next, { requester: this.requester }));
        return;
      }
    } catch {
      // Deleted or changed meanwhile (events expire): write a fresh one below.
    }
    const time = now();
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name ?? 'pod'}.${Date.now().toString(16)}${(this.sequence++ % 4096).toString(16).padStart(3, '0')}`, namespace },
      involvedObject: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion },
      reason: event.reason,
      message: event.note,
      type: event.type,
      action: event.action,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    try {
      this.remember(dedupe, await this.objects.create(this.eventsRef, namespace, body, { requester: this.requester }));
    } catch (err) {
      // Events are best effort, as in client-go: never fail scheduling for one.
      this.log.debug({ err, pod: `${namespace}/${pod.metadata.name ?? ''}` }, 'scheduling event not written');
    }
  }

  private remember(key: string, event: KubeObject): void {
    this.written.delete(key);
    this.written.set(key, event);
    if (this.written.size > MAX_REMEMBERED) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}
