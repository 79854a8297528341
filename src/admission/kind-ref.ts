// Which kind an admission step is looking at. Group is '' for the core group;
// the version is not needed: kubeql stores and checks every kind in one version.

export interface KindRef {
  group: string;
  kind: string;
}

/** `Deployment.apps`, `Pod`: how Kubernetes names a kind in messages (schema.GroupKind.String()). */
export function qualifiedKind(ref: KindRef): string {
  return ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`;
}

/** A lookup key for per-kind tables. */
export function kindKey(ref: KindRef): string {
  return `${ref.group}/${ref.kind}`;
}
