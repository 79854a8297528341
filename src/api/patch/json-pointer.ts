// RFC 6901 JSON Pointers as RFC 6902 patches use them.

import { assertSafeKey } from './json-value.js';

/**
 * Splits a pointer into unescaped reference tokens ("" is the whole document).
 * Returns undefined for a pointer that does not start with "/". Tokens naming
 * prototype keys are refused outright (ARCHITECTURE.md trap 7).
 */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      // "~1" first, then "~0", so "~01" decodes to "~1" as RFC 6901 section 4 requires.
      const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
      assertSafeKey(key);
      return key;
    });
}

/** Escapes one reference token ("a/b" -> "a~1b"). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
