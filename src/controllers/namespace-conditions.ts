// The status conditions a terminating Namespace carries while its content
// goes (pkg/controller/namespace/deletion/status_condition_utils.go): every
// pass writes all five types, True with what is wrong, False with upstream's
// "ok" reason and message otherwise; `kubectl describe namespace` lists them.

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

type ConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one deletion pass left behind. */
export interface ContentTotals {
  /** `${resource}.${group}` (core: `pods.`) → objects still there. */
  remainingByResource: Map<string, number>;
  /** finalizer → objects it still holds. */
  remainingByFinalizer: Map<string, number>;
  /** Delete errors other than NotFound/Conflict. */
  deleteErrors: string[];
}

const listed = (counts: Map<string, number>, format: (key: string, n: number) => string): string =>
  [...counts]
    .filter(([, n]) => n > 0)
    .map(([key, n]) => format(key, n))
    .sort()
    .join(', ');

/** The failing conditions of one pass (ProcessContentTotals, makeDeleteContentCondition). */
export function failures(totals: ContentTotals, now: string): NamespaceCondition[] {
  const out: NamespaceCondition[] = [];
  if ([...totals.remainingByResource.values()].some((n) => n > 0)) {
    out.push({ type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: now, reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${listed(totals.remainingByResource, (r, n) => `${r} has ${n} resource instances`)}` });
  }
  if ([...totals.remainingByFinalizer.values()].some((n) => n > 0)) {
    out.push({ type: 'NamespaceFinalizersRemaining', status: 'True', lastTransitionTime: now, reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${listed(totals.remainingByFinalizer, (f, n) => `${f} in ${n} resource instances`)}` });
  }
  if (totals.deleteErrors.length > 0) {
    const messages = [...totals.deleteErrors].sort();
    out.push({ type: 'NamespaceDeletionContentFailure', status: 'True', lastTransitionTime: now, reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}` });
  }
  return out;
}

/**
 * updateConditions: the conditions after a pass, or undefined when nothing
 * changed. A condition keeps its lastTransitionTime unless its status flips.
 */
export function updatedConditions(previous: readonly NamespaceCondition[], failing: readonly NamespaceCondition[], now: string): NamespaceCondition[] | undefined {
  const next = previous.map((c) => ({ ...c }));
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const wanted = failing.find((c) => c.type === type) ?? { type, status: 'False' as const, lastTransitionTime: now, ...OK[type] };
    const old = next.find((c) => c.type === type);
    if (old === undefined) {
      next.push({ ...wanted });
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      if (old.status !== wanted.status) old.lastTransitionTime = now;
      old.status = wanted.status;
      old.reason = wanted.reason;
      old.message = wanted.message;
      changed = true;
    }
  }
  return changed ? next : undefined;
}
