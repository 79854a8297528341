// The compact form kubeql writes Kubernetes protobuf messages in, and the step
// that compiles it into protobufjs reflection types plus what the JSON
// conversion needs to know about each field.
//
// A message is `{ jsonName: [fieldNumber, type] }`, fields in the order the Go
// struct declares them (the order kubectl's JSON has). A type is
//
//   string | int32 | int64 | bool | double | bytes    scalars
//   Time | MicroTime | Quantity | IntOrString | ...   types with their own JSON form (special-types.ts)
//   <MessageName>                                     another message
//   T[]            a repeated field
//   map<T>         a map with string keys (on the wire: repeated {key = 1, value = 2})
//
// followed by the Go field's JSON behaviour, because protobuf carries zero
// values that the JSON kubectl would have sent leaves out:
//
//   (nothing)  `omitempty`: a zero scalar, an empty list or map is left out
//   ?          a pointer (*int32, *bool, ...): present on the wire means present in JSON, zero or not
//   !          no `omitempty`: a zero scalar is written, an absent pointer, list, map or bytes is `null`
//   ?!         a pointer without `omitempty`: absent is `null`
//
// A field whose key starts with `...` is an embedded Go struct (`json:",inline"`):
// its own fields are written into the parent object.
import protobuf from 'protobufjs';
import { SPECIAL_MESSAGES } from './special-types.js';

export type FieldSpec = readonly [number, string];
export type MessageSpec = Readonly<Record<string, FieldSpec>>;

/** The messages of one API group version and the kinds it serves. */
export interface GroupVersionSpec {
  /** `v1`, `apps/v1`, ...; '' for messages shared by every group. */
  readonly apiVersion: string;
  /** Kinds served, by the name of their top-level message, or [kind, message] where those differ. */
  readonly kinds: readonly (string | readonly [kind: string, message: string])[];
  readonly messages: Readonly<Record<string, MessageSpec>>;
}

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'double', 'bytes']);
export type ScalarType = 'string' | 'int32' | 'int64' | 'bool' | 'double' | 'bytes';

export interface CompiledField {
  /** The JSON property (for an inline field, the name of the embedded struct). */
  readonly name: string;
  readonly id: number;
  readonly shape: 'single' | 'list' | 'map';
  /** Exactly one of scalar, special or message is set. */
  readonly scalar?: ScalarType;
  readonly special?: string;
  readonly message?: CompiledMessage;
  readonly pointer: boolean;
  readonly noOmitEmpty: boolean;
  readonly inline: boolean;
  /** Written as null when absent from the wire (a nil pointer, list or map without `omitempty`). */
  readonly nullWhenAbsent: boolean;
}

export interface CompiledMessage {
  readonly name: string;
  /** In Go struct order. */
  readonly fields: CompiledField[];
  /** Field position by protobufjs property name. */
  readonly index: ReadonlyMap<string, number>;
  readonly type: protobuf.Type;
}

export interface CompiledSchema {
  message(name: string): CompiledMessage | undefined;
  /** The top-level message for apiVersion + kind, if kubeql decodes that kind. */
  kind(apiVersion: string, kind: string): CompiledMessage | undefined;
  readonly kinds: readonly { apiVersion: string; kind: string }[];
}

interface ParsedType {
  base: string;
  shape: 'single' | 'list' | 'map';
  pointer: boolean;
  noOmitEmpty: boolean;
}

interface ParsedField {
  name: string;
  id: number;
  type: ParsedType;
  inline: boolean;
}

const TYPE_PATTERN = /^(?:map<(\w+)>|(\w+)(\[\])?)(\?)?(!)?$/;

function parseType(where: string, text: string): ParsedType {
  const match = TYPE_PATTERN.exec(text);
  if (match === null) throw new Error(`${where}: cannot read type "${text}"`);
  const [, mapValue, base, list, pointer, bang] = match;
  const shape = mapValue !== undefined ? 'map' : list !== undefined ? 'list' : 'single';
  if (pointer !== undefined && shape !== 'single') throw new Error(`${where}: "?" only applies to single fields`);
  return { base: mapValue ?? base ?? '', shape, pointer: pointer !== undefined, noOmitEmpty: bang !== undefined };
}

const mapEntryName = (value: string): string => `MapEntry_${value}`;

/**
 * Compiles group specs into protobufjs types. Throws on a spec mistake
 * (unknown type, duplicate message or field number), so a bad edit fails at
 * start-up and in the tests, not on some later request.
 */
export function compileSchema(groups: readonly GroupVersionSpec[]): CompiledSchema {
  const specs = new Map<string, MessageSpec>();
  const add = (name: string, spec: MessageSpec): void => {
    if (specs.has(name)) throw new Error(`message ${name} is described twice`);
    specs.set(name, spec);
  };
  for (const [name, spec] of Object.entries(SPECIAL_MESSAGES)) add(name, spec);
  for (const group of groups) for (const [name, spec] of Object.entries(group.messages)) add(name, spec);

  const root = new protobuf.Root();
  const mapEntries = new Set<string>();
  const parsed = new Map<string, ParsedField[]>();
  for (const [name, spec] of specs) {
    const type = new protobuf.Type(name);
    const ids = new Set<number>();
    const fields: ParsedField[] = [];
    for (const [key, fieldSpec] of Object.entries(spec)) {
      const [id, text] = fieldSpec;
      const where = `${name}.${key}`;
      if (ids.has(id)) throw new Error(`${where}: field number ${id} is used twice`);
      ids.add(id);
      const t = parseType(where, text);
      if (!SCALARS.has(t.base) && !specs.has(t.base)) throw new Error(`${where}: unknown type ${t.base}`);
      const inline = key.startsWith('...');
      if (inline && (t.shape !== 'single' || SCALARS.has(t.base) || t.base in SPECIAL_MESSAGES)) throw new Error(`${where}: only a message can be inline`);
      const protoName = inline ? key.slice(3) : key;
      if (t.shape === 'map') {
        const entry = mapEntryName(t.base);
        if (!mapEntries.has(entry)) {
          mapEntries.add(entry);
          root.add(new protobuf.Type(entry).add(new protobuf.Field('key', 1, 'string')).add(new protobuf.Field('value', 2, t.base)));
        }
        type.add(new protobuf.Field(protoName, id, entry, 'repeated'));
      } else {
        type.add(new protobuf.Field(protoName, id, t.base, t.shape === 'list' ? 'repeated' : 'optional'));
      }
      fields.push({ name: protoName, id, type: t, inline });
    }
    root.add(type);
    parsed.set(name, fields);
  }
  root.resolveAll();

  // Second pass: fields point at compiled messages, so conversion never looks names up.
  const compiled = new Map<string, CompiledMessage>();
  const fieldLists = new Map<string, CompiledField[]>();
  for (const [name, fields] of parsed) {
    const list: CompiledField[] = [];
    fieldLists.set(name, list);
    compiled.set(name, { name, fields: list, index: new Map(fields.map((f, i) => [f.name, i])), type: root.lookupType(name) });
  }
  for (const [name, fields] of parsed) {
    const out = fieldLists.get(name) ?? [];
    for (const { name: fieldName, id, type, inline } of fields) {
      const base = type.base;
      // A []byte is a slice too: nil (absent) is null without omitempty.
      const nullWhenAbsent = type.noOmitEmpty && (type.shape !== 'single' || type.pointer || !SCALARS.has(base) || base === 'bytes');
      const common = { name: fieldName, id, shape: type.shape, pointer: type.pointer, noOmitEmpty: type.noOmitEmpty, inline, nullWhenAbsent };
      if (SCALARS.has(base)) out.push({ ...common, scalar: base as ScalarType });
      else if (base in SPECIAL_MESSAGES) out.push({ ...common, special: base });
      else out.push({ ...common, message: compiled.get(base) });
    }
  }

  const kinds = new Map<string, CompiledMessage>();
  const kindList: { apiVersion: string; kind: string }[] = [];
  for (const group of groups) {
    for (const entry of group.kinds) {
      const [kind, messageName] = typeof entry === 'string' ? [entry, entry] : entry;
      const message = compiled.get(messageName);
      if (message === undefined || !(messageName in group.messages)) throw new Error(`${group.apiVersion} ${kind}: no message describes the kind`);
      kinds.set(`${group.apiVersion}\n${kind}`, message);
      kindList.push({ apiVersion: group.apiVersion, kind });
    }
  }
  return {
    message: (name) => compiled.get(name),
    kind: (apiVersion, kind) => kinds.get(`${apiVersion}\n${kind}`),
    kinds: kindList,
  };
}
