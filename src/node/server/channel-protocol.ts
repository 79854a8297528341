// The WebSocket channel protocol of exec and attach (v4.channel.k8s.io and
// v5.channel.k8s.io): every binary message starts with a channel byte.
//   0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status, then the end),
//   4 resize ({"Width":..,"Height":..}), 255 close (v5 only: [255, channel]
//   half-closes that channel, how a client says stdin has ended).
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ContainerStreams } from '../runtime.js';

export const CHANNEL_V5 = 'v5.channel.k8s.io';
export const CHANNEL_V4 = 'v4.channel.k8s.io';
/** Newest first: the server picks the first the client offers. */
export const EXEC_PROTOCOLS = [CHANNEL_V5, CHANNEL_V4] as const;

export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;
type ChannelNumber = (typeof Channel)[keyof typeof Channel];

export interface RequestedStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The metav1.Status kubelet writes on the error channel when a command ends. */
export function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A failure before or instead of an exit code (container not running, ...). */
export function failureStatus(message: string, code = 500): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: code === 400 ? 'BadRequest' : 'InternalError', code };
}

function channelWriter(ws: WebSocket, channel: ChannelNumber): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (ws.readyState !== ws.OPEN) return callback();
      ws.send(Buffer.concat([Buffer.of(channel), chunk]), { binary: true }, () => callback());
    },
  });
}

export interface ChannelSession {
  streams: ContainerStreams;
  /** Sends the final Status on the error channel and closes the connection. */
  finish(status: Record<string, unknown>): void;
}

/** Turns an accepted WebSocket into the streams a runtime reads and writes. */
export function channelSession(ws: WebSocket, protocol: string, requested: RequestedStreams): ChannelSession {
  const controller = new AbortController();
  const stdin = requested.stdin ? new PassThrough() : undefined;
  const resize = requested.tty ? new EventEmitter() : undefined;
  const stdout = requested.stdout ? channelWriter(ws, Channel.Stdout) : undefined;
  // With a TTY there is no separate stderr: the terminal merges it into stdout.
  const stderr = requested.stderr && !requested.tty ? channelWriter(ws, Channel.Stderr) : stdout;

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : Buffer.from(data);
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === Channel.Stdin && stdin !== undefined && !stdin.writableEnded) stdin.write(payload);
    else if (channel === Channel.Resize && resize !== undefined) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        resize.emit('resize', { width: size.Width ?? 0, height: size.Height ?? 0 });
      } catch {
        // A malformed resize is ignored, as kubelet does.
      }
    } else if (channel === Channel.Close && protocol === CHANNEL_V5 && payload[0] === Channel.Stdin) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    controller.abort();
  });

  let finished = false;
  return {
    streams: {
      ...(stdin ? { stdin } : {}),
      ...(stdout ? { stdout } : {}),
      ...(stderr ? { stderr } : {}),
      ...(resize ? { resize } : {}),
      tty: requested.tty,
      signal: controller.signal,
    },
    finish(status) {
      if (finished) return;
      finished = true;
      const send = (): void => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(Buffer.concat([Buffer.of(Channel.Error), Buffer.from(JSON.stringify(status))]), { binary: true }, () => ws.close(1000));
      };
      // Ending the writers and waiting for 'finish' lets every queued chunk reach ws.send before the status.
      const writers = [...new Set([stdout, stderr])].filter((w): w is Writable => w !== undefined);
      Promise.all(writers.map((w) => new Promise((resolve) => {
        if (w.writableFinished) return resolve(undefined);
        w.once('finish', resolve);
        w.once('error', resolve);
        w.end();
      }))).then(send, send);
    },
  };
}
