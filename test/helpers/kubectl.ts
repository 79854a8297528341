import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The kubectl on PATH, or undefined (tests that need it print why they skip). */
export function kubectlPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = `${dir}/kubectl`;
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs kubectl against a kubeconfig with a private discovery cache. */
export function kubectl(kubeconfig: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; binary?: string } = {}): Promise<KubectlResult> {
  const binary = options.binary ?? kubectlPath() ?? 'kubectl';
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--kubeconfig', kubeconfig, '--cache-dir', `${kubeconfig}.cache`, ...args], {
      env: { ...process.env, ...options.env, KUBECONFIG: kubeconfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
