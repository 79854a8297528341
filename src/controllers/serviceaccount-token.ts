// Service-account tokens (pkg/controller/serviceaccount TokensController):
// a Secret of type kubernetes.io/service-account-token annotated with a
// service account's name gets a token, the namespace and the cluster CA; the
// token authenticates as system:serviceaccount:<ns>:<name>. kubeql tokens are
// opaque: only their hash is stored (tokens table, id `sa-secret-<secret uid>`),
// so deleting the Secret revokes it. Deleting the ServiceAccount deletes its
// token Secrets and revokes every token issued for it, TokenRequest ones included.

import type { PrismaClient } from '../generated/prisma/client.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import type { Requester } from '../objects/admission.js';
import type { ResourceRef } from '../objects/service.js';
import type { ObjectChange } from '../queue/registry.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { defineController, done, type ControllerDefinition, type ReconcileContext, type ReconcileResult } from './runtime/define.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
const TOKEN_ID_PREFIX = 'sa-secret-';
const REQUESTER: Requester = { username: 'system:serviceaccount:kube-system:tokens-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

export interface ServiceAccountTokenOptions {
  prisma: PrismaClient;
  /** PEM of the CA that signed the API's serving certificate (data["ca.crt"]). */
  caCertificate?: string;
}

export const serviceAccountUsername = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;
export const serviceAccountGroups = (namespace: string): string[] => ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: unknown): string | undefined => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined);
const annotationsOf = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};
const isTokenSecretFor = (secret: KubeObject, account: string): boolean => secret.type === SERVICE_ACCOUNT_TOKEN_TYPE && annotationsOf(secret)[SERVICE_ACCOUNT_NAME_ANNOTATION] === account;

/** A token Secret's change concerns the account it names. */
function secretKeys(change: ObjectChange) {
  const names = new Set<string>();
  for (const o of [change.prev, change.object]) {
    if (o?.type === SERVICE_ACCOUNT_TOKEN_TYPE) {
      const account = annotationsOf(o)[SERVICE_ACCOUNT_NAME_ANNOTATION];
      if (account) names.add(account);
    }
  }
  return [...names].map((name) => ({ cluster: change.cluster, namespace: change.namespace, name }));
}

async function deleteSecret(ctx: ReconcileContext, secrets: ResourceRef, secret: KubeObject): Promise<void> {
  try {
    await ctx.objects.delete(secrets, ctx.key.namespace, secret.metadata.name ?? '', { requester: REQUESTER, signal: ctx.signal, preconditions: { uid: secret.metadata.uid ?? '' } });
  } catch (err) {
    if (!(err instanceof NotFoundError) && !(err instanceof ConflictError)) throw err;
  }
}

export function serviceAccountTokenController(options: ServiceAccountTokenOptions): ControllerDefinition {
  const { prisma } = options;

  /** Makes sure the Secret carries a token we issued; returns its token row id. */
  async function ensureToken(ctx: ReconcileContext, secrets: ResourceRef, secret: KubeObject, account: KubeObject): Promise<string> {
    const { key } = ctx;
    const id = `${TOKEN_ID_PREFIX}${secret.metadata.uid ?? ''}`;
    const data = (secret.data ?? {}) as Record<string, string>;
    const existing = unb64(data.token);
    const row = await prisma.token.findUnique({ where: { id } });
    const current = existing !== undefined && row !== null && row.tokenHash === hashToken(existing);
    const uidAnnotation = annotationsOf(secret)[SERVICE_ACCOUNT_UID_ANNOTATION];
    if (current && uidAnnotation === account.metadata.uid && data.namespace !== undefined) return id;
    // A token we did not issue (or lost) is replaced: a Secret's author must not choose a credential.
    const token = current && existing !== undefined ? existing : generateToken();
    const username = serviceAccountUsername(key.namespace, key.name);
    await prisma.cluster.upsert({ where: { name: key.cluster }, create: { name: key.cluster }, update: {} });
    await prisma.token.upsert({
      where: { id },
      create: { id, cluster: key.cluster, tokenHash: hashToken(token), kind: 'serviceaccount', username, groups: serviceAccountGroups(key.namespace) },
      update: { tokenHash: hashToken(token), username, groups: serviceAccountGroups(key.namespace) },
    });
    const next: KubeObject = {
      ...secret,
      metadata: { ...secret.metadata, annotations: { ...annotationsOf(secret), [SERVICE_ACCOUNT_UID_ANNOTATION]: account.metadata.uid ?? '' } },
      data: { ...data, token: b64(token), namespace: b64(key.namespace), ...(options.caCertificate !== undefined ? { 'ca.crt': b64(options.caCertificate) } : {}) },
    };
    // Conditional on the Secret's version: a concurrent edit is a Conflict, retried.
    await ctx.objects.update(secrets, key.namespace, secret.metadata.name ?? '', next, { requester: REQUESTER, signal: ctx.signal });
    return id;
  }

  async function reconcile(ctx: ReconcileContext): Promise<ReconcileResult> {
    const { objects, store, key, signal } = ctx;
    const accounts = objects.resource(key.cluster, '', 'v1', 'serviceaccounts');
    const secrets = objects.resource(key.cluster, '', 'v1', 'secrets');
    const account = await store.get(objects.key(accounts, key.namespace, key.name), { signal });
    const tokenSecrets = (await store.list(objects.collection(secrets, key.namespace), { signal })).items.filter((s) => isTokenSecretFor(s, key.name));
    const username = serviceAccountUsername(key.namespace, key.name);
    if (account === null || account.metadata.deletionTimestamp !== undefined) {
      for (const secret of tokenSecrets) await deleteSecret(ctx, secrets, secret);
      await prisma.token.deleteMany({ where: { cluster: key.cluster, kind: 'serviceaccount', username } });
      return done();
    }
    const live: string[] = [];
    for (const secret of tokenSecrets) {
      if (secret.metadata.deletionTimestamp !== undefined) continue;
      const boundTo = annotationsOf(secret)[SERVICE_ACCOUNT_UID_ANNOTATION];
      // A Secret made for an earlier account of the same name goes with it.
      if (boundTo !== undefined && boundTo !== '' && boundTo !== account.metadata.uid) {
        await deleteSecret(ctx, secrets, secret);
        continue;
      }
      live.push(await ensureToken(ctx, secrets, secret, account));
    }
    // Tokens of Secrets that are gone stop working.
    await prisma.token.deleteMany({ where: { cluster: key.cluster, kind: 'serviceaccount', username, id: { startsWith: TOKEN_ID_PREFIX, notIn: live } } });
    return done();
  }

  return defineController({
    name: 'serviceaccount-token',
    route: {
      name: 'serviceaccount-token',
      for: { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount' },
      watches: [{ group: '', resource: 'secrets', map: secretKeys }],
    },
    reconcile,
  });
}
