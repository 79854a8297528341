// Where the decode step finds OpenAPI schemas. Kept an interface so tests
// (and future CRDs) can supply their own; definitions-lookup.ts serves the
// built-in kinds from src/api/openapi/definitions.json.

/** A JSON Schema object as OpenAPI v3 documents carry it. */
export type SchemaNode = { readonly [key: string]: unknown };

export interface KindVersion {
  group: string;
  version: string;
  kind: string;
}

export interface SchemaLookup {
  /** The root schema of a kind, or undefined when unknown (the object is then not checked). */
  rootSchema(gvk: KindVersion): SchemaNode | undefined;
  /** A schema by its $ref (`#/components/schemas/<name>`), or undefined. */
  resolveRef(ref: string): SchemaNode | undefined;
}

/** A lookup over a plain map of definitions keyed by name, refs in `#/components/schemas/<name>` form. */
export function schemaLookupFromDefinitions(definitions: Readonly<Record<string, SchemaNode>>, roots: (gvk: KindVersion) => string | undefined): SchemaLookup {
  const prefix = '#/components/schemas/';
  return {
    rootSchema(gvk) {
      const name = roots(gvk);
      return name === undefined ? undefined : definitions[name];
    },
    resolveRef(ref) {
      return ref.startsWith(prefix) ? definitions[ref.slice(prefix.length)] : undefined;
    },
  };
}
