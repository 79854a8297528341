import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

/** Limits on one GraphQL operation (ARCHITECTURE.md trap 7). */
export interface GraphqlLimits {
  /** Deepest field nesting allowed. @defaultValue 15 */
  maxDepth: number;
  /** Aliased fields allowed in one operation. @defaultValue 30 */
  maxAliases: number;
  /** Estimated cost allowed; a list field multiplies its selection by its page size. @defaultValue 50000 */
  maxCost: number;
  /** Lexical tokens allowed in one document. @defaultValue 10000 */
  maxTokens: number;
  /** Largest `first` a connection accepts, and the assumed size of unbounded lists. @defaultValue 500 */
  maxPageSize: number;
  /** Wall-clock budget of one query or mutation. @defaultValue 30000 */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: GraphqlLimits = Object.freeze({ maxDepth: 15, maxAliases: 30, maxCost: 50_000, maxTokens: 10_000, maxPageSize: 500, timeoutMs: 30_000 });

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QueryTooComplex', status: 400 } });
}

type Fragments = Record<string, FragmentDefinitionNode>;

function fragmentsOf(context: ValidationContext): Fragments {
  const fragments: Fragments = {};
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

function pageSize(field: FieldNode, limits: GraphqlLimits): number {
  for (const arg of field.arguments ?? []) {
    if ((arg.name.value === 'first' || arg.name.value === 'last') && arg.value.kind === Kind.INT) {
      return Math.min(Number(arg.value.value), limits.maxPageSize);
    }
  }
  return 1;
}

// Walks a selection set, following fragments (each at most once per path, so
// cyclic fragments, which validation reports anyway, cannot loop).
function measure(
  selectionSet: SelectionSetNode,
  fragments: Fragments,
  limits: GraphqlLimits,
  depth: number,
  seen: Set<string>,
  totals: { maxDepth: number; aliases: number },
): number {
  let cost = 0;
  totals.maxDepth = Math.max(totals.maxDepth, depth);
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) totals.aliases += 1;
      const childCost = selection.selectionSet ? measure(selection.selectionSet, fragments, limits, depth + 1, seen, totals) : 0;
      cost += 1 + pageSize(selection, limits) * childCost;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += measure(selection.selectionSet, fragments, limits, depth, seen, totals);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (fragment === undefined || seen.has(name)) continue;
      seen.add(name);
      cost += measure(fragment.selectionSet, fragments, limits, depth, seen, totals);
      seen.delete(name);
    }
  }
  return cost;
}

/** One validation rule enforcing depth, alias count and estimated cost. */
export function operationLimitsRule(limits: GraphqlLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context);
    return {
      OperationDefinition(node) {
        const totals = { maxDepth: 0, aliases: 0 };
        const cost = measure(node.selectionSet, fragments, limits, 1, new Set(), totals);
        if (totals.maxDepth > limits.maxDepth) context.reportError(limitError(`query depth ${totals.maxDepth} exceeds the limit of ${limits.maxDepth}`));
        if (totals.aliases > limits.maxAliases) context.reportError(limitError(`query uses ${totals.aliases} aliases, more than the limit of ${limits.maxAliases}`));
        if (cost > limits.maxCost) context.reportError(limitError(`query cost ${cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages (first) or fewer nested lists`));
      },
    };
  };
}
