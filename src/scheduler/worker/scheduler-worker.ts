// The scheduler process's engine: one ClusterScheduler (snapshot, queue,
// watches) per cluster. Clusters are added explicitly, or found by polling a
// lister (e.g. every cluster with objects in the store) so a new tenant's pods
// get scheduled without a restart.

import type { Logger } from '../../log.js';
import type { ObjectService } from '../../objects/service.js';
import { ClusterScheduler, type ClusterSchedulerOptions } from './cluster-scheduler.js';

export interface SchedulerWorkerOptions extends Omit<ClusterSchedulerOptions, 'cluster'> {
  objects: ObjectService;
  log: Logger;
  /** Lists the clusters to schedule; polled every discoveryIntervalMs. Absent: only addCluster(). */
  listClusters?: () => Promise<readonly string[]>;
  /** @defaultValue 5000 */
  discoveryIntervalMs?: number;
}

/** Lists every cluster that has written an object (its change-log counter row). */
export function clustersWithObjects(query: (sql: string) => Promise<{ cluster: string }[]>): () => Promise<string[]> {
  return async () => (await query('SELECT cluster FROM cluster_revisions ORDER BY cluster')).map((r) => r.cluster);
}

export class SchedulerWorker {
  private readonly clusters = new Map<string, ClusterScheduler>();
  private readonly log: Logger;
  private discovery: NodeJS.Timeout | undefined;
  private discovering: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerWorkerOptions) {
    this.log = options.log.child({ component: 'scheduler-worker' });
  }

  /** Starts scheduling `cluster` (idempotent) and returns its scheduler. */
  addCluster(cluster: string): ClusterScheduler {
    let scheduler = this.clusters.get(cluster);
    if (scheduler === undefined) {
      const { listClusters: _l, discoveryIntervalMs: _d, ...rest } = this.options;
      scheduler = new ClusterScheduler({ ...rest, cluster });
      this.clusters.set(cluster, scheduler);
      scheduler.start();
      this.log.info({ cluster }, 'scheduling cluster');
    }
    return scheduler;
  }

  cluster(name: string): ClusterScheduler | undefined {
    return this.clusters.get(name);
  }

  start(): void {
    const list = this.options.listClusters;
    if (list === undefined || this.discovery !== undefined) return;
    const poll = (): void => {
      if (this.discovering !== undefined || this.stopped) return;
      this.discovering = list()
        .then((names) => {
          if (!this.stopped) for (const name of names) this.addCluster(name);
        })
        .catch((err: unknown) => this.log.warn({ err }, 'listing clusters failed'))
        .finally(() => (this.discovering = undefined));
    };
    poll();
    this.discovery = setInterval(poll, this.options.discoveryIntervalMs ?? 5_000);
  }

  /** Drains every cluster's scheduler: no new cycles, binds in flight finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.discovery) clearInterval(this.discovery);
    await this.discovering;
    await Promise.all([...this.clusters.values()].map((s) => s.stop()));
  }
}
