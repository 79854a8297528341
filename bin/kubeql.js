#!/usr/bin/env node
// kubeql's command. Runs the TypeScript sources through tsx's loader, or the
// compiled ones in production images built with `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (process.env.NODE_ENV === 'production' && existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
