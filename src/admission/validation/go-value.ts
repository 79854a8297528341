// How Go's fmt prints the values a validation error carries. Kubernetes puts
// the offending value into the message (`Invalid value: "Foo"`,
// `Invalid value: map[string]string{"app":"x"}`), formatted by %q, %v or %#v
// depending on its Go type; these helpers reproduce those forms.

/** Text that is already formatted the Go way (a struct, a map, a Stringer's output). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** Whether a character is printable for Go's strconv.Quote (unicode.IsPrint). */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (what %q prints for a string). */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (PRINTABLE.test(ch)) out += ch;
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** %#v of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`. */
export function goStringMap(map: Readonly<Record<string, string>> | undefined, nilWhenUndefined = true): GoLiteral {
  if (map === undefined && nilWhenUndefined) return new GoLiteral('map[string]string(nil)');
  const entries = Object.keys(map ?? {})
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote((map ?? {})[k] ?? '')}`);
  return new GoLiteral(`map[string]string{${entries.join(', ')}}`);
}

/** %#v of a []string: `[]string{"a", "b"}`, or `[]string(nil)`. */
export function goStringSlice(items: readonly string[] | undefined): GoLiteral {
  if (items === undefined) return new GoLiteral('[]string(nil)');
  return new GoLiteral(`[]string{${items.map(goQuote).join(', ')}}`);
}

/** %#v of a label selector as metav1.LabelSelector prints it in immutability errors. */
export function goLabelSelector(selector: unknown): GoLiteral {
  const sel = (selector ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: unknown };
  const labels = sel.matchLabels === undefined || sel.matchLabels === null ? goStringMap(undefined) : goStringMap(sel.matchLabels);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : undefined;
  let exprText = '[]v1.LabelSelectorRequirement(nil)';
  if (exprs !== undefined) {
    const items = exprs.map((e: unknown) => {
      const r = (e ?? {}) as { key?: unknown; operator?: unknown; values?: unknown };
      const values = Array.isArray(r.values) ? goStringSlice(r.values.map(String)).text : '[]string(nil)';
      return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${values}}`;
    });
    exprText = `[]v1.LabelSelectorRequirement{${items.join(', ')}}`;
  }
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${labels.text}, MatchExpressions:${exprText}}`);
}

/**
 * The value part of `Invalid value: <value>`, as field.Error.ErrorBody prints
 * it: strings quoted, numbers and booleans bare, nil as null, maps and slices
 * of strings in %#v form; anything else must come in as a GoLiteral.
 */
export function formatBadValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return goStringSlice(value as string[]).text;
  if (typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string')) return goStringMap(value as Record<string, string>).text;
  return JSON.stringify(value);
}

/** %#v of an intstr.IntOrString value (it has no value-receiver String method, so Go prints the struct). */
export function goIntOrString(value: unknown): GoLiteral {
  if (typeof value === 'number') return new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${value}, StrVal:""}`);
  const text = typeof value === 'string' ? value : '';
  return new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(text)}}`);
}

/** A rough %#v of a JSON value under a Go type name, for messages that print whole structs. */
export function goStruct(typeName: string, value: unknown): GoLiteral {
  const render = (v: unknown): string => {
    if (v === null || v === undefined) return 'nil';
    if (typeof v === 'string') return goQuote(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return `{${v.map(render).join(', ')}}`;
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k.charAt(0).toUpperCase()}${k.slice(1)}:${render(x)}`);
      return `{${entries.join(', ')}}`;
    }
    return String(v);
  };
  return new GoLiteral(`${typeName}${render(value ?? {})}`);
}
