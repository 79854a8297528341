import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../errors.js';
import type { KubeObject } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { objectsOf } from './loaders.js';
import { writeOptions } from './write-options.js';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const POD_TEMPLATE_HASH = 'pod-template-hash';

function revisionOf(rs: KubeObject): number | undefined {
  const revision = Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(revision) && revision > 0 ? revision : undefined;
}

/**
 * kubectl rollout undo: puts the pod template of an earlier revision's
 * ReplicaSet back into the Deployment; the deployment controller then rolls
 * forward to it. Messages are kubectl's (kubectl/pkg/polymorphichelpers/rollback.go).
 */
export async function rolloutUndo(ctx: GraphqlContext, namespace: string, name: string, toRevision: number): Promise<KubeObject> {
  const objects = objectsOf(ctx);
  const deploymentRef = objects.resourceForKind(ctx.cluster, 'apps/v1', 'Deployment');
  const deployment = await objects.get(deploymentRef, namespace, name, ctx.signal);
  if ((deployment.spec as { paused?: boolean } | undefined)?.paused) {
    throw badRequest(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`);
  }
  const replicaSets = await objects.list(objects.resourceForKind(ctx.cluster, 'apps/v1', 'ReplicaSet'), namespace, { signal: ctx.signal });
  const history = new Map<number, KubeObject>();
  for (const rs of replicaSets.items) {
    const owned = (rs.metadata.ownerReferences ?? []).some((r) => r.uid === deployment.metadata.uid && r.controller === true);
    const revision = revisionOf(rs);
    if (owned && revision !== undefined) history.set(revision, rs);
  }
  if (history.size === 0) throw badRequest(`no rollout history found for deployment "${name}"`);
  let target: KubeObject | undefined;
  if (toRevision > 0) {
    target = history.get(toRevision);
    if (target === undefined) throw badRequest(`unable to find specified revision ${toRevision} in history`);
  } else {
    const revisions = [...history.keys()].sort((a, b) => b - a);
    if (revisions.length <= 1) throw badRequest('no last revision to roll back to');
    target = history.get(revisions[1] ?? 0);
  }
  const template = structuredClone((target?.spec as { template?: KubeObject } | undefined)?.template ?? { metadata: {} });
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  const spec = { ...((deployment.spec as Record<string, unknown> | undefined) ?? {}) };
  if (isDeepStrictEqual(spec.template, template)) return deployment;
  spec.template = template;
  // The read's resourceVersion rides along: a concurrent change makes this a Conflict, not a lost update.
  return objects.update(deploymentRef, namespace, name, { ...deployment, spec }, writeOptions(ctx));
}
