import type { RequestContext } from '../http/context.js';
import { badRequest, unauthorized } from '../errors.js';
import type { ObjectService, ResourceRef } from '../../objects/service.js';
import type { Requester } from '../../objects/admission.js';
import type { RequestInfo } from './request-info.js';
import { fieldValidationOf, type FieldValidation } from '../../objects/field-validation.js';

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

export interface RestWriteOptions {
  dryRun: boolean;
  requester: Requester;
  signal: AbortSignal;
  fieldManager?: string;
  userAgent?: string;
  fieldValidation: FieldValidation;
  force?: boolean;
  /** Filled by the object service; sent back as Warning headers. */
  warnings: string[];
}

export function writeOptions(request: RestRequest): RestWriteOptions {
  const query = request.ctx.url.searchParams;
  const fieldManager = query.get('fieldManager');
  if (fieldManager !== null && fieldManager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  const userAgent = request.ctx.req.headers['user-agent'];
  const force = query.get('force');
  return {
    dryRun: dryRunOf(query),
    requester: request.requester,
    signal: request.signal,
    fieldValidation: fieldValidationOf(query),
    warnings: [],
    ...(fieldManager ? { fieldManager } : {}),
    ...(userAgent ? { userAgent } : {}),
    // PatchOptions.Force is a bool: present and not "false" means force.
    ...(force !== null ? { force: force !== 'false' } : {}),
  };
}

/** Sends warnings the way the API server does: one `Warning: 299 - "text"` header each. */
export function sendWarnings(request: RestRequest, warnings: readonly string[]): void {
  if (warnings.length === 0 || request.ctx.res.headersSent) return;
  request.ctx.res.setHeader('Warning', [...new Set(warnings)].map((w) => `299 - ${JSON.stringify(w)}`));
}
