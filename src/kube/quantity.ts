// Kubernetes resource.Quantity: "100m", "1.5", "2Gi", "500M", "1e3".
//
// A quantity is an exact decimal rounded up to nano precision (10^-9), the way
// apimachinery stores it, plus the format it is printed in. Values are held as
// a bigint count of nano-units so sums of many requests never lose precision;
// hot paths (the scheduler) convert once with toMilli()/toUnits().
//
// Parsing and printing follow apimachinery's ParseQuantity and
// CanonicalizeBytes, including two quirks clients can observe:
//   - a string that is already canonical is echoed back as written
//     (so "+1" and "01" round-trip unchanged, like the API server does);
//   - a BinarySI value that is fractional or smaller than 1024 prints as DecimalSI.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9, rounded away from zero like apimachinery does. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  /** The text as written, kept only where apimachinery keeps it (already canonical). */
  readonly text?: string;
}

export type QuantityErrorKind = 'FormatWrong' | 'Numeric' | 'Suffix' | 'TooLarge';

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** apimachinery's error strings, as they appear in validation messages. */
export const QUANTITY_ERROR_MESSAGES: Readonly<Record<QuantityErrorKind, string>> = {
  FormatWrong: `quantities must match the regular expression '${SPLIT_RE}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
  // Not in apimachinery (it accepts any int32 exponent): refused so that a
  // hostile "1e999999999" cannot cost seconds of bigint arithmetic.
  TooLarge: 'quantity is too large',
};

export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
  constructor(
    readonly kind: QuantityErrorKind,
    readonly input: string,
  ) {
    super(QUANTITY_ERROR_MESSAGES[kind]);
  }
}

const NANO_PER_UNIT = 1_000_000_000n;
const NANO_PER_MILLI = 1_000_000n;
/** Above this decimal exponent a quantity is refused (see TooLarge). */
const MAX_DECIMAL_EXPONENT = 1000;
/** apimachinery caps parsed BinarySI values at the largest int64. */
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANO_PER_UNIT;
/** apimachinery's maxInt64Factors: digits that always fit an int64. */
const MAX_INT64_DIGITS = 18;
const INT64_MAX = 2n ** 63n - 1n;

interface Suffix {
  readonly base: 10 | 2;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const DECIMAL_SUFFIX_BY_EXPONENT: ReadonlyMap<number, string> = new Map([...DECIMAL_SUFFIXES].map(([s, e]) => [e, s]));

const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);
const BINARY_SUFFIX_BY_POWER: readonly string[] = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function interpretSuffix(suffix: string, input: string): Suffix {
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SUFFIXES.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) throw new QuantityParseError('Suffix', input);
    const exponent = Number(digits);
    if (exponent > MAX_DECIMAL_EXPONENT) throw new QuantityParseError('TooLarge', input);
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityParseError('Suffix', input);
}

interface Scanned {
  positive: boolean;
  /** Integer digits without leading zeros ("0" when there are none). */
  num: string;
  /** Fraction digits as written. */
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

// Mirrors apimachinery's scanner, which (for instance) reads "m" and "." as zero.
function scan(input: string): Scanned {
  let pos = 0;
  let positive = true;
  if (input[0] === '-') {
    positive = false;
    pos++;
  } else if (input[0] === '+') {
    pos++;
  }
  while (input[pos] === '0') pos++;
  const numStart = pos;
  while (isDigit(input[pos])) pos++;
  const num = input.slice(numStart, pos) || '0';
  let denom = '';
  if (input[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (isDigit(input[pos])) pos++;
    denom = input.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < input.length && 'eEinumkKMGTP'.includes(input[pos] as string)) pos++;
  if (input[pos] === '-' || input[pos] === '+') pos++;
  while (isDigit(input[pos])) pos++;
  if (pos < input.length) throw new QuantityParseError('FormatWrong', input);
  return { positive, num, denom, suffix: input.slice(suffixStart) };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** digits × 10^scale in nano-units, rounded away from zero. */
function toNanos(digits: bigint, scale: number): bigint {
  const shift = scale + 9;
  if (shift >= 0) return digits * pow10(shift);
  if (digits === 0n) return 0n;
  // Far below a nano: the answer is one nano without computing a huge power.
  if (digits.toString().length <= -shift) return 1n;
  const divisor = pow10(-shift);
  const quotient = digits / divisor;
  return digits % divisor === 0n ? quotient : quotient + 1n;
}

/**
 * Parses a quantity the way the Kubernetes API server does.
 * @throws QuantityParseError with apimachinery's message.
 */
export function parseQuantity(input: string): Quantity {
  if (input.length === 0) throw new QuantityParseError('FormatWrong', input);
  if (input === '0') return { nanos: 0n, format: 'DecimalSI', text: input };
  const { positive, num, denom, suffix } = scan(input);
  const { base, exponent, format } = interpretSuffix(suffix, input);
  const digits = BigInt(num + denom);
  if (base === 10 && exponent - denom.length + num.length > MAX_DECIMAL_EXPONENT) throw new QuantityParseError('TooLarge', input);

  let nanos: bigint;
  let outFormat = format;
  if (base === 10) {
    nanos = toNanos(digits, exponent - denom.length);
  } else {
    const scaled = digits * 2n ** BigInt(exponent);
    nanos = toNanos(scaled, -denom.length);
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    if (nanos > 0n && nanos < NANO_PER_UNIT) outFormat = 'DecimalSI';
  }
  if (!positive) nanos = -nanos;
  const text = echoesInput(num, denom, base, exponent) ? input : undefined;
  return text === undefined ? { nanos, format: outFormat } : { nanos, format: outFormat, text };
}

// apimachinery's fast path keeps the input string when it is "already
// canonical"; this reproduces its test exactly so serialized objects match.
function echoesInput(num: string, denom: string, base: 10 | 2, exponent: number): boolean {
  const shifted = num + denom;
  let precision: number;
  if (base === 10) {
    precision = MAX_INT64_DIGITS - shifted.length;
  } else if (denom.length === 0) {
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else {
    return false;
  }
  if (precision < 0) return false;
  const scale = (base === 10 ? exponent : 0) - denom.length;
  if (scale < -9) return false;
  const value = BigInt(shifted);
  const mantissa = base === 2 ? 2n ** BigInt(exponent) : 1n;
  if (value * mantissa > INT64_MAX) return false;
  if (base === 2) return exponent % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/**
 * A quantity as it appears in JSON: a string, or a number (OpenAPI allows
 * both, `cpu: 1` in YAML arrives as a number). Anything else is FormatWrong.
 */
export function parseQuantityJson(value: unknown): Quantity {
  if (typeof value === 'string') return parseQuantity(value.trim());
  if (typeof value === 'number' && Number.isFinite(value)) return parseQuantity(String(value));
  throw new QuantityParseError('FormatWrong', String(value));
}

/** Like parseQuantity, but undefined instead of an exception. */
export function tryParseQuantity(input: string): Quantity | undefined {
  try {
    return parseQuantity(input);
  } catch (err) {
    if (err instanceof QuantityParseError) return undefined;
    throw err;
  }
}

function removeFactors(value: bigint, factor: bigint, limit = Infinity): [bigint, number] {
  let times = 0;
  let v = value;
  while (times < limit && v !== 0n && v % factor === 0n) {
    v /= factor;
    times++;
  }
  return [v, times];
}

function canonicalDecimal(nanos: bigint, format: 'DecimalSI' | 'DecimalExponent'): string {
  const [reduced, times] = removeFactors(nanos, 10n);
  let mantissa = reduced;
  let exponent = times - 9;
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(down);
  exponent -= down;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  // apimachinery prints no suffix at all past E (10^18), which changes the
  // value; kubeql keeps the value by printing a larger mantissa with "E".
  if (exponent > 18) {
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** The canonical string apimachinery prints ("1.5" -> "1500m", "1.5Gi" -> "1536Mi"). */
export function canonicalQuantity(q: Pick<Quantity, 'nanos' | 'format'>): string {
  if (q.nanos === 0n) return '0';
  if (q.format === 'BinarySI') {
    const small = q.nanos > -1024n * NANO_PER_UNIT && q.nanos < 1024n * NANO_PER_UNIT;
    if (small || q.nanos % NANO_PER_UNIT !== 0n) return canonicalDecimal(q.nanos, 'DecimalSI');
    const [mantissa, power] = removeFactors(q.nanos / NANO_PER_UNIT, 1024n, BINARY_SUFFIX_BY_POWER.length - 1);
    return `${mantissa}${BINARY_SUFFIX_BY_POWER[power] ?? ''}`;
  }
  return canonicalDecimal(q.nanos, q.format);
}

/** The string the API server would serialize: the input if it was kept, else canonical. */
export function formatQuantity(q: Quantity): string {
  return q.text ?? canonicalQuantity(q);
}

/** Parses and re-serializes, as a round trip through the API server would. */
export function normalizeQuantityString(input: string): string {
  return formatQuantity(parseQuantity(input));
}

function divideAwayFromZero(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  if (value % divisor === 0n) return quotient;
  return value > 0n ? quotient + 1n : quotient - 1n;
}

/** apimachinery's Value(): whole units, rounded up away from zero. */
export function quantityValue(q: Quantity): bigint {
  return divideAwayFromZero(q.nanos, NANO_PER_UNIT);
}

/** apimachinery's MilliValue(): thousandths, rounded up away from zero. */
export function quantityMilliValue(q: Quantity): bigint {
  return divideAwayFromZero(q.nanos, NANO_PER_MILLI);
}

/** MilliValue as a JS number (exact below 2^53 milli-units, about 9 × 10^12 units). */
export function toMilli(q: Quantity): number {
  return Number(quantityMilliValue(q));
}

/** Value as a JS number (exact below 2^53 units: bytes up to 8 PiB). */
export function toUnits(q: Quantity): number {
  return Number(quantityValue(q));
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.nanos === 0n;
}

/** a + b in a's format (b's when a is zero), as apimachinery's Add. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** a - b in a's format (b's when a is zero), as apimachinery's Sub. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** Sum of quantities; zero (DecimalSI) for none. */
export function sumQuantities(items: Iterable<Quantity>): Quantity {
  let total: Quantity = zeroQuantity();
  for (const q of items) total = addQuantities(total, q);
  return total;
}

export function zeroQuantity(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: 0n, format };
}

/** NewQuantity: a whole number of units (bytes, cores, pods). */
export function quantityFromUnits(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: toBigInt(value) * NANO_PER_UNIT, format };
}

/** NewMilliQuantity: a number of thousandths (millicores). */
export function quantityFromMilli(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: toBigInt(value) * NANO_PER_MILLI, format };
}

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return BigInt(value);
}
