// Label selectors, node selectors and tolerations, compiled once per pod so
// a scheduling cycle only calls small closures per node or per existing pod.

import type { LabelSelector, Labels, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from '../kube/types.js';

export type LabelMatcher = (labels: Labels | undefined) => boolean;

export const matchesNothing: LabelMatcher = () => false;
export const matchesEverything: LabelMatcher = () => true;

const EMPTY: Labels = Object.freeze({});

function requirement(key: string, operator: string, values: readonly string[] | undefined): LabelMatcher | undefined {
  const set = new Set(values ?? []);
  switch (operator) {
    case 'In':
      if (set.size === 0) return undefined;
      return (labels) => {
        const v = labels?.[key];
        return v !== undefined && set.has(v);
      };
    case 'NotIn':
      if (set.size === 0) return undefined;
      return (labels) => {
        const v = labels?.[key];
        return v === undefined || !set.has(v);
      };
    case 'Exists':
      return (labels) => labels?.[key] !== undefined;
    case 'DoesNotExist':
      return (labels) => labels?.[key] === undefined;
    default:
      return undefined;
  }
}

/**
 * metav1.LabelSelectorAsSelector: an absent selector matches nothing, an
 * empty one everything. A selector the API server should have refused
 * (unknown operator, In without values) matches nothing.
 */
export function compileLabelSelector(selector: LabelSelector | undefined | null): LabelMatcher {
  if (selector === undefined || selector === null) return matchesNothing;
  const parts: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push((labels) => labels?.[key] === value);
  for (const e of selector.matchExpressions ?? []) {
    const m = requirement(e.key, e.operator, e.values);
    if (m === undefined) return matchesNothing;
    parts.push(m);
  }
  if (parts.length === 0) return matchesEverything;
  if (parts.length === 1) return parts[0] as LabelMatcher;
  return (labels) => {
    for (const p of parts) if (!p(labels)) return false;
    return true;
  };
}

/** Adds `label=value` requirements to a selector (matchLabelKeys merging). */
export function withMatchLabels(selector: LabelSelector | undefined, extra: Labels): LabelSelector | undefined {
  if (Object.keys(extra).length === 0) return selector;
  return { ...(selector ?? {}), matchLabels: { ...(selector?.matchLabels ?? {}), ...extra } };
}

function parseInt64(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

type FieldGetter = (node: Node) => string | undefined;
const NODE_FIELDS: Readonly<Record<string, FieldGetter>> = { 'metadata.name': (n) => n.metadata.name };

function nodeRequirement(r: NodeSelectorRequirement, read: (node: Node) => string | undefined): ((node: Node) => boolean) | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
    case 'Exists':
    case 'DoesNotExist': {
      const m = requirement(r.key, r.operator, values);
      if (m === undefined) return undefined;
      return (node) => {
        const v = read(node);
        return m(v === undefined ? EMPTY : { [r.key]: v });
      };
    }
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInt64(values[0]) : undefined;
      if (bound === undefined) return undefined;
      const gt = r.operator === 'Gt';
      return (node) => {
        const v = parseInt64(read(node));
        return v !== undefined && (gt ? v > bound : v < bound);
      };
    }
    default:
      return undefined;
  }
}

export type NodeMatcher = (node: Node) => boolean;

/** One NodeSelectorTerm: its expressions and fields are ANDed; an empty term matches nothing. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm | undefined): NodeMatcher {
  const expressions = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return () => false;
  const parts: NodeMatcher[] = [];
  for (const e of expressions) {
    const m = nodeRequirement(e, (node) => node.metadata.labels?.[e.key]);
    if (m === undefined) return () => false;
    parts.push(m);
  }
  for (const f of fields) {
    const getter = NODE_FIELDS[f.key];
    // matchFields supports metadata.name with In and NotIn only.
    if (getter === undefined || (f.operator !== 'In' && f.operator !== 'NotIn')) return () => false;
    const m = nodeRequirement(f, getter);
    if (m === undefined) return () => false;
    parts.push(m);
  }
  return (node) => {
    for (const p of parts) if (!p(node)) return false;
    return true;
  };
}

/** RequiredNodeAffinity: spec.nodeSelector AND (any of the required node affinity terms). */
export function compileRequiredNodeAffinity(pod: Pod): NodeMatcher {
  const selector = pod.spec?.nodeSelector;
  const selectorEntries = Object.entries(selector ?? {});
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required === undefined ? undefined : (required.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm);
  if (selectorEntries.length === 0 && terms === undefined) return () => true;
  return (node) => {
    const labels = node.metadata.labels;
    for (const [k, v] of selectorEntries) if (labels?.[k] !== v) return false;
    if (terms === undefined) return true;
    for (const t of terms) if (t(node)) return true;
    return false;
  };
}

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  for (const t of tolerations ?? []) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates (FindMatchingUntoleratedTaint). */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints ?? []) {
    if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

export const isDoNotScheduleTaint = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
