// The contract between a controller and the controller runtime. A controller
// is one module exporting `defineController({ name, route, reconcile })`: an
// idempotent, level-triggered reconcile of one key plus the route saying which
// changes map to which keys. The runtime (worker.ts) owns queues, retries
// with capped backoff, timeouts, metrics and the one-worker-per-key rule.

import type { Logger } from '../../log.js';
import type { ObjectService } from '../../objects/service.js';
import type { ReconcileKey } from '../../queue/keys.js';
import type { ControllerRoute } from '../../queue/registry.js';
import type { Store } from '../../store/store.js';
import type { KubeObject } from '../../store/types.js';
import type { EventRecorder } from '../../objects/event-recorder.js';

/** Records core/v1 Events about an object; repeats are aggregated (count, lastTimestamp). */
export type { EventRecorder };

/** What one reconcile gets. `key` is of the controller's own (`route.for`) resource. */
export interface ReconcileContext {
  objects: ObjectService;
  store: Store;
  key: ReconcileKey;
  log: Logger;
  /** Aborted when the reconcile times out or the worker shuts down. */
  signal: AbortSignal;
  events: EventRecorder;
  now(): Date;
}

export type ReconcileResult = { kind: 'done' } | { kind: 'requeueAfter'; ms: number };

export interface ControllerDefinition {
  name: string;
  route: ControllerRoute;
  /** Reconciles run at once by one process for this controller. @defaultValue 8 */
  concurrency?: number;
  reconcile(ctx: ReconcileContext): Promise<ReconcileResult>;
}

/** Checks a definition (route name = controller name) and returns it. */
export function defineController(def: ControllerDefinition): ControllerDefinition {
  if (def.route.name !== def.name) throw new Error(`controller ${def.name}: route.name is ${def.route.name}`);
  return def;
}

export const done = (): ReconcileResult => ({ kind: 'done' });

export const requeueAfter = (ms: number): ReconcileResult => ({ kind: 'requeueAfter', ms: Math.max(0, Math.round(ms)) });

/**
 * A failure that retrying cannot fix until someone edits the object: the
 * runtime logs it and records a Warning Event on the object, and does not retry.
 */
export class TerminalError extends Error {
  constructor(
    message: string,
    /** The Event reason recorded on the object. */
    readonly reason = 'ReconcileError',
    /** The object the Event is about, when the controller has it. */
    readonly object?: KubeObject,
  ) {
    super(message);
    this.name = 'TerminalError';
  }
}

/** Throws a TerminalError (STYLE.md's `terminal(err)`). */
export function terminal(err: unknown, object?: KubeObject, reason?: string): never {
  throw new TerminalError(err instanceof Error ? err.message : String(err), reason, object);
}
