// Cell formatting shared by the printers: labels, selectors, container
// lists, access modes, quantities, as the server's printers write them.

import { arrayAt, isObject, objectAt, stringAt } from '../../admission/json.js';
import { formatQuantity, parseQuantityJson, QuantityParseError } from '../../kube/quantity.js';
import { isQualifiedName, isValidLabelValue } from '../../admission/validation/names.js';

/** labels.FormatLabels: `a=b,c=d` sorted, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  if (!isObject(labels)) return '<none>';
  const pairs = Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort();
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/**
 * LabelSelectorAsSelector(...).String(): requirements sorted by key,
 * `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`. undefined when the
 * selector cannot be converted (bad operator or label syntax).
 */
export function selectorString(selector: unknown): string | undefined {
  if (!isObject(selector)) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(objectAt(selector, 'matchLabels') ?? {})) {
    const v = String(value);
    if (isQualifiedName(key).length > 0 || isValidLabelValue(v).length > 0) return undefined;
    requirements.push({ key, text: `${key}=${v}` });
  }
  for (const expr of arrayAt(selector, 'matchExpressions') ?? []) {
    const key = stringAt(expr, 'key') ?? '';
    const values = (arrayAt(expr, 'values') ?? []).map(String);
    if (isQualifiedName(key).length > 0) return undefined;
    const sorted = [...new Set(values)].sort().join(',');
    switch (stringAt(expr, 'operator')) {
      case 'In':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} in (${sorted})` });
        break;
      case 'NotIn':
        if (values.length === 0) return undefined;
        requirements.push({ key, text: `${key} notin (${sorted})` });
        break;
      case 'Exists':
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  return requirements
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: `<none>` when empty or missing, `<error>` when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const text = selectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/** layoutContainerCells: container names and images, comma-separated. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = (arrayAt(podSpec, 'containers') ?? []).filter(isObject);
  return [containers.map((c) => stringAt(c, 'name') ?? '').join(','), containers.map((c) => stringAt(c, 'image') ?? '').join(',')];
}

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once. */
export function accessModesString(modes: unknown): string {
  const list = (Array.isArray(modes) ? modes : []).map(String);
  const out: string[] = [];
  if (list.includes('ReadWriteOnce')) out.push('RWO');
  if (list.includes('ReadOnlyMany')) out.push('ROX');
  if (list.includes('ReadWriteMany')) out.push('RWX');
  if (list.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** A Quantity's String(); "0" when absent (Go's zero Quantity). */
export function quantityString(value: unknown): string {
  if (value === undefined || value === null) return '0';
  try {
    return formatQuantity(parseQuantityJson(value));
  } catch (err) {
    if (err instanceof QuantityParseError) return String(value);
    throw err;
  }
}

/** An IntOrString's String(). */
export function intOrStringText(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '0';
}

/** Go's %d of an int field that may be absent (zero). */
export function int(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
