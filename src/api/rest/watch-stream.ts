import type { ServerResponse } from 'node:http';
import type { Watch, WatchEvent } from '../../store/types.js';
import { toApiError } from '../errors.js';

export interface WatchStreamOptions {
  /** Ends the stream after this long, as `timeoutSeconds` asks. */
  timeoutMs: number;
  /** Turns a store event's object into what the client asked for (object, Table row, ...). */
  render: (event: WatchEvent) => unknown;
  contentType: string;
  /** Logged when the watch ends for a reason other than the client or the timeout. */
  onError?: (err: unknown) => void;
}

/** Resolves when the response can take more, or is gone; leaves no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Serves a watch as Kubernetes does: a chunked response of one JSON event per
 * line. A store error (410 Expired when the watch fell behind or started too
 * far back) becomes a final ERROR event carrying a Status, which clients
 * answer by re-listing.
 */
export async function streamWatch(res: ServerResponse, watch: Watch, options: WatchStreamOptions): Promise<void> {
  res.writeHead(200, { 'Content-Type': options.contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const timer = setTimeout(() => watch.close(), options.timeoutMs);
  const onClose = (): void => watch.close();
  res.on('close', onClose);
  try {
    for await (const event of watch) {
      if (res.destroyed) break;
      const line = `${JSON.stringify({ type: event.type, object: options.render(event) })}\n`;
      // Backpressure: a slow client stops being read from rather than buffering without bound.
      if (!res.write(line)) await drained(res);
    }
  } catch (err) {
    const apiError = toApiError(err);
    if (apiError.code >= 500) options.onError?.(err);
    if (!res.destroyed) res.write(`${JSON.stringify({ type: 'ERROR', object: apiError.toStatus() })}\n`);
  } finally {
    clearTimeout(timer);
    res.off('close', onClose);
    watch.close();
    if (!res.destroyed) res.end();
  }
}
