// The scheduler process's engine: one ClusterScheduler (snapshot, queue,
// informers) per cluster, fed by the scheduler's BullMQ queue. A job for a
// cluster not seen before starts that cluster's scheduler, so a new tenant's
// pods get scheduled without a restart; clusters may also be added explicitly.
// Binds take a per-node PostgreSQL advisory lock shared with every other
// scheduler process, so replicas cannot overcommit a node between them.

import type { Logger } from '../../log.js';
import type { ObjectService } from '../../objects/service.js';
import type { ReconcileKey } from '../../queue/index.js';
import { PgNodeBindLock } from '../../objects/node-bind-lock.js';
import { DEFAULT_SCHEDULER_NAME } from '../outcome.js';
import { ClusterScheduler, type ClusterSchedulerOptions } from './cluster-scheduler.js';
import { PendingPodFeed, type PendingPodFeedOptions } from './pending-pod-feed.js';

export interface SchedulerWorkerOptions extends Omit<ClusterSchedulerOptions, 'cluster'> {
  objects: ObjectService;
  log: Logger;
  /** The queue and its dispatcher (onPod, log and schedulerName come from here). */
  feed: Omit<PendingPodFeedOptions, 'onPod' | 'log' | 'schedulerName'>;
}

export class SchedulerWorker {
  private readonly clusters = new Map<string, ClusterScheduler>();
  private readonly log: Logger;
  private readonly feed: PendingPodFeed;
  private readonly bindLock: PgNodeBindLock;
  private stopped = false;

  constructor(private readonly options: SchedulerWorkerOptions) {
    this.log = options.log.child({ component: 'scheduler-worker' });
    this.bindLock = new PgNodeBindLock({ databaseUrl: options.feed.databaseUrl, log: this.log });
    this.feed = new PendingPodFeed({
      ...options.feed,
      log: this.log,
      schedulerName: options.schedulerName ?? DEFAULT_SCHEDULER_NAME,
      onPod: (key) => this.onPod(key),
    });
  }

  /** Starts scheduling `cluster` (idempotent) and returns its scheduler. */
  addCluster(cluster: string): ClusterScheduler {
    let scheduler = this.clusters.get(cluster);
    if (scheduler === undefined) {
      const { feed: _feed, ...rest } = this.options;
      scheduler = new ClusterScheduler({ bindLock: this.bindLock, ...rest, cluster });
      this.clusters.set(cluster, scheduler);
      scheduler.start();
      this.log.info({ cluster }, 'scheduling cluster');
    }
    return scheduler;
  }

  cluster(name: string): ClusterScheduler | undefined {
    return this.clusters.get(name);
  }

  /** Starts consuming the queue; resolves after the dispatcher's first resync was enqueued. */
  async start(): Promise<void> {
    await this.feed.start();
  }

  private async onPod(key: ReconcileKey): Promise<void> {
    if (this.stopped) return;
    await this.addCluster(key.cluster).podMayNeedScheduling(key.namespace, key.name);
  }

  /** Drains: stops the feed, then every cluster's scheduler (binds in flight finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.feed.stop();
    await Promise.all([...this.clusters.values()].map((s) => s.stop()));
    await this.bindLock.close();
  }
}
