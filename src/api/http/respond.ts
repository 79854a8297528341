import type { ServerResponse } from 'node:http';
import { toApiError, type ApiError } from '../errors.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  // Encoded once: the length and the bytes written come from the same buffer.
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private' });
  res.end(bytes);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): ApiError {
  const apiError = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return apiError;
  }
  const headers: Record<string, string> = {};
  const retry = apiError.details?.retryAfterSeconds;
  if (retry !== undefined) headers['Retry-After'] = String(retry);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, apiError.code, apiError.toStatus());
  return apiError;
}
