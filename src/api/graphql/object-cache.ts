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

/**
 * Per generation (two are kept): at most this many entries and this many characters of text.
 * A 1,000-pod dashboard is ~1,250 entries and ~2.5 MB of text; a parsed
 * object takes a few times its text, so the cache stays under ~200 MB.
 */
const DEFAULT_LIMITS = { entries: 10_000, textChars: 16_000_000 };
/** Texts longer than this are parsed every time: hashing them costs more than it saves, and they would crowd out the rest. */
const MAX_TEXT_LENGTH = 32 * 1024;

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
  private currentTextChars = 0;

  constructor(private readonly limits: { entries: number; textChars: number } = DEFAULT_LIMITS) {}

  /** The object the text encodes (deep-frozen; do not modify it). */
  parse(text: string): KubeObject {
    if (text.length > MAX_TEXT_LENGTH) return JSON.parse(text) as KubeObject;
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const earlier = this.previous.get(text);
    const object = earlier ?? deepFreeze(JSON.parse(text) as KubeObject);
    if (this.current.size >= this.limits.entries || this.currentTextChars + text.length > this.limits.textChars) {
      this.previous = this.current;
      this.current = new Map();
      this.currentTextChars = 0;
    }
    this.current.set(text, object);
    this.currentTextChars += text.length;
    return object;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/** The process's cache: equal text is an equal object whichever request reads it (the text carries uid and resourceVersion). */
export const parsedObjects = new ParsedObjectCache();
