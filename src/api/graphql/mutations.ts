import { ApiError, badRequest, notFound, toApiError } from '../errors.js';
import { parseYamlStream } from '../http/body.js';
import type { ResourceRef } from '../../objects/service.js';
import type { PatchType as ServicePatchType } from '../../objects/patch.js';
import type { KubeObject, PropagationPolicy } from '../../store/types.js';
import type { GraphqlContext } from './context.js';
import { graphqlError } from './errors.js';
import { objectsOf } from './loaders.js';
import { mutationTypeDefs } from './mutation-types.js';
import type { GraphqlModule } from './modules.js';
import { drainNode } from './drain.js';
import { rolloutUndo } from './rollout.js';
import { writeOptions } from './write-options.js';

type GraphqlPatchType = 'JSON' | 'MERGE' | 'STRATEGIC';

const PATCH_TYPES: Record<GraphqlPatchType, Exclude<ServicePatchType, 'apply'>> = { JSON: 'json', MERGE: 'merge', STRATEGIC: 'strategic' };

interface Target {
  apiVersion: string;
  kind: string;
  namespace?: string | null;
  name: string;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

function refOf(ctx: GraphqlContext, apiVersion: string, kind: string): ResourceRef {
  return objectsOf(ctx).resourceForKind(ctx.cluster, apiVersion, kind);
}

function namespaceFor(ref: ResourceRef, requested: string | null | undefined, manifest?: KubeObject): string {
  if (!ref.resource.namespaced) return '';
  return requested || manifest?.metadata?.namespace || 'default';
}

function manifestOf(value: unknown): KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('the manifest must be a JSON object');
  const manifest = value as KubeObject;
  if (typeof manifest.apiVersion !== 'string' || manifest.apiVersion === '') throw badRequest("Object 'apiVersion' is missing in the manifest");
  if (typeof manifest.kind !== 'string' || manifest.kind === '') throw badRequest("Object 'Kind' is missing in the manifest");
  manifest.metadata = manifest.metadata ?? {};
  return manifest;
}

function patchTarget(ctx: GraphqlContext, t: Target, patch: unknown, type: Exclude<ServicePatchType, 'apply'> = 'merge', dryRun?: boolean | null): Promise<KubeObject> {
  const ref = refOf(ctx, t.apiVersion, t.kind);
  return objectsOf(ctx).patch(ref, namespaceFor(ref, t.namespace), t.name, type, patch, writeOptions(ctx, { dryRun }));
}

/**
 * Sets (or, for null, removes) labels or annotations. Like kubectl, changing a
 * value that is already set needs overwrite; the check and the write share one
 * resourceVersion, so a concurrent change makes the write fail with Conflict.
 */
async function setMetadataMap(ctx: GraphqlContext, t: Target, field: 'labels' | 'annotations', changes: unknown, overwrite: boolean): Promise<KubeObject> {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) throw badRequest(`${field} must be an object of names to string values (null removes)`);
  const entries = Object.entries(changes as Record<string, unknown>);
  for (const [key, value] of entries) if (value !== null && typeof value !== 'string') throw badRequest(`the value of ${field.slice(0, -1)} "${key}" must be a string or null`);
  const ref = refOf(ctx, t.apiVersion, t.kind);
  const namespace = namespaceFor(ref, t.namespace);
  const current = await objectsOf(ctx).get(ref, namespace, t.name, ctx.signal);
  const existing = current.metadata[field] ?? {};
  if (!overwrite) {
    for (const [key, value] of entries) {
      const old = existing[key];
      if (value !== null && old !== undefined && old !== value) throw badRequest(`'${key}' already has a value (${old}), and --overwrite is false`);
    }
  }
  return objectsOf(ctx).patch(ref, namespace, t.name, 'merge', { metadata: { resourceVersion: current.metadata.resourceVersion, [field]: Object.fromEntries(entries) } }, writeOptions(ctx));
}

async function updateNode(ctx: GraphqlContext, name: string, change: (node: KubeObject) => KubeObject): Promise<KubeObject> {
  const objects = objectsOf(ctx);
  const ref = refOf(ctx, 'v1', 'Node');
  const current = await objects.get(ref, '', name, ctx.signal);
  return objects.update(ref, '', name, change(structuredClone(current)), writeOptions(ctx));
}

function taintsOf(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).slice();
}

function withTaints(node: KubeObject, taints: Taint[]): KubeObject {
  const spec = { ...((node.spec as Record<string, unknown> | undefined) ?? {}) };
  if (taints.length === 0) delete spec.taints;
  else spec.taints = taints;
  return { ...node, spec };
}

// kubectl apply's verbs for what happened to each object.
async function applyOne(ctx: GraphqlContext, manifest: KubeObject, namespace: string | null | undefined, options: { fieldManager: string; force: boolean; dryRun: boolean }): Promise<{ action: string; object: KubeObject }> {
  const objects = objectsOf(ctx);
  const ref = refOf(ctx, manifest.apiVersion ?? '', manifest.kind ?? '');
  const ns = namespaceFor(ref, namespace, manifest);
  const name = manifest.metadata.name;
  if (typeof name !== 'string' || name === '') throw new ApiError(422, 'Invalid', `${ref.resource.kind} "" is invalid: metadata.name: Required value: name is required`, { kind: ref.resource.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name is required', field: 'metadata.name' }] });
  const write = { ...writeOptions(ctx, { dryRun: options.dryRun, fieldManager: options.fieldManager }), force: options.force };
  let before: KubeObject | null = null;
  try {
    before = await objects.get(ref, ns, name, ctx.signal);
  } catch (err) {
    if (toApiError(err).reason !== 'NotFound') throw err;
  }
  let after: KubeObject;
  try {
    after = await objects.patch(ref, ns, name, 'apply', manifest, write);
  } catch (err) {
    const apiError = toApiError(err);
    // Where server-side apply is not served yet, apply is create or a strategic merge of the manifest.
    if (apiError.reason === 'UnsupportedMediaType') {
      const { resourceVersion: _rv, ...metadata } = manifest.metadata;
      after = before === null ? await objects.create(ref, ns, manifest, write) : await objects.patch(ref, ns, name, 'strategic', { ...manifest, metadata }, write);
    } else if (apiError.reason === 'NotFound' && before === null) {
      after = await objects.create(ref, ns, manifest, write);
    } else {
      throw err;
    }
  }
  if (before === null) return { action: 'created', object: after };
  return { action: after.metadata.resourceVersion === before.metadata.resourceVersion ? 'unchanged' : 'configured', object: after };
}

function expandLists(values: unknown[]): unknown[] {
  return values.flatMap((v) => {
    const list = v as { kind?: unknown; items?: unknown };
    return typeof list.kind === 'string' && list.kind.endsWith('List') && Array.isArray(list.items) ? list.items : [v];
  });
}

function kubeErrorOf(err: unknown): Record<string, unknown> {
  const apiError = toApiError(err);
  const ext = graphqlError(apiError).extensions;
  return { code: apiError.reason, status: apiError.code, message: apiError.message, causes: ext.causes ?? null };
}

function restart(kind: string): (ctx: GraphqlContext, a: { namespace: string; name: string }) => Promise<KubeObject> {
  return (ctx, a) => patchTarget(ctx, { apiVersion: 'apps/v1', kind, ...a }, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } }, 'strategic');
}

type MutationResolver = (ctx: GraphqlContext, args: never) => unknown;

const mutations: Record<string, MutationResolver> = {
  apply: async (ctx, a: { manifests: string; namespace?: string | null; fieldManager: string; force: boolean; dryRun: boolean }) => {
    const documents = expandLists(parseYamlStream(a.manifests));
    const results: unknown[] = [];
    // One at a time, in order: a Namespace before the objects in it.
    for (const document of documents) {
      const m = document as Partial<KubeObject> | null;
      const identity = { apiVersion: m?.apiVersion ?? null, kind: m?.kind ?? null, namespace: m?.metadata?.namespace ?? a.namespace ?? null, name: m?.metadata?.name ?? null };
      try {
        const { action, object } = await applyOne(ctx, manifestOf(document), a.namespace, a);
        results.push({ ...identity, namespace: object.metadata.namespace ?? null, action, object, error: null });
      } catch (err) {
        results.push({ ...identity, action: 'failed', object: null, error: kubeErrorOf(err) });
      }
    }
    return results;
  },
  create: (ctx, a: { manifest: unknown; namespace?: string | null; dryRun: boolean }) => {
    const manifest = manifestOf(a.manifest);
    const ref = refOf(ctx, manifest.apiVersion ?? '', manifest.kind ?? '');
    return objectsOf(ctx).create(ref, namespaceFor(ref, a.namespace, manifest), manifest, writeOptions(ctx, a));
  },
  replace: (ctx, a: { manifest: unknown; namespace?: string | null; dryRun: boolean }) => {
    const manifest = manifestOf(a.manifest);
    const ref = refOf(ctx, manifest.apiVersion ?? '', manifest.kind ?? '');
    return objectsOf(ctx).update(ref, namespaceFor(ref, a.namespace, manifest), manifest.metadata.name ?? '', manifest, writeOptions(ctx, a));
  },
  patch: (ctx, a: Target & { patch: unknown; type: GraphqlPatchType; dryRun: boolean }) => patchTarget(ctx, a, a.patch, PATCH_TYPES[a.type], a.dryRun),
  delete: (ctx, a: Target & { propagationPolicy?: PropagationPolicy | null; gracePeriodSeconds?: number | null; dryRun: boolean }) => {
    const ref = refOf(ctx, a.apiVersion, a.kind);
    return objectsOf(ctx).delete(ref, namespaceFor(ref, a.namespace), a.name, {
      ...writeOptions(ctx, a),
      ...(a.propagationPolicy ? { propagationPolicy: a.propagationPolicy } : {}),
      ...(a.gracePeriodSeconds !== null && a.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: a.gracePeriodSeconds } : {}),
    });
  },
  scale: (ctx, a: Target & { replicas: number }) => patchTarget(ctx, a, { spec: { replicas: a.replicas } }),
  label: (ctx, a: Target & { labels: unknown; overwrite: boolean }) => setMetadataMap(ctx, a, 'labels', a.labels, a.overwrite),
  annotate: (ctx, a: Target & { annotations: unknown; overwrite: boolean }) => setMetadataMap(ctx, a, 'annotations', a.annotations, a.overwrite),
  cordon: (ctx, a: { name: string }) => patchTarget(ctx, { apiVersion: 'v1', kind: 'Node', name: a.name }, { spec: { unschedulable: true } }),
  uncordon: (ctx, a: { name: string }) => patchTarget(ctx, { apiVersion: 'v1', kind: 'Node', name: a.name }, { spec: { unschedulable: null } }),
  taint: (ctx, a: { node: string; key: string; value?: string | null; effect: string; overwrite: boolean }) =>
    updateNode(ctx, a.node, (node) => {
      const taints = taintsOf(node);
      const same = taints.findIndex((t) => t.key === a.key && t.effect === a.effect);
      if (same >= 0 && !a.overwrite) throw badRequest(`node ${a.node} already has ${a.key} taint(s) with same effect(s) and --overwrite is false`);
      const taint: Taint = { key: a.key, ...(a.value ? { value: a.value } : {}), effect: a.effect };
      if (same >= 0) taints[same] = taint;
      else taints.push(taint);
      return withTaints(node, taints);
    }),
  untaint: (ctx, a: { node: string; key: string; effect?: string | null }) =>
    updateNode(ctx, a.node, (node) => {
      const taints = taintsOf(node);
      const kept = taints.filter((t) => !(t.key === a.key && (!a.effect || t.effect === a.effect)));
      if (kept.length === taints.length) throw notFound(`taint "${a.effect ? `${a.key}:${a.effect}` : a.key}" not found`);
      return withTaints(node, kept);
    }),
  drain: (ctx, a: { node: string; gracePeriodSeconds?: number | null }) => drainNode(ctx, a.node, a.gracePeriodSeconds ?? undefined),
  rolloutRestart: (ctx, a: { kind: string; namespace: string; name: string }) => {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(a.kind)) throw badRequest(`${a.kind} is not a restartable kind: use Deployment, StatefulSet or DaemonSet`);
    return restart(a.kind)(ctx, a);
  },
  rolloutPause: (ctx, a: { namespace: string; name: string }) => patchTarget(ctx, { apiVersion: 'apps/v1', kind: 'Deployment', ...a }, { spec: { paused: true } }),
  rolloutResume: (ctx, a: { namespace: string; name: string }) => patchTarget(ctx, { apiVersion: 'apps/v1', kind: 'Deployment', ...a }, { spec: { paused: null } }),
  rolloutUndo: (ctx, a: { namespace: string; name: string; toRevision: number }) => rolloutUndo(ctx, a.namespace, a.name, a.toRevision),
};

function asResolvers(map: Record<string, MutationResolver>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([name, fn]) => [name, (_: unknown, args: never, ctx: GraphqlContext) => fn(ctx, args)]));
}

export const mutationModule: GraphqlModule = {
  typeDefs: mutationTypeDefs,
  resolvers: {
    Mutation: asResolvers(mutations),
  },
};

