// ObjectService.served() on an object's stored JSON text: the object as
// served sets apiVersion and kind to the version the client asked for.
//
// The text is PostgreSQL's jsonb output, whose object keys are sorted by
// length, then bytes, and separated by `", "` and `": "`. A Pod's top level is
// therefore `{"kind": "Pod", ...spec, status, metadata..., "apiVersion": "v1"}`:
// when the text starts with the served kind and ends with the served
// apiVersion it is already what served() would produce, and passes through
// untouched. Anything else (an object stored under another version, a kind
// whose shorter keys sort before "kind", keys longer than "apiVersion") is
// parsed, rewritten as served() does and serialised again.
//
// Why the two checks cannot be fooled by look-alike text inside a value: a
// quote inside a JSON string is escaped (`\"`), so `{"kind": "Pod", ` at
// offset 0 is the first member of the top-level object, and in
// `, "apiVersion": "v1"}` at the very end the quote after `, ` opens a string
// (were it a closing quote, `apiVersion` would stand outside any string), that
// string is the last member's key and the final `}` closes the top level.
// jsonb keeps one member per key, so no other kind or apiVersion follows.

import type { KubeObject } from '../store/types.js';

/** The served form of stored JSON texts for one apiVersion and kind. */
export type ServedText = (text: string) => string;

export function servedText(apiVersion: string, kind: string): ServedText {
  const prefix = `{"kind": ${JSON.stringify(kind)}, `;
  const suffix = `, "apiVersion": ${JSON.stringify(apiVersion)}}`;
  return (text) => {
    if (text.startsWith(prefix) && text.endsWith(suffix)) return text;
    const object = JSON.parse(text) as KubeObject;
    return JSON.stringify({ ...object, apiVersion, kind });
  };
}
