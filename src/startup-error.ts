// An error that ends a process with one line for a person to act on, instead
// of a stack trace: a port in use, an unreachable database, an unwritable
// directory, a bad setting.
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export function describeStartupFailure(err: unknown): string {
  if (err instanceof StartupError) return err.message;
  if (err instanceof Error) return `unexpected failure: ${err.message}`;
  return `unexpected failure: ${String(err)}`;
}
