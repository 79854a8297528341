// Reads the bodies captured from real kubectl by test/fixtures/protobuf/capture.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/protobuf');

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string;
  bytes: number;
}

export interface ManifestEntry {
  command: string[];
  requests: Record<'1.31' | '1.32' | '1.33', RecordedRequest>;
}

export const manifest = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;

export const fixtureBytes = (file: string): Buffer => readFileSync(path.join(FIXTURES_DIR, file));

export const fixtureJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES_DIR, file), 'utf8')) as Record<string, unknown>;

/** The type a recorded request's URL addresses, as the REST layer would pass it. */
export function expectedTypeOf(body: Record<string, unknown>): { apiVersion: string; kind: string } {
  return { apiVersion: String(body.apiVersion), kind: String(body.kind) };
}
