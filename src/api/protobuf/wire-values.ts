// Scalar values as protobufjs hands them over, turned into what Go's
// encoding/json writes for the same Go field.
import protobuf from 'protobufjs';
import type { ScalarType } from './describe.js';

/** A decoded protobufjs message: own properties are the fields present on the wire. */
export type DecodedMessage = Record<string, unknown>;

export const isPresent = (message: DecodedMessage, field: string): boolean => Object.prototype.hasOwnProperty.call(message, field);

/** int64 arrives as a Long (or a number when long.js is absent). */
export function int64ToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const long = value as protobuf.Long;
    const n = protobuf.util.LongBits.from(long).toNumber(long.unsigned);
    // Go would write the exact integer; JSON.parse of it would round the same way.
    return n;
  }
  throw new Error(`expected an integer, got ${typeof value}`);
}

/** The JSON value of a scalar field (bytes as standard base64, as Go writes []byte). */
export function scalarToJson(type: ScalarType, value: unknown): string | number | boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : '';
    case 'bool':
      return value === true;
    case 'int32':
    case 'double':
      if (typeof value !== 'number') return 0;
      if (!Number.isFinite(value)) throw new Error(`${value} cannot be written as JSON`);
      return value;
    case 'int64':
      return int64ToNumber(value);
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : '';
    default:
      return assertNever(type);
  }
}

/** Go's `omitempty` test for the JSON value of a scalar. */
export const isZeroJson = (value: string | number | boolean): boolean => value === '' || value === 0 || value === false;

function assertNever(value: never): never {
  throw new Error(`unexpected scalar type ${String(value)}`);
}
