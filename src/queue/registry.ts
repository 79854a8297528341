// Which controllers care about which changes. Each controller declares the
// resource it reconciles, the resources it owns (a change to an owned object
// maps to its controller owner's key) and any other resources it watches with
// its own mapping. The dispatcher and the resync read this; the controller
// runtime registers each controller here.

import type { LoggedChange } from '../store/changelog.js';
import type { KubeObject, OwnerReference } from '../store/types.js';
import { queueName, type ReconcileKey } from './keys.js';

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  /** Plural, as in REST paths: 'replicasets'. */
  resource: string;
}

/** A change as controllers see it (one change-log row). */
export type ObjectChange = LoggedChange;

export interface WatchedResource extends ResourceRef {
  /** The keys (of the controller's own resource) a change to this resource must reconcile. */
  map: (change: ObjectChange) => ReconcileKey[];
}

/** What the queue side needs to know about one controller. */
export interface ControllerRoute {
  /** Queue name, metric label, log field: lower-case letters, digits and '-'. */
  name: string;
  /** The reconciled resource; its Kind is matched against ownerReferences. */
  for: ResourceRef & { kind: string };
  /** Owned resources: a change maps to the key of its controller owner when that owner is a `for`. */
  owns?: ResourceRef[];
  /** Other resources and how their changes map to keys. */
  watches?: WatchedResource[];
  /**
   * Only objects of the `for` resource that match are enqueued, by changes
   * and by the resync (for queues of a subset, e.g. the scheduler's pending
   * pods). Both forms must say the same thing. @defaultValue every object
   */
  only?: ObjectFilter;
}

/** A subset of objects, as a predicate and as the same condition in SQL. */
export interface ObjectFilter {
  /** Whether the object (after the change; its last state for a delete) belongs to the subset. */
  matches(object: KubeObject): boolean;
  /** A boolean SQL condition on the objects table's `object` column; written by code, never from input. */
  sqlWhere: string;
}

/** The group part of an ownerReference's apiVersion ('apps/v1' -> 'apps', 'v1' -> ''). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The controller owner (ownerReferences[].controller) of an object, if it is of the given group and kind. */
export function controllerOwner(object: KubeObject | null, group: string, kind: string): OwnerReference | undefined {
  const refs = object?.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((ref) => ref.controller === true && ref.kind === kind && groupOf(ref.apiVersion ?? '') === group);
}

/**
 * Keys of the controller owners of a change's object, before and after the
 * change (an object that changed owner concerns both owners).
 */
export function ownerKeys(change: ObjectChange, owner: ResourceRef & { kind: string }): ReconcileKey[] {
  const keys: ReconcileKey[] = [];
  for (const object of [change.prev, change.object]) {
    const ref = controllerOwner(object, owner.group, owner.kind);
    // Owners are in the object's own namespace (or cluster-scoped).
    if (ref !== undefined) keys.push({ cluster: change.cluster, namespace: change.namespace, name: ref.name });
  }
  return keys;
}

const sameResource = (a: ResourceRef, b: ResourceRef): boolean => a.group === b.group && a.resource === b.resource;

export class ControllerRegistry {
  private readonly routes = new Map<string, ControllerRoute>();

  /** Adds a controller; names are unique. Returns the route for chaining in definitions. */
  register(route: ControllerRoute): ControllerRoute {
    queueName(route.name);
    if (this.routes.has(route.name)) throw new Error(`controller ${route.name} is registered twice`);
    this.routes.set(route.name, route);
    return route;
  }

  all(): ControllerRoute[] {
    return [...this.routes.values()];
  }

  get(name: string): ControllerRoute | undefined {
    return this.routes.get(name);
  }

  /** Every (controller, key) a change must reconcile, without duplicates. */
  jobsFor(change: ObjectChange): { controller: string; key: ReconcileKey }[] {
    const jobs = new Map<string, { controller: string; key: ReconcileKey }>();
    const add = (controller: string, key: ReconcileKey): void => {
      if (key.cluster !== change.cluster) return; // nothing crosses a cluster boundary
      jobs.set(JSON.stringify([controller, key.namespace, key.name]), { controller, key });
    };
    const changed: ResourceRef = { group: change.group, resource: change.resource };
    for (const route of this.routes.values()) {
      if (sameResource(route.for, changed) && (route.only === undefined || route.only.matches(change.object))) {
        add(route.name, { cluster: change.cluster, namespace: change.namespace, name: change.name });
      }
      for (const owned of route.owns ?? []) {
        if (sameResource(owned, changed)) for (const key of ownerKeys(change, route.for)) add(route.name, key);
      }
      for (const watched of route.watches ?? []) {
        if (sameResource(watched, changed)) for (const key of watched.map(change)) add(route.name, key);
      }
    }
    return [...jobs.values()];
  }
}
