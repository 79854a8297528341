// What a simulated container "printed". Nothing is stored per pod: the lines
// are a pure function of the container's spec, annotations and the start and
// finish times in its status (a command the simulated shell knows prints its
// own output; any other container prints start and "running" lines), so a thousand idle pods cost no timers and an
// agent restart reproduces the same log. Only a follower holds a timer.
import { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import type { CommandPlan } from './simulated-shell.js';
import { RuntimeStreamError, type ContainerLogOptions, type ContainerState, type ContainerStatus, type PodObject } from '../runtime.js';

export const LOG_ANNOTATIONS = {
  /** Extra lines (newline-separated) a container prints right after its start line. */
  lines: 'kubeql.io/log-lines',
  /** Seconds between the "running" lines a container prints. 0 turns them off. @defaultValue 10 */
  intervalSeconds: 'kubeql.io/log-interval-seconds',
} as const;

/** The bounded buffer: only the newest lines of an instance exist (as a runtime's log rotation keeps). */
export const MAX_LOG_LINES = 1000;
const DEFAULT_INTERVAL_SECONDS = 10;
/** How often a follower re-reads the status for a stop it has not been told about. */
const FOLLOW_POLL_MS = 1000;

export interface LogLine {
  /** Increasing per instance; a follower resumes after the last it sent. */
  seq: number;
  timeMs: number;
  text: string;
}

interface ContainerSpec {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
}

/** One run of a container: from its start to its finish (undefined while it runs). */
interface Instance {
  startedMs: number;
  finishedMs: number | undefined;
  exitCode: number | undefined;
}

function instanceOf(state: ContainerState | Record<string, never> | undefined): Instance | undefined {
  if (state === undefined) return undefined;
  if ('running' in state) return { startedMs: Date.parse(state.running.startedAt), finishedMs: undefined, exitCode: undefined };
  if ('terminated' in state) return { startedMs: Date.parse(state.terminated.startedAt), finishedMs: Date.parse(state.terminated.finishedAt), exitCode: state.terminated.exitCode };
  return undefined;
}

function specOf(pod: PodObject, container: string): ContainerSpec | undefined {
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) => c.name === container);
}

function intervalMs(pod: PodObject): number {
  const raw = pod.metadata.annotations?.[LOG_ANNOTATIONS.intervalSeconds];
  const seconds = raw === undefined ? DEFAULT_INTERVAL_SECONDS : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(1, seconds) * 1000 : 0;
}

/** Every line an instance has printed up to `nowMs`, at most MAX_LOG_LINES (the newest). */
export function instanceLines(pod: PodObject, spec: ContainerSpec, instance: Instance, nowMs: number, plan?: CommandPlan): LogLine[] {
  if (plan !== undefined) return programLines(pod, plan, instance, nowMs);
  const command = [...(spec.command ?? []), ...(spec.args ?? [])];
  const lines: LogLine[] = [
    { seq: 0, timeMs: instance.startedMs, text: `simulated container ${spec.name ?? ''} started: image ${spec.image ?? ''}, command ${command.length > 0 ? JSON.stringify(command) : '(image default)'}` },
  ];
  const extra = pod.metadata.annotations?.[LOG_ANNOTATIONS.lines];
  for (const text of extra === undefined || extra === '' ? [] : extra.replace(/\n$/, '').split('\n')) {
    lines.push({ seq: lines.length, timeMs: instance.startedMs, text });
  }
  const header = lines.length;
  const end = Math.min(instance.finishedMs ?? nowMs, nowMs);
  const every = intervalMs(pod);
  if (every > 0 && end > instance.startedMs) {
    const last = Math.floor((end - instance.startedMs) / every);
    for (let k = Math.max(1, last - MAX_LOG_LINES + 1); k <= last; k++) {
      lines.push({ seq: header + k, timeMs: instance.startedMs + k * every, text: `running for ${(k * every) / 1000}s` });
    }
  }
  if (instance.finishedMs !== undefined && instance.finishedMs <= nowMs) {
    lines.push({ seq: Number.MAX_SAFE_INTEGER, timeMs: instance.finishedMs, text: `exited with code ${instance.exitCode ?? 0}` });
  }
  return lines.length > MAX_LOG_LINES ? lines.slice(-MAX_LOG_LINES) : lines;
}

/**
 * The output of a command the shell knows, line by line at the time it was
 * printed. Status times have whole seconds only, so a finished instance
 * shows every line up to the end of its finishing second.
 */
function programLines(pod: PodObject, plan: CommandPlan, instance: Instance, nowMs: number): LogLine[] {
  const extra = pod.metadata.annotations?.[LOG_ANNOTATIONS.lines];
  const lines: LogLine[] = (extra === undefined || extra === '' ? [] : extra.replace(/\n$/, '').split('\n')).map((text, seq) => ({ seq, timeMs: instance.startedMs, text }));
  const until = instance.finishedMs === undefined ? nowMs : Math.min(instance.finishedMs + 999, nowMs);
  const header = lines.length;
  for (const [i, line] of plan.lines.entries()) {
    const timeMs = instance.startedMs + line.offsetMs;
    if (timeMs > until) break;
    lines.push({ seq: header + i, timeMs, text: line.text });
  }
  return lines.length > MAX_LOG_LINES ? lines.slice(-MAX_LOG_LINES) : lines;
}

/** kubelet's timestamp prefix: RFC 3339 with nine fractional digits. */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function statusOf(statuses: readonly ContainerStatus[], container: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === container);
}

export interface LogSource {
  pod: () => PodObject | undefined;
  /** Init and app container statuses together. */
  statuses: () => readonly ContainerStatus[] | undefined;
  /** The container's own command when the simulated shell runs it (its output is the log). */
  plan?: (container: string) => CommandPlan | undefined;
}

/**
 * Opens a container's log as kubelet serves it: validation errors with
 * kubelet's wording, then the lines, then (with follow) new lines until the
 * instance ends or the reader goes away.
 */
export function openContainerLog(source: LogSource, clock: Clock, options: ContainerLogOptions): Readable {
  const pod = source.pod();
  const statuses = source.statuses() ?? [];
  const podName = pod?.metadata.name ?? '';
  const spec = pod === undefined ? undefined : specOf(pod, options.container);
  const status = statusOf(statuses, options.container);
  if (pod === undefined || spec === undefined || status === undefined) {
    throw new RuntimeStreamError(400, `container "${options.container}" in pod "${podName}" is not available`);
  }
  const instance = options.previous ? instanceOf(status.lastState) : instanceOf(status.state);
  if (instance === undefined) {
    if (options.previous) throw new RuntimeStreamError(400, `previous terminated container "${options.container}" in pod "${podName}" not found`);
    const reason = 'waiting' in status.state ? status.state.waiting.reason : 'ContainerCreating';
    throw new RuntimeStreamError(400, `container "${options.container}" in pod "${podName}" is waiting to start: ${reason}`);
  }

  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  let lastSeq = -1;
  let timer: unknown;
  const render = (line: LogLine): string => `${options.timestamps ? `${logTimestamp(line.timeMs)} ` : ''}${line.text}\n`;
  const stream = new Readable({
    read() {},
    destroy(err, callback) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      callback(err);
    },
  });
  /** Pushes what is not sent yet; false once the stream is finished. */
  const push = (lines: LogLine[]): boolean => {
    for (const line of lines) {
      if (line.seq <= lastSeq) continue;
      lastSeq = line.seq;
      if (options.sinceTimeMs !== undefined && line.timeMs < options.sinceTimeMs) continue;
      let chunk = Buffer.from(render(line));
      if (chunk.length >= budget) chunk = chunk.subarray(0, budget);
      budget -= chunk.length;
      stream.push(chunk);
      if (budget <= 0) {
        stream.push(null);
        return false;
      }
    }
    return true;
  };

  const plan = source.plan?.(options.container);
  const initial = instanceLines(pod, spec, instance, clock.now(), plan);
  const tail = options.tailLines === undefined ? initial : options.tailLines === 0 ? [] : initial.slice(-options.tailLines);
  // Lines cut by tailLines count as sent, so a follower starts after them.
  lastSeq = (initial[initial.length - tail.length - 1]?.seq) ?? -1;
  if (!push(tail)) return stream;
  if (!options.follow || instance.finishedMs !== undefined) {
    stream.push(null);
    return stream;
  }

  const every = plan === undefined ? intervalMs(pod) : 0;
  const tick = (): void => {
    timer = undefined;
    if (stream.destroyed) return;
    const currentPod = source.pod();
    const current = statusOf(source.statuses() ?? [], options.container);
    const now = clock.now();
    // The same instance still or just finished; anything else (a restart, a forgotten pod) ends the stream.
    const same = current === undefined ? undefined : instanceOf(current.state);
    const ended = currentPod === undefined || same === undefined || same.startedMs !== instance.startedMs;
    const lines = ended ? [] : instanceLines(currentPod, spec, same, now, plan);
    if (!push(lines)) return;
    if (ended || same.finishedMs !== undefined) {
      stream.push(null);
      return;
    }
    const next = every > 0 ? instance.startedMs + (Math.floor((now - instance.startedMs) / every) + 1) * every - now : FOLLOW_POLL_MS;
    timer = clock.setTimeout(tick, Math.max(1, Math.min(next, FOLLOW_POLL_MS)));
  };
  timer = clock.setTimeout(tick, 1);
  return stream;
}
