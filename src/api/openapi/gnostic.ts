// Encodes a swagger 2.0 JSON document as the protobuf message clients ask
// /openapi/v2 for (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf):
// gnostic's openapi.v2.Document (github.com/google/gnostic openapiv2/OpenAPIv2.proto).
// client-go's OpenAPISchema() decodes nothing else, and kubectl up to 1.29
// validates objects against it. Only what kubeql's document uses is encoded.
import protobuf from 'protobufjs';
import YAML from 'yaml';

type Json = { [key: string]: unknown };
type Writer = protobuf.Writer;

const LEN = 2;
const VARINT = 0;
const DOUBLE = 1;

function str(w: Writer, field: number, value: unknown): void {
  if (typeof value === 'string' && value !== '') w.uint32((field << 3) | LEN).string(value);
}

function strings(w: Writer, field: number, value: unknown): void {
  if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') w.uint32((field << 3) | LEN).string(v);
}

function bool(w: Writer, field: number, value: unknown): void {
  if (value === true) w.uint32((field << 3) | VARINT).bool(true);
}

function int64(w: Writer, field: number, value: unknown): void {
  if (typeof value === 'number' && value !== 0) w.uint32((field << 3) | VARINT).int64(value);
}

function double(w: Writer, field: number, value: unknown): void {
  if (typeof value === 'number' && value !== 0) w.uint32((field << 3) | DOUBLE).double(value);
}

function message(w: Writer, field: number, encode: (w: Writer) => void): void {
  w.uint32((field << 3) | LEN).fork();
  encode(w);
  w.ldelim();
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Any { yaml = 2 }: gnostic keeps free-form values as their YAML text. */
function any(w: Writer, field: number, value: unknown): void {
  if (value === undefined) return;
  message(w, field, (m) => str(m, 2, YAML.stringify(value)));
}

/** repeated NamedAny vendor_extension: every `x-` key. */
function vendorExtensions(w: Writer, field: number, obj: Json): void {
  for (const [name, value] of Object.entries(obj)) {
    if (!name.startsWith('x-')) continue;
    message(w, field, (m) => {
      str(m, 1, name);
      any(m, 2, value);
    });
  }
}

function schema(w: Writer, s: Json): void {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 3, s.title);
  str(w, 4, s.description);
  any(w, 5, s.default);
  double(w, 6, s.multipleOf);
  double(w, 7, s.maximum);
  bool(w, 8, s.exclusiveMaximum);
  double(w, 9, s.minimum);
  bool(w, 10, s.exclusiveMinimum);
  int64(w, 11, s.maxLength);
  int64(w, 12, s.minLength);
  str(w, 13, s.pattern);
  int64(w, 14, s.maxItems);
  int64(w, 15, s.minItems);
  bool(w, 16, s.uniqueItems);
  strings(w, 19, s.required);
  if (Array.isArray(s.enum)) for (const v of s.enum) any(w, 20, v);
  const additional = s.additionalProperties;
  if (typeof additional === 'boolean') message(w, 21, (m) => m.uint32((2 << 3) | VARINT).bool(additional));
  else if (isObject(additional)) message(w, 21, (m) => message(m, 1, (x) => schema(x, additional)));
  if (typeof s.type === 'string') {
    const type = s.type;
    message(w, 22, (m) => str(m, 1, type));
  }
  const items = s.items;
  if (isObject(items)) message(w, 23, (m) => message(m, 1, (x) => schema(x, items)));
  if (Array.isArray(s.allOf)) for (const part of s.allOf) if (isObject(part)) message(w, 24, (m) => schema(m, part));
  const properties = s.properties;
  if (isObject(properties)) message(w, 25, (m) => namedSchemas(m, 1, properties));
  bool(w, 27, s.readOnly);
  vendorExtensions(w, 31, s);
}

function namedSchemas(w: Writer, field: number, map: Json): void {
  for (const [name, value] of Object.entries(map)) {
    if (!isObject(value)) continue;
    message(w, field, (m) => {
      str(m, 1, name);
      message(m, 2, (x) => schema(x, value));
    });
  }
}

/** ParametersItem { parameter = 1 { body_parameter = 1 | non_body_parameter = 2 } }. */
function parameterItem(w: Writer, p: Json): void {
  message(w, 1, (param) => {
    if (p.in === 'body') {
      message(param, 1, (body) => {
        str(body, 1, p.description);
        str(body, 2, p.name);
        str(body, 3, p.in);
        bool(body, 4, p.required);
        if (isObject(p.schema)) {
          const s = p.schema;
          message(body, 5, (x) => schema(x, s));
        }
      });
      return;
    }
    message(param, 2, (nonBody) => {
      // NonBodyParameter: header = 1, form_data = 2, query = 3, path = 4; the sub-schemas number their fields differently.
      if (p.in === 'path') {
        message(nonBody, 4, (x) => {
          bool(x, 1, p.required);
          str(x, 2, p.in);
          str(x, 3, p.description);
          str(x, 4, p.name);
          str(x, 5, p.type);
          bool(x, 19, p.uniqueItems);
        });
      } else {
        message(nonBody, 3, (x) => {
          bool(x, 1, p.required);
          str(x, 2, p.in);
          str(x, 3, p.description);
          str(x, 4, p.name);
          str(x, 6, p.type);
          bool(x, 20, p.uniqueItems);
        });
      }
    });
  });
}

function parameters(w: Writer, field: number, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const p of list) if (isObject(p)) message(w, field, (m) => parameterItem(m, p));
}

function operation(w: Writer, o: Json): void {
  strings(w, 1, o.tags);
  str(w, 2, o.summary);
  str(w, 3, o.description);
  str(w, 5, o.operationId);
  strings(w, 6, o.produces);
  strings(w, 7, o.consumes);
  parameters(w, 8, o.parameters);
  const responses = o.responses;
  if (isObject(responses)) {
    message(w, 9, (r) => {
      for (const [code, value] of Object.entries(responses)) {
        if (!isObject(value)) continue;
        message(r, 1, (named) => {
          str(named, 1, code);
          message(named, 2, (rv) =>
            message(rv, 1, (resp) => {
              str(resp, 1, value.description);
              const s = value.schema;
              if (isObject(s)) message(resp, 2, (item) => message(item, 1, (x) => schema(x, s)));
            }),
          );
        });
      }
    });
  }
  strings(w, 10, o.schemes);
  bool(w, 11, o.deprecated);
  vendorExtensions(w, 13, o);
}

const PATH_ITEM_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: Writer, item: Json): void {
  for (const [method, field] of Object.entries(PATH_ITEM_FIELDS)) {
    const o = item[method];
    if (isObject(o)) message(w, field, (m) => operation(m, o));
  }
  parameters(w, 9, item.parameters);
  vendorExtensions(w, 10, item);
}

/** The gnostic protobuf encoding of a swagger 2.0 document. */
export function encodeOpenApiV2(doc: Json): Uint8Array {
  const w = protobuf.Writer.create();
  str(w, 1, doc.swagger);
  const info = doc.info;
  if (isObject(info)) {
    message(w, 2, (m) => {
      str(m, 1, info.title);
      str(m, 2, info.version);
      str(m, 3, info.description);
    });
  }
  const paths = doc.paths;
  if (isObject(paths)) {
    message(w, 8, (m) => {
      for (const [name, item] of Object.entries(paths)) {
        if (!isObject(item)) continue;
        message(m, 2, (named) => {
          str(named, 1, name);
          message(named, 2, (x) => pathItem(x, item));
        });
      }
    });
  }
  const definitions = doc.definitions;
  if (isObject(definitions)) message(w, 9, (m) => namedSchemas(m, 1, definitions));
  const security = doc.security;
  if (Array.isArray(security)) {
    for (const requirement of security) {
      if (!isObject(requirement)) continue;
      message(w, 12, (m) => {
        for (const [name, scopes] of Object.entries(requirement)) {
          message(m, 1, (named) => {
            str(named, 1, name);
            message(named, 2, (arr) => strings(arr, 1, scopes));
          });
        }
      });
    }
  }
  const securityDefinitions = doc.securityDefinitions;
  if (isObject(securityDefinitions)) {
    message(w, 13, (m) => {
      for (const [name, def] of Object.entries(securityDefinitions)) {
        if (!isObject(def) || def.type !== 'apiKey') continue;
        message(m, 1, (named) => {
          str(named, 1, name);
          // SecurityDefinitionsItem { api_key_security = 2 { type = 1, name = 2, in = 3, description = 4 } }
          message(named, 2, (item) =>
            message(item, 2, (key) => {
              str(key, 1, def.type);
              str(key, 2, def.name);
              str(key, 3, def.in);
              str(key, 4, def.description);
            }),
          );
        });
      }
    });
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}
