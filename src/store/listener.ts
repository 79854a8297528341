// One dedicated connection per consumer that LISTENs for change wake-ups.
// Notifications only say "look at cluster X"; after any reconnect the consumer
// is told to re-read everything from its cursors, since notifications sent
// while disconnected are gone.

import pg from 'pg';
import type { Logger } from '../log.js';
import { CHANGES_CHANNEL, clustersInPayload, type ClusterWakeup } from './notifier.js';

export interface ChangeListenerOptions {
  databaseUrl: string;
  log: Logger;
  /** The clusters a wake-up names, with the version each had reached. */
  onClusters: (clusters: ClusterWakeup[]) => void;
  /** The connection was (re)established: anything may have been missed. */
  onConnected: () => void;
  /** First reconnect delay; doubles up to 5 s. @defaultValue 100 */
  retryMs?: number;
  /** application_name of the connection, to find it in pg_stat_activity. @defaultValue 'kubeql-listener' */
  applicationName?: string;
}

export class ChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private readonly ready: Promise<void>;

  constructor(private readonly options: ChangeListenerOptions) {
    this.delay = options.retryMs ?? 100;
    this.ready = this.connect();
  }

  /** Resolves once the first LISTEN is in place (or failed; it then retries in the background). */
  started(): Promise<void> {
    return this.ready;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName ?? 'kubeql-listener' });
    client.on('notification', (msg) => {
      if (msg.channel === CHANGES_CHANNEL) this.options.onClusters(clustersInPayload(msg.payload));
    });
    client.on('error', (err) => {
      this.options.log.warn({ err }, 'change listener connection failed; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.delay = this.options.retryMs ?? 100;
      this.options.onConnected();
    } catch (err) {
      this.options.log.warn({ err }, 'change listener could not connect; retrying');
      this.reconnect(client);
    }
  }

  private reconnect(failed: pg.Client): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    if (this.client !== undefined && this.client !== failed) return;
    this.client = undefined;
    failed.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, 5000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.end().catch(() => undefined);
  }
}
