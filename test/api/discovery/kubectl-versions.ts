// The kubectl releases the discovery and OpenAPI tests run: they use
// different discovery formats (v2beta1 in 1.27, v2 from 1.30) and OpenAPI
// paths (1.27 still reads /openapi/v2 for validation and explain).
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { kubectlPath } from '../../helpers/kubectl.js';

export interface KubectlBinary {
  /** '1.27', '1.33'. */
  release: string;
  binary: string;
}

/** kubectl 1.27 and 1.33 (installed as kubectl.1.NN next to the binary on PATH); missing ones are left out. */
export function kubectlReleases(releases: readonly string[] = ['1.27', '1.33']): { found: KubectlBinary[]; missing: string[] } {
  const onPath = kubectlPath();
  const found: KubectlBinary[] = [];
  const missing: string[] = [];
  const dir = onPath === undefined ? undefined : path.dirname(realpathSync(onPath));
  for (const release of releases) {
    const binary = dir === undefined ? undefined : path.join(dir, `kubectl.${release}`);
    if (binary !== undefined && existsSync(binary)) found.push({ release, binary });
    else missing.push(release);
  }
  return { found, missing };
}

/** Splits kubectl's column output by the header's column starts (empty cells stay empty). */
export function parseColumns(output: string): Record<string, string>[] {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const columns: { name: string; start: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(header); m !== null; m = re.exec(header)) columns.push({ name: m[0], start: m.index });
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      const end = columns[i + 1]?.start ?? line.length;
      row[c.name] = line.slice(c.start, end).trim();
    });
    return row;
  });
}
