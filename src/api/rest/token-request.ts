// serviceaccounts/<name>/token (TokenRequest): what `kubectl create token` and
// kubelets post to get a short-lived credential for a service account. kubeql's
// tokens are opaque bearer tokens (hash stored), not signed JWTs; they
// authenticate as the service account the way a projected token does.

import type { PrismaClient } from '../../generated/prisma/client.js';
import { issueToken } from '../../auth/tokens.js';
import { ApiError } from '../errors.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { readRequestObject } from '../protobuf/request-object.js';
import type { RestRequest } from './request.js';
import { dryRunOf } from './request.js';

// The API server's defaults and bounds (pkg/apis/authentication/validation, serviceaccount token REST).
const DEFAULT_EXPIRATION_S = 3600;
const MIN_EXPIRATION_S = 600;
const MAX_EXPIRATION_S = 2 ** 32;
// --api-audiences defaults to the issuer; kubeql serves one audience per deployment.
const DEFAULT_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

interface TokenRequestBody {
  spec?: { audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: unknown };
}

function invalid(name: string, field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: 'authentication.k8s.io',
    kind: 'TokenRequest',
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Issues a token for an existing service account and answers with the TokenRequest. */
export async function serveTokenRequest(request: RestRequest, prisma: PrismaClient): Promise<void> {
  const { ref, info, objects } = request;
  if (info.verb !== 'create') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const raw = await readBody(request.ctx.req);
  const body = (raw.length === 0 ? {} : readRequestObject(request.ctx.req.headers['content-type'], raw, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' })) as TokenRequestBody;
  const spec = body.spec ?? {};
  const expiration = spec.expirationSeconds ?? DEFAULT_EXPIRATION_S;
  if (typeof expiration !== 'number' || !Number.isInteger(expiration)) throw invalid(info.name, 'spec.expirationSeconds', `Invalid value: ${JSON.stringify(expiration)}: must be an integer`);
  if (expiration < MIN_EXPIRATION_S) throw invalid(info.name, 'spec.expirationSeconds', `Invalid value: ${expiration}: may not specify a duration less than 10 minutes`);
  if (expiration > MAX_EXPIRATION_S) throw invalid(info.name, 'spec.expirationSeconds', `Invalid value: ${expiration}: may not specify a duration larger than 2^32 seconds`);
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : DEFAULT_AUDIENCES;
  // 404 `serviceaccounts "x" not found` when there is no such account.
  await objects.get(ref, info.namespace, info.name, request.signal);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + expiration * 1000);
  const namespace = info.namespace;
  const token = dryRunOf(request.ctx.url.searchParams)
    ? ''
    : await issueToken(prisma, {
        cluster: ref.cluster,
        kind: 'serviceaccount',
        username: `system:serviceaccount:${namespace}:${info.name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
        expiresAt,
      });
  sendJson(request.ctx.res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: info.name, namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences, expirationSeconds: expiration, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(expiresAt) },
  });
}
