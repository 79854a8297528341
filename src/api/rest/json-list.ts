// A JSON list response built from the items' JSON texts (ObjectService.listJson):
// the same document renderList gives for the 'json' representation, without
// parsing every stored object and serialising it again.

import type { ServerResponse } from 'node:http';
import { apiVersionOf } from '../resources/registry.js';
import type { ApiResource } from '../resources/types.js';
import type { ObjectList } from '../../store/types.js';
import { listMeta } from './render.js';

/** The list document: kind, apiVersion, metadata, then the items' texts as they are. */
export function jsonListText(resource: ApiResource, list: ObjectList<string>): string {
  const head = `{"kind":${JSON.stringify(resource.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(resource.group, resource.version))},"metadata":${JSON.stringify(listMeta(list))},"items":[`;
  // One join: linear in the total size, whatever the number of items.
  return `${head}${list.items.join(',')}]}`;
}

/** Sends the list with the headers sendJson uses, encoded once. */
export function sendJsonList(res: ServerResponse, resource: ApiResource, list: ObjectList<string>): void {
  const bytes = Buffer.from(jsonListText(resource, list));
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private' });
  res.end(bytes);
}
