// Runs Engineer B's controllers without the BullMQ runtime: a harness that
// reads the cluster's change log, maps each change to keys through the
// controllers' real routes (ControllerRegistry.jobsFor) and reconciles them
// until nothing new happens. Real PostgreSQL, a fresh cluster per harness.
import pg from 'pg';
import { builtinRegistryFor } from '../../src/api/resources/registry.js';
import type { ControllerDefinition, EventRecorder, ReconcileResult } from '../../src/controllers/runtime/define.js';
import { silentLogger } from '../../src/log.js';
import type { AdmissionPlugin, Requester } from '../../src/objects/admission.js';
import { ObjectService, type ResourceRef } from '../../src/objects/service.js';
import { ControllerRegistry, type ReconcileKey } from '../../src/queue/index.js';
import { readChanges } from '../../src/store/changelog.js';
import { Store } from '../../src/store/index.js';
import type { KubeObject } from '../../src/store/types.js';
import { testDatabaseUrl, uniqueClusterName } from '../helpers/env.js';

export const ADMIN: Requester = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

export interface RecordedEvent {
  object: KubeObject;
  type: string;
  reason: string;
  message: string;
}

export class Harness {
  readonly store: Store;
  readonly objects: ObjectService;
  readonly pool: pg.Pool;
  readonly cluster: string;
  readonly events: RecordedEvent[] = [];
  readonly reconciles: { controller: string; key: ReconcileKey; result: ReconcileResult }[] = [];
  private readonly registry = new ControllerRegistry();
  private rv = 0;

  constructor(
    readonly controllers: readonly ControllerDefinition[],
    admission: (store: Store) => AdmissionPlugin[] = () => [],
    /** Defaults to a fresh cluster. */
    cluster: string = uniqueClusterName('ctl'),
  ) {
    this.cluster = cluster;
    this.store = new Store({ databaseUrl: testDatabaseUrl(), poolSize: 6 });
    this.objects = new ObjectService({ store: this.store, registryFor: builtinRegistryFor, admission: admission(this.store) });
    this.pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    for (const c of controllers) this.registry.register(c.route);
  }

  ref(group: string, version: string, resource: string): ResourceRef {
    return this.objects.resource(this.cluster, group, version, resource);
  }

  create(group: string, version: string, resource: string, namespace: string, body: KubeObject): Promise<KubeObject> {
    return this.objects.create(this.ref(group, version, resource), namespace, body, { requester: ADMIN });
  }

  get(group: string, version: string, resource: string, namespace: string, name: string): Promise<KubeObject | null> {
    const ref = this.ref(group, version, resource);
    return this.store.get(this.objects.key(ref, namespace, name));
  }

  async list(group: string, version: string, resource: string, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const ref = this.ref(group, version, resource);
    return (await this.objects.list(ref, namespace, labelSelector !== undefined ? { labelSelector } : {})).items;
  }

  /** Reconciles one key with one controller, as the runtime would. */
  async reconcile(controllerName: string, key: Omit<ReconcileKey, 'cluster'>): Promise<ReconcileResult> {
    const controller = this.controllers.find((c) => c.name === controllerName);
    if (controller === undefined) throw new Error(`no controller ${controllerName}`);
    const full: ReconcileKey = { cluster: this.cluster, ...key };
    const events: EventRecorder = {
      record: async (object, type, reason, message) => {
        this.events.push({ object, type, reason, message });
      },
    };
    const result = await controller.reconcile({
      objects: this.objects,
      store: this.store,
      key: full,
      log: silentLogger(),
      signal: new AbortController().signal,
      events,
      now: () => new Date(),
    });
    this.reconciles.push({ controller: controllerName, key: full, result });
    return result;
  }

  /**
   * Feeds every change since the last call through the routes and reconciles
   * the keys, repeating until a pass produces no new change (or `maxPasses`).
   * Keys that asked for a requeue are reconciled again on the next pass.
   */
  async settle(maxPasses = 20): Promise<void> {
    let pending = new Map<string, { controller: string; key: ReconcileKey }>();
    for (let pass = 0; pass < maxPasses; pass++) {
      const { changes } = await readChanges(this.pool, this.cluster, this.rv, 100_000);
      for (const change of changes) {
        this.rv = change.rv;
        for (const job of this.registry.jobsFor(change)) pending.set(JSON.stringify(job), job);
      }
      if (pending.size === 0) return;
      const jobs = [...pending.values()];
      pending = new Map();
      for (const job of jobs) {
        const result = await this.reconcile(job.controller, { namespace: job.key.namespace, name: job.key.name });
        if (result.kind === 'requeueAfter') pending.set(JSON.stringify(job), job);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.store.close();
  }
}
