// apimachinery types whose JSON form is not their protobuf message: each has
// a wire description (field numbers as k8s.io/apimachinery publishes them)
// and the function that writes what their Go MarshalJSON writes.
import { parseJson } from '../http/body.js';
import type { MessageSpec } from './describe.js';
import { int64ToNumber, isPresent, type DecodedMessage } from './wire-values.js';

export const SPECIAL_MESSAGES: Readonly<Record<string, MessageSpec>> = {
  Time: { seconds: [1, 'int64'], nanos: [2, 'int32'] },
  MicroTime: { seconds: [1, 'int64'], nanos: [2, 'int32'] },
  Quantity: { string: [1, 'string'] },
  IntOrString: { type: [1, 'int64'], intVal: [2, 'int32'], strVal: [3, 'string'] },
  FieldsV1: { Raw: [1, 'bytes'] },
  RawExtension: { raw: [1, 'bytes'] },
  // authentication/authorization/certificates ExtraValue: a []string, wrapped in a message on the wire.
  ExtraValue: { items: [1, 'string[]'] },
};

/** Go's zero time.Time as Unix seconds: metav1.Time writes it as null. */
const GO_ZERO_TIME_SECONDS = -62135596800;

function utcDate(seconds: number, where: string): Date {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  // RFC 3339 has four-digit years; Go would write something no client parses.
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) throw new Error(`${where}: ${seconds} seconds is outside years 0000-9999`);
  return date;
}

// metav1.Time: protobuf keeps whole seconds (the decoder drops nanos, as JSON
// has second precision); an empty message is the zero time, written null.
function timeToJson(message: DecodedMessage): string | null {
  if (Object.keys(message).length === 0) return null;
  const seconds = isPresent(message, 'seconds') ? int64ToNumber(message.seconds) : 0;
  if (seconds === GO_ZERO_TIME_SECONDS) return null;
  return `${utcDate(seconds, 'Time').toISOString().slice(0, 19)}Z`;
}

// metav1.MicroTime: RFC 3339 with exactly six fractional digits (nanos truncated).
function microTimeToJson(message: DecodedMessage): string | null {
  if (Object.keys(message).length === 0) return null;
  let seconds = isPresent(message, 'seconds') ? int64ToNumber(message.seconds) : 0;
  let nanos = typeof message.nanos === 'number' ? message.nanos : 0;
  nanos -= nanos % 1000;
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
  const micros = String(nanos / 1000).padStart(6, '0');
  return `${utcDate(seconds, 'MicroTime').toISOString().slice(0, 19)}.${micros}Z`;
}

// resource.Quantity: Go clients send the canonical string; the zero Quantity is "0".
function quantityToJson(message: DecodedMessage): string {
  const text = message.string;
  return typeof text === 'string' && text !== '' ? text : '0';
}

// intstr.IntOrString: type 0 is an int, 1 a string.
function intOrStringToJson(message: DecodedMessage): number | string {
  const type = isPresent(message, 'type') ? int64ToNumber(message.type) : 0;
  if (type === 0) return typeof message.intVal === 'number' ? message.intVal : 0;
  if (type === 1) return typeof message.strVal === 'string' ? message.strVal : '';
  throw new Error(`IntOrString has the impossible type ${type}`);
}

// FieldsV1 and RawExtension carry JSON bytes verbatim; absent bytes are null.
function embeddedJson(field: string): (message: DecodedMessage) => unknown {
  return (message) => {
    const raw = message[field];
    if (!(raw instanceof Uint8Array)) return null;
    return parseJson(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  };
}

// ExtraValue is a Go []string: JSON writes the list itself (null when nil).
function stringListToJson(message: DecodedMessage): string[] | null {
  const items = Array.isArray(message.items) ? (message.items as unknown[]).map((item) => (typeof item === 'string' ? item : '')) : [];
  return items.length > 0 ? items : null;
}

export const SPECIAL_TO_JSON: Readonly<Record<string, (message: DecodedMessage) => unknown>> = {
  Time: timeToJson,
  MicroTime: microTimeToJson,
  Quantity: quantityToJson,
  IntOrString: intOrStringToJson,
  FieldsV1: embeddedJson('Raw'),
  RawExtension: embeddedJson('raw'),
  ExtraValue: stringListToJson,
};
