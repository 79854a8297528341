// The tiny shell `kubectl exec` reaches in a simulated container. It runs a
// handful of commands honestly (real output, real exit codes) and answers
// everything else the way a shell does: "<cmd>: command not found", 127.

export interface ShellContext {
  /** The container's environment, in order. */
  env: [string, string][];
  /** The pod name (what `hostname` and /etc/hostname say). */
  hostname: string;
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
const MAX_SLEEP_SECONDS = 3600;

/** Splits `sh -c` text into words: whitespace separated, with '...' and "..." quoting. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
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

/** Runs one command line (argv as exec passes it); resolves with the exit code. */
export async function runSimulatedCommand(argv: readonly string[], ctx: ShellContext): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    write(ctx.stderr, 'no command given\n');
    return COMMAND_NOT_FOUND;
  }
  const name = command.replace(/^\/(usr\/)?s?bin\//, '');
  switch (name) {
    case 'sh':
    case 'bash':
    case 'ash': {
      if (args[0] === '-c' && args[1] !== undefined) return runSimulatedCommand(splitWords(args[1]), ctx);
      if (args.length === 0) {
        // An interactive shell would read commands from stdin; this one does not.
        write(ctx.stderr, `${name}: the simulated runtime has no interactive shell; run a command: ${name} -c "echo hi"\n`);
        return 1;
      }
      write(ctx.stderr, `${name}: can't open '${args[0] ?? ''}': No such file or directory\n`);
      return 2;
    }
    case 'echo': {
      const noNewline = args[0] === '-n';
      write(ctx.stdout, `${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
      return 0;
    }
    case 'env':
      write(ctx.stdout, ctx.env.map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    case 'printenv': {
      if (args.length === 0) return runSimulatedCommand(['env'], ctx);
      let code = 0;
      for (const wanted of args) {
        const found = ctx.env.find(([k]) => k === wanted);
        if (found === undefined) code = 1;
        else write(ctx.stdout, `${found[1]}\n`);
      }
      return code;
    }
    case 'hostname':
      write(ctx.stdout, `${ctx.hostname}\n`);
      return 0;
    case 'cat': {
      if (args.length === 0 || (args.length === 1 && args[0] === '-')) {
        await copyStdin(ctx);
        return 0;
      }
      let code = 0;
      for (const file of args) {
        if (file === '/etc/hostname') write(ctx.stdout, `${ctx.hostname}\n`);
        else {
          write(ctx.stderr, `cat: ${file}: No such file or directory\n`);
          code = 1;
        }
      }
      return code;
    }
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'exit': {
      const code = args[0] === undefined ? 0 : Number(args[0]);
      return Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2;
    }
    case 'sleep': {
      const seconds = Number(args[0]);
      if (args[0] === undefined || !Number.isFinite(seconds) || seconds < 0) {
        write(ctx.stderr, `sleep: invalid time interval '${args[0] ?? ''}'\n`);
        return 1;
      }
      await sleep(Math.min(seconds, MAX_SLEEP_SECONDS), ctx.signal);
      return 0;
    }
    default:
      write(ctx.stderr, `${command}: command not found\n`);
      return COMMAND_NOT_FOUND;
  }
}
