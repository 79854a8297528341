// The OpenAPI schemas of the built-in types, generated from the published
// Kubernetes definitions by scripts/build-openapi.ts (do not edit the JSON).
import generated from './definitions.json' with { type: 'json' };

/** A JSON Schema object as OpenAPI v3 documents carry it. */
export type Schema = { [key: string]: unknown };

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

interface DefinitionsFile {
  source: string;
  schemas: Record<string, Schema>;
}

const file = generated as unknown as DefinitionsFile;

export const definitionsSource: string = file.source;

/** Every generated schema by definition name (io.k8s.api.apps.v1.Deployment). */
export const schemas: Readonly<Record<string, Schema>> = file.schemas;

const gvkKey = (g: Gvk): string => `${g.group}/${g.version}/${g.kind}`;

const byGvk = new Map<string, string>();
for (const [name, schema] of Object.entries(schemas)) {
  const gvks = schema['x-kubernetes-group-version-kind'];
  if (!Array.isArray(gvks)) continue;
  // Meta kinds (DeleteOptions, WatchEvent) list every group; they are not looked up by GVK.
  if (gvks.length !== 1) continue;
  byGvk.set(gvkKey(gvks[0] as Gvk), name);
}

/** The definition name of a kind, or undefined when it has no schema (PodExecOptions and the like). */
export function definitionFor(gvk: Gvk): string | undefined {
  return byGvk.get(gvkKey(gvk));
}

/** Names of the definitions a schema refers to, directly. */
export function referencesOf(schema: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) referencesOf(item, into);
  } else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF_PREFIX)) into.add(value.slice(SCHEMA_REF_PREFIX.length));
      else referencesOf(value, into);
    }
  }
  return into;
}

/** The named definitions and everything they refer to, transitively, sorted by name. */
export function closure(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop();
    if (name === undefined || seen.has(name)) continue;
    const schema = schemas[name];
    if (schema === undefined) continue;
    seen.add(name);
    for (const ref of referencesOf(schema)) if (!seen.has(ref)) pending.push(ref);
  }
  return [...seen].sort();
}
