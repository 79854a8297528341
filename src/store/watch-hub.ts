import type pg from 'pg';
import type { Logger } from '../log.js';
import type { CollectionKey, ListOptions, ObjectList, Watch, WatchOptions } from './types.js';

export interface WatchHubOptions {
  bufferSize?: number;
}

export class WatchHub {
  constructor(private readonly options: WatchHubOptions & { pool: pg.Pool; databaseUrl: string; log: Logger }) {}
  wake(_cluster: string): void {}
  watch(_c: CollectionKey, _o: WatchOptions, _list: (c: CollectionKey, o: ListOptions) => Promise<ObjectList>): Promise<Watch> {
    return Promise.reject(new Error('watch is not implemented yet'));
  }
  async close(): Promise<void> {}
}
