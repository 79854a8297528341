// Putting reconcile keys on controllers' queues. One queued job per
// (controller, key): later adds while it waits are absorbed; an add while it
// runs is kept and queued again when the run finishes (BullMQ deduplication
// with keepLastIfActive), so a change during a reconcile is never lost.

import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { DEFAULT_QUEUE_PREFIX, queueName, reconcileJobId, type ReconcileKey } from './keys.js';

/** The job options every reconcile job gets. */
export function reconcileJobOptions(controller: string, key: ReconcileKey): JobsOptions {
  return {
    // BullMQ re-creates a job added during a run under the incoming job's id,
    // so the identity lives in the deduplication id and job ids are BullMQ's own.
    deduplication: { id: reconcileJobId(controller, key), keepLastIfActive: true },
    removeOnComplete: true,
    removeOnFail: 1000,
  };
}

/** Reconcile jobs carry only the key (ARCHITECTURE.md invariant 4). */
export type ReconcileJobData = ReconcileKey;

export interface ReconcileQueuesOptions {
  connection: ConnectionOptions;
  /** @defaultValue 'kubeql' */
  prefix?: string;
}

/** The queues of all controllers, opened on first use. */
export class ReconcileQueues {
  private readonly queues = new Map<string, Queue<ReconcileJobData>>();

  constructor(private readonly options: ReconcileQueuesOptions) {}

  queue(controller: string): Queue<ReconcileJobData> {
    let queue = this.queues.get(controller);
    if (queue === undefined) {
      queue = new Queue<ReconcileJobData>(queueName(controller), { connection: this.options.connection, prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX });
      this.queues.set(controller, queue);
    }
    return queue;
  }

  /** Enqueues one key for one controller. Resolves once Redis has the job. */
  async enqueue(controller: string, key: ReconcileKey): Promise<void> {
    await this.queue(controller).add(controller, { cluster: key.cluster, namespace: key.namespace, name: key.name }, reconcileJobOptions(controller, key));
  }

  /** Enqueues many (controller, key) pairs, one round of bulk adds per controller. */
  async enqueueAll(jobs: { controller: string; key: ReconcileKey }[]): Promise<void> {
    const byController = new Map<string, ReconcileKey[]>();
    for (const job of jobs) {
      const keys = byController.get(job.controller) ?? [];
      keys.push(job.key);
      byController.set(job.controller, keys);
    }
    await Promise.all(
      [...byController].map(([controller, keys]) =>
        this.queue(controller).addBulk(
          keys.map((key) => ({ name: controller, data: { cluster: key.cluster, namespace: key.namespace, name: key.name }, opts: reconcileJobOptions(controller, key) })),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
