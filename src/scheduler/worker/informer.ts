// A list-then-watch cache of one resource in one cluster, fed from the store's
// change log: the scheduler's view of nodes and pods. The watch resumes from
// the last version seen; when that version has been compacted away (410
// Expired) or the watch fell behind, it relists and reports what changed
// while it was away, so no change is ever lost, only coalesced.

import type { Logger } from '../../log.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import { ExpiredError } from '../../store/errors.js';
import type { KubeObject, Watch } from '../../store/types.js';

export interface InformerHandler {
  /** `previous` is the cached version (undefined for a new object). */
  upsert(object: KubeObject, previous: KubeObject | undefined): void;
  delete(object: KubeObject): void;
}

const RETRY_MS = 500;

export function objectCacheKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private watch: Watch | undefined;
  private stopped = false;
  private resourceVersion = '';
  private loop: Promise<void> | undefined;
  private resolveSynced!: () => void;
  /** Resolves after the first full list has been delivered. */
  readonly synced = new Promise<void>((resolve) => (this.resolveSynced = resolve));

  constructor(
    private readonly objects: ObjectService,
    private readonly ref: ResourceRef,
    private readonly handler: InformerHandler,
    private readonly log: Logger,
  ) {}

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === '') await this.relist();
        if (this.stopped) return;
        this.watch = await this.objects.watch(this.ref, '', { resourceVersion: this.resourceVersion });
        if (this.stopped) this.watch.close();
        for await (const event of this.watch) {
          const rv = event.object.metadata.resourceVersion;
          if (rv !== undefined) this.resourceVersion = rv;
          if (event.type === 'BOOKMARK') continue;
          if (event.type === 'DELETED') this.remove(event.object);
          else this.put(event.object);
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof ExpiredError) {
          this.resourceVersion = '';
          continue;
        }
        this.log.warn({ err, resource: this.ref.resource.resource }, 'scheduler watch failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Full list: upsert everything, delete what is gone, then watch from the list's version. */
  private async relist(): Promise<void> {
    const list = await this.objects.list(this.ref, '');
    const seen = new Set<string>();
    for (const object of list.items) {
      seen.add(objectCacheKey(object));
      const previous = this.cache.get(objectCacheKey(object));
      if (previous?.metadata.resourceVersion !== object.metadata.resourceVersion) this.put(object);
    }
    for (const [key, object] of this.cache) if (!seen.has(key)) this.remove(object);
    this.resourceVersion = list.resourceVersion;
    this.resolveSynced();
  }

  private put(object: KubeObject): void {
    const key = objectCacheKey(object);
    const previous = this.cache.get(key);
    this.cache.set(key, object);
    this.handler.upsert(object, previous);
  }

  private remove(object: KubeObject): void {
    this.cache.delete(objectCacheKey(object));
    this.handler.delete(object);
  }
}
