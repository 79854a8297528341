import { BadRequestError } from './errors.js';

/** Parses a client-supplied resourceVersion (decimal, as the store issues them). */
export function parseResourceVersion(raw: string): number {
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new BadRequestError(`invalid resource version: ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
