// Parsed objects shared across GraphQL requests, keyed by their served JSON text.
//
// A dashboard query reads the same 1,000 pods on every refresh. Parsing them
// (about 2 MB of JSON) was a fifth of the query's CPU, and the parsed trees,
// alive for the whole request, were what the young-generation collections
// kept copying (another fifth). Lists now arrive as text (ObjectService.listJson)
// and an unchanged object's text maps to the tree parsed the first time:
// equal text is an equal object, so there is nothing to invalidate; a changed
// object (new resourceVersion, hence new text) is parsed and cached anew, and
// its old entry ages out.
//
// The trees are shared by every request, so they are deep-frozen: a resolver
// that tried to modify one would throw instead of corrupting other requests.

import type { KubeObject } from '../../store/types.js';

/** Entries per generation; two generations are kept (a 1,000-pod dashboard uses ~1,250). */
const DEFAULT_GENERATION_SIZE = 10_000;
/** Texts longer than this are parsed every time: hashing them costs more than it saves, and they would dominate memory. */
const MAX_TEXT_LENGTH = 64 * 1024;

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * A bounded map from text to parsed object: lookups hit the current
 * generation, then the previous one (moving the entry forward); when the
 * current one is full it becomes the previous one, and the older is dropped.
 * Objects used by every refresh stay; ones not read for two generations go.
 */
export class ParsedObjectCache {
  private current = new Map<string, KubeObject>();
  private previous = new Map<string, KubeObject>();

  constructor(private readonly generationSize: number = DEFAULT_GENERATION_SIZE) {}

  /** The object the text encodes (deep-frozen; do not modify it). */
  parse(text: string): KubeObject {
    if (text.length > MAX_TEXT_LENGTH) return JSON.parse(text) as KubeObject;
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const earlier = this.previous.get(text);
    const object = earlier ?? deepFreeze(JSON.parse(text) as KubeObject);
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(text, object);
    return object;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/** The process's cache: equal text is an equal object whichever request reads it (the text carries uid and resourceVersion). */
export const parsedObjects = new ParsedObjectCache();
