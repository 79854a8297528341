// The coordination.k8s.io Leases kube-scheduler and kube-controller-manager
// hold in kube-system for leader election. kubeql's workers serve every
// cluster, so a worker holds its component's Lease in each cluster it serves;
// componentstatuses reads them as the components' health. Like client-go's
// leader election, a replica takes a Lease only when it is free or expired
// and otherwise stands by; that is not fencing (every write still carries a
// resourceVersion), only a record of who is alive and leading.
import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Logger } from '../log.js';
import type { ObjectService } from '../objects/service.js';
import type { KubeObject } from '../store/types.js';
import type { Lifecycle } from './lifecycle.js';

export type ComponentLeaseName = 'kube-scheduler' | 'kube-controller-manager';

export const LEASE_NAMESPACE = 'kube-system';

export interface ComponentLeaseOptions {
  objects: ObjectService;
  name: ComponentLeaseName;
  /** The clusters whose Lease this process holds, asked again every round. */
  clusters: () => Promise<readonly string[]>;
  /** holderIdentity. @defaultValue `<hostname>_<random uuid>`, as client-go's */
  identity?: string;
  /** @defaultValue 15 (kube-scheduler's and kube-controller-manager's --leader-elect-lease-duration) */
  leaseDurationSeconds?: number;
  /** @defaultValue 5000 */
  renewIntervalMs?: number;
  log?: Logger;
}

export interface ComponentLease {
  readonly identity: string;
  /** Renews once in every cluster now (tests and start-up use it; the timer does the rest). */
  renewNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Clusters that exist: the tenants table. One connection, opened per call: this runs every few seconds at most. */
export function registeredClusters(databaseUrl: string): () => Promise<readonly string[]> {
  return async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ name: string }>('SELECT name FROM clusters ORDER BY name');
      return result.rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  };
}

/** metav1.MicroTime. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Whether a Lease's holder renewed it within its duration. */
export function leaseHeld(lease: KubeObject, now = Date.now()): boolean {
  const spec = (lease.spec ?? {}) as LeaseSpec;
  if (!spec.holderIdentity || spec.renewTime === undefined) return false;
  const renewed = Date.parse(spec.renewTime);
  return Number.isFinite(renewed) && renewed + (spec.leaseDurationSeconds ?? 0) * 1000 > now;
}

const BATCH = 16;

export function startComponentLease(options: ComponentLeaseOptions): ComponentLease {
  const identity = options.identity ?? `${os.hostname()}_${crypto.randomUUID()}`;
  const duration = options.leaseDurationSeconds ?? 15;
  const interval = options.renewIntervalMs ?? 5000;
  const requester = { requester: { username: `system:${options.name}`, groups: ['system:authenticated'] } };
  const { objects, name } = options;

  async function renewIn(cluster: string): Promise<void> {
    const ref = objects.resource(cluster, 'coordination.k8s.io', 'v1', 'leases');
    const now = microTime(new Date());
    let lease: KubeObject | null;
    try {
      lease = await objects.get(ref, LEASE_NAMESPACE, name);
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      lease = null;
    }
    if (lease === null) {
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: duration, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      await objects.create(ref, LEASE_NAMESPACE, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: LEASE_NAMESPACE }, spec }, requester);
      return;
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    let next: LeaseSpec;
    if (spec.holderIdentity === identity) next = { ...spec, leaseDurationSeconds: duration, renewTime: now };
    else if (!leaseHeld(lease)) next = { ...spec, holderIdentity: identity, leaseDurationSeconds: duration, acquireTime: now, renewTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    else return; // another replica leads; stand by
    await objects.update(ref, LEASE_NAMESPACE, name, { ...lease, spec: next }, requester);
  }

  async function renewNow(): Promise<void> {
    const clusters = await options.clusters();
    for (let i = 0; i < clusters.length; i += BATCH) {
      await Promise.all(
        clusters.slice(i, i + BATCH).map((cluster) =>
          renewIn(cluster).catch((err: unknown) => {
            // A racing replica (Conflict, AlreadyExists) or a passing outage: the next round tries again.
            options.log?.debug({ err, cluster, lease: name }, 'component lease not renewed');
          }),
        ),
      );
    }
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = renewNow()
        .catch((err: unknown) => options.log?.warn({ err, lease: name }, 'component lease round failed'))
        .finally(schedule);
    }, interval);
    timer.unref();
  };
  round = renewNow()
    .catch((err: unknown) => options.log?.warn({ err, lease: name }, 'component lease round failed'))
    .finally(schedule);

  return {
    identity,
    renewNow,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await round;
    },
  };
}

/** Starts the component's Lease in every registered cluster and stops it when the process drains: the workers' one line. */
export function holdComponentLease(lifecycle: Lifecycle, options: { objects: ObjectService; name: ComponentLeaseName; databaseUrl: string; log?: Logger }): ComponentLease {
  const lease = startComponentLease({ objects: options.objects, name: options.name, clusters: registeredClusters(options.databaseUrl), ...(options.log ? { log: options.log } : {}) });
  lifecycle.add(`${options.name} lease`, () => lease.stop());
  return lease;
}
