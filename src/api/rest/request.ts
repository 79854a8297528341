import type { RequestContext } from '../http/context.js';
import { badRequest, unauthorized } from '../errors.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import type { Requester } from '../../objects/admission.js';
import type { RequestInfo } from './request-info.js';

/** A REST request resolved to one resource in one cluster. */
export interface RestRequest {
  ctx: RequestContext;
  info: RequestInfo;
  ref: ResourceRef;
  objects: ObjectService;
  requester: Requester;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export function requesterOf(ctx: RequestContext): Requester {
  if (ctx.identity === null) throw unauthorized();
  return { username: ctx.identity.username, groups: ctx.identity.groups };
}

/** `?dryRun=All` (the only value Kubernetes accepts). */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) if (value !== 'All') throw badRequest(`Invalid dry run value "${value}": only "All" is supported`);
  return values.length > 0;
}

/** A non-negative integer query parameter, or undefined when absent. */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw badRequest(`invalid value for ${name}: "${raw}" is not a non-negative integer`);
  return value;
}

export function writeOptions(request: RestRequest): { dryRun: boolean; requester: Requester; signal: AbortSignal; fieldManager?: string } {
  const query = request.ctx.url.searchParams;
  const fieldManager = query.get('fieldManager');
  if (fieldManager !== null && fieldManager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: dryRunOf(query), requester: request.requester, signal: request.signal, ...(fieldManager ? { fieldManager } : {}) };
}
