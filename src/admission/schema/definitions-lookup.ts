// The SchemaLookup of the built-in kinds, over the generated OpenAPI definitions.

import { definitionFor, schemas } from '../../api/openapi/definitions.js';
import { schemaLookupFromDefinitions, type SchemaLookup } from './schema-lookup.js';

let cached: SchemaLookup | undefined;

export function builtinSchemaLookup(): SchemaLookup {
  cached ??= schemaLookupFromDefinitions(schemas, (gvk) => definitionFor(gvk));
  return cached;
}
