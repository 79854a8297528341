// The tiny shell of a simulated container. It runs a handful of commands
// honestly (real output, real exit codes) and answers everything else the way
// a shell does: "<cmd>: command not found", 127. The commands are generators of
// effects (output, sleep, read stdin), so one definition serves both `kubectl
// exec` (effects performed as they come, in real time) and a container's own
// command (effects laid out on the runtime's clock ahead of time: a plan).

export interface ShellContext extends ShellEnvironment {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  signal: AbortSignal;
}

const COMMAND_NOT_FOUND = 127;
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A container's environment as `env` prints it in a pod: PATH, HOSTNAME, the
 * spec's literal values (valueFrom needs the API; left out), HOME.
 */
export function containerEnv(pod: { metadata: { name?: string }; spec?: unknown }, container: string): [string, string][] {
  const spec = (pod.spec ?? {}) as { containers?: { name?: string; env?: { name?: string; value?: string }[] }[]; initContainers?: { name?: string; env?: { name?: string; value?: string }[] }[] };
  const found = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) => c.name === container);
  const env: [string, string][] = [['PATH', PATH], ['HOSTNAME', pod.metadata.name ?? '']];
  for (const e of found?.env ?? []) if (e.name !== undefined && e.value !== undefined) env.push([e.name, e.value]);
  env.push(['HOME', '/root']);
  return env;
}
/** The longest `kubectl exec ... sleep N` waits in real time. */
const MAX_EXEC_SLEEP_SECONDS = 3600;

/** What a command does, one step at a time. */
type Effect =
  | { kind: 'write'; stream: 'stdout' | 'stderr'; text: string }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'stdin' }
  /** A program the shell does not know was asked for (it then prints "command not found"). */
  | { kind: 'unknown'; command: string };

/** How a command ended: its code, and whether it was `exit` (which ends the whole shell). */
interface Ended {
  code: number;
  exit: boolean;
}

type Program = Generator<Effect, Ended, void>;

/** What the commands read of their container. */
export interface ShellEnvironment {
  /** The container's environment, in order. */
  env: [string, string][];
  /** The pod name (what `hostname` and /etc/hostname say). */
  hostname: string;
}

/** Splits `sh -c` text into words: whitespace separated, with '...' and "..." quoting. */
export function splitWords(text: string): string[] {
  return parseScript(text).flatMap((step) => step.argv);
}

type Operator = ';' | '&&' | '||';

/** One command of a script and the operator that joins it to the one before. */
interface ScriptStep {
  op: Operator;
  argv: string[];
}

/** `$NAME` or `${NAME}`: the only parameter expansion the shell has. */
const PARAMETER = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/;

/**
 * A `sh -c` script: words with '...' / "..." quoting and `$NAME` / `${NAME}`
 * expanded from env (outside single quotes), sequenced by `;`, newlines, `&&`
 * and `||`.
 */
export function parseScript(text: string, env: readonly [string, string][] = []): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let argv: string[] = [];
  let op: Operator = ';';
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  const endWord = (): void => {
    if (inWord) argv.push(current);
    current = '';
    inWord = false;
  };
  const endCommand = (next: Operator): void => {
    endWord();
    if (argv.length > 0) steps.push({ op, argv });
    argv = [];
    op = next;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const parameter = ch === '$' && quote !== "'" ? PARAMETER.exec(text.slice(i)) : null;
    if (parameter !== null) {
      const name = parameter[1] ?? parameter[2] ?? '';
      const value = env.find(([k]) => k === name)?.[1] ?? '';
      current += value;
      // An unquoted empty expansion makes no word.
      if (quote !== undefined || value !== '') inWord = true;
      i += parameter[0].length - 1;
    } else if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ';' || ch === '\n') {
      endCommand(';');
    } else if ((ch === '&' || ch === '|') && text[i + 1] === ch) {
      endCommand(ch === '&' ? '&&' : '||');
      i += 1;
    } else if (/\s/.test(ch)) {
      endWord();
    } else {
      current += ch;
      inWord = true;
    }
  }
  endCommand(';');
  return steps;
}

/** Shell syntax this shell does not have: pipes, redirects, expansions, subshells, globs, escapes, background jobs, comments. */
const UNQUOTED_UNSUPPORTED = new Set(['|', '&', '<', '>', '$', '`', '(', ')', '{', '}', '*', '?', '[', '\\', '#', '~']);

/**
 * The first piece of shell syntax in a script that parseScript would not
 * honour (so running the words as plain commands would print the wrong
 * thing), or undefined when the script is plain commands and operators.
 */
export function unsupportedSyntax(text: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const parameter = ch === '$' && quote !== "'" ? PARAMETER.exec(text.slice(i)) : null;
    if (parameter !== null) {
      i += parameter[0].length - 1;
    } else if (quote === "'") {
      if (ch === quote) quote = undefined;
    } else if (quote === '"') {
      if (ch === quote) quote = undefined;
      else if (ch === '$' || ch === '`' || ch === '\\') return ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if ((ch === '&' || ch === '|') && text[i + 1] === ch) {
      i += 1;
    } else if (UNQUOTED_UNSUPPORTED.has(ch)) {
      return ch;
    }
  }
  return quote;
}

const done = (code: number): Ended => ({ code, exit: false });

function* script(steps: readonly ScriptStep[], env: ShellEnvironment): Program {
  let last = 0;
  for (const step of steps) {
    if ((step.op === '&&' && last !== 0) || (step.op === '||' && last === 0)) continue;
    const ended = yield* command(step.argv, env);
    last = ended.code;
    if (ended.exit) return done(last);
  }
  return done(last);
}

/** One command line (argv as exec passes it). */
function* command(argv: readonly string[], ctx: ShellEnvironment): Program {
  const [program, ...args] = argv;
  if (program === undefined) {
    yield { kind: 'write', stream: 'stderr', text: 'no command given\n' };
    return done(COMMAND_NOT_FOUND);
  }
  const name = program.replace(/^\/(usr\/)?s?bin\//, '');
  switch (name) {
    case 'sh':
    case 'bash':
    case 'ash': {
      if (args[0] === '-c' && args[1] !== undefined) {
        const unsupported = unsupportedSyntax(args[1]);
        if (unsupported === undefined) return yield* script(parseScript(args[1], ctx.env), ctx);
        yield { kind: 'unknown', command: `${name} -c` };
        yield { kind: 'write', stream: 'stderr', text: `${name}: the simulated shell runs plain commands joined by ;, && and || only, not ${unsupported}\n` };
        return done(2);
      }
      if (args.length === 0) {
        // An interactive shell would read commands from stdin; this one does not.
        yield { kind: 'write', stream: 'stderr', text: `${name}: the simulated runtime has no interactive shell; run a command: ${name} -c "echo hi"\n` };
        return done(1);
      }
      yield { kind: 'write', stream: 'stderr', text: `${name}: can't open '${args[0] ?? ''}': No such file or directory\n` };
      return done(2);
    }
    case 'echo': {
      const noNewline = args[0] === '-n';
      yield { kind: 'write', stream: 'stdout', text: `${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}` };
      return done(0);
    }
    case 'env':
      yield { kind: 'write', stream: 'stdout', text: ctx.env.map(([k, v]) => `${k}=${v}\n`).join('') };
      return done(0);
    case 'printenv': {
      if (args.length === 0) return yield* command(['env'], ctx);
      let code = 0;
      for (const wanted of args) {
        const found = ctx.env.find(([k]) => k === wanted);
        if (found === undefined) code = 1;
        else yield { kind: 'write', stream: 'stdout', text: `${found[1]}\n` };
      }
      return done(code);
    }
    case 'hostname':
      yield { kind: 'write', stream: 'stdout', text: `${ctx.hostname}\n` };
      return done(0);
    case 'cat': {
      if (args.length === 0 || (args.length === 1 && args[0] === '-')) {
        yield { kind: 'stdin' };
        return done(0);
      }
      let code = 0;
      for (const file of args) {
        if (file === '/etc/hostname') yield { kind: 'write', stream: 'stdout', text: `${ctx.hostname}\n` };
        else {
          yield { kind: 'write', stream: 'stderr', text: `cat: ${file}: No such file or directory\n` };
          code = 1;
        }
      }
      return done(code);
    }
    case 'true':
      return done(0);
    case 'false':
      return done(1);
    case 'exit': {
      const code = args[0] === undefined ? 0 : Number(args[0]);
      return { code: Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2, exit: true };
    }
    case 'sleep': {
      if (args.length === 0) {
        yield { kind: 'write', stream: 'stderr', text: 'sleep: missing operand\n' };
        return done(1);
      }
      let seconds = 0;
      for (const arg of args) {
        const interval = sleepInterval(arg);
        if (interval === undefined) {
          yield { kind: 'write', stream: 'stderr', text: `sleep: invalid time interval '${arg}'\n` };
          return done(1);
        }
        seconds += interval;
      }
      yield { kind: 'sleep', seconds };
      return done(0);
    }
    default:
      yield { kind: 'unknown', command: program };
      yield { kind: 'write', stream: 'stderr', text: `${program}: command not found\n` };
      return done(COMMAND_NOT_FOUND);
  }
}

const SLEEP_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** One `sleep` operand in seconds, as GNU and busybox sleep read it: 5, 0.5, 10m, 1000d, infinity. */
function sleepInterval(arg: string): number | undefined {
  if (arg === 'infinity' || arg === 'inf') return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  if (match === null) return undefined;
  return Number(match[1]) * (SLEEP_UNITS[match[2] ?? ''] ?? 1);
}

function write(stream: NodeJS.WritableStream | undefined, text: string): void {
  if (stream !== undefined && text !== '') stream.write(text);
}

function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, seconds * 1000);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `cat` with no file: stdin to stdout until stdin ends (kubectl exec -i POD -- cat). */
function copyStdin(ctx: ShellContext): Promise<void> {
  const { stdin, stdout } = ctx;
  if (stdin === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      stdin.off('data', onData);
      ctx.signal.removeEventListener('abort', finish);
      resolve();
    };
    const onData = (chunk: Buffer | string): void => void stdout?.write(chunk);
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('close', finish);
    ctx.signal.addEventListener('abort', finish, { once: true });
  });
}

/** Runs one command line (argv as exec passes it) in real time; resolves with the exit code. */
export async function runSimulatedCommand(argv: readonly string[], ctx: ShellContext): Promise<number> {
  const run = command(argv, ctx);
  for (;;) {
    const next = run.next();
    if (next.done === true) return next.value.code;
    const effect = next.value;
    if (effect.kind === 'write') write(effect.stream === 'stdout' ? ctx.stdout : ctx.stderr, effect.text);
    else if (effect.kind === 'sleep') await sleep(Math.min(effect.seconds, MAX_EXEC_SLEEP_SECONDS), ctx.signal);
    else if (effect.kind === 'stdin') await copyStdin(ctx);
  }
}

/** A line a container's command prints, at its offset from the container's start. */
export interface PlannedLine {
  offsetMs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What a container's own command will do, worked out when it starts. */
export interface CommandPlan {
  /** Until it exits; Infinity for a command that never does (sleep infinity). */
  runMs: number;
  exitCode: number;
  lines: PlannedLine[];
}

/** A plan's lines beyond this are dropped (the log keeps only its newest lines anyway). */
const MAX_PLANNED_LINES = 10_000;

/**
 * Lays a container's command out in time without running it: undefined when
 * there is no command or any program in it is one the shell does not know
 * (such a container keeps running like a server would). A container has no
 * stdin here, so `cat` reads end-of-file at once.
 */
export function planCommand(argv: readonly string[], ctx: ShellEnvironment): CommandPlan | undefined {
  if (argv.length === 0) return undefined;
  const run = command(argv, ctx);
  const lines: PlannedLine[] = [];
  const partial = { stdout: '', stderr: '' };
  let offsetMs = 0;
  for (;;) {
    const next = run.next();
    if (next.done === true) {
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream] !== '') lines.push({ offsetMs, stream, text: partial[stream] });
      return { runMs: offsetMs, exitCode: next.value.code, lines: lines.slice(-MAX_PLANNED_LINES) };
    }
    const effect = next.value;
    if (effect.kind === 'unknown') return undefined;
    if (effect.kind === 'sleep') offsetMs += effect.seconds * 1000;
    if (effect.kind !== 'write') continue;
    const pieces = (partial[effect.stream] + effect.text).split('\n');
    partial[effect.stream] = pieces.pop() ?? '';
    for (const text of pieces) lines.push({ offsetMs, stream: effect.stream, text });
  }
}

type ArgvSpec = { name?: string; command?: string[]; args?: string[]; env?: { name?: string; value?: string }[] };

/**
 * The argv a container runs as far as its spec says: command then args (the
 * image's own entrypoint is unknown), with kubelet's `$(VAR)` references
 * expanded from the container's env.
 */
export function containerArgv(pod: { metadata: object; spec?: unknown }, container: string): string[] {
  const spec = (pod.spec ?? {}) as { containers?: ArgvSpec[]; initContainers?: ArgvSpec[] };
  const found = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c) => c.name === container);
  const env = new Map<string, string>();
  for (const e of found?.env ?? []) if (e.name !== undefined && e.value !== undefined) env.set(e.name, e.value);
  return [...(found?.command ?? []), ...(found?.args ?? [])].map((arg) => expandReferences(String(arg), env));
}

/** Kubernetes' expansion of command and args: `$(VAR)` from env, `$$` for a literal `$`; an undefined reference stays as written. */
export function expandReferences(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$(\$|\(([^)]*)\))/g, (whole: string, escapedOrRef: string, name: string | undefined) => {
    if (escapedOrRef === '$') return '$';
    return name !== undefined && env.has(name) ? env.get(name) ?? '' : whole;
  });
}
