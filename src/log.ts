import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** One logger per process; components take children with a `component` field. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { pid: process.pid } }, destination);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
