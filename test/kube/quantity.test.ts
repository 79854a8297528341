import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  normalizeQuantityString,
  parseQuantity,
  parseQuantityJson,
  QUANTITY_ERROR_MESSAGES,
  QuantityParseError,
  quantityFromMilli,
  quantityFromUnits,
  subtractQuantities,
  sumQuantities,
  toMilli,
  toUnits,
  tryParseQuantity,
  type QuantityErrorKind,
  type QuantityFormat,
} from '../../src/kube/quantity.js';

describe('parsing quantities', () => {
  const cases: { input: string; nanos: bigint; format: QuantityFormat; printed: string }[] = [
    { input: '0', nanos: 0n, format: 'DecimalSI', printed: '0' },
    { input: '1', nanos: 1_000_000_000n, format: 'DecimalSI', printed: '1' },
    { input: '100m', nanos: 100_000_000n, format: 'DecimalSI', printed: '100m' },
    { input: '0.1', nanos: 100_000_000n, format: 'DecimalSI', printed: '100m' },
    { input: '1.5', nanos: 1_500_000_000n, format: 'DecimalSI', printed: '1500m' },
    { input: '1000m', nanos: 1_000_000_000n, format: 'DecimalSI', printed: '1' },
    { input: '1500m', nanos: 1_500_000_000n, format: 'DecimalSI', printed: '1500m' },
    { input: '-1.5', nanos: -1_500_000_000n, format: 'DecimalSI', printed: '-1500m' },
    { input: '500M', nanos: 500n * 10n ** 15n, format: 'DecimalSI', printed: '500M' },
    { input: '1000M', nanos: 10n ** 18n, format: 'DecimalSI', printed: '1G' },
    { input: '1000', nanos: 10n ** 12n, format: 'DecimalSI', printed: '1k' },
    { input: '1n', nanos: 1n, format: 'DecimalSI', printed: '1n' },
    { input: '1u', nanos: 1000n, format: 'DecimalSI', printed: '1u' },
    { input: '2Gi', nanos: 2n * 2n ** 30n * 10n ** 9n, format: 'BinarySI', printed: '2Gi' },
    { input: '1.5Gi', nanos: 1536n * 2n ** 20n * 10n ** 9n, format: 'BinarySI', printed: '1536Mi' },
    { input: '1024Mi', nanos: 2n ** 30n * 10n ** 9n, format: 'BinarySI', printed: '1Gi' },
    { input: '1024', nanos: 1024n * 10n ** 9n, format: 'DecimalSI', printed: '1024' },
    { input: '1Ki', nanos: 1024n * 10n ** 9n, format: 'BinarySI', printed: '1Ki' },
    { input: '0.5Ki', nanos: 512n * 10n ** 9n, format: 'BinarySI', printed: '512' },
    { input: '1e3', nanos: 10n ** 12n, format: 'DecimalExponent', printed: '1e3' },
    { input: '1E3', nanos: 10n ** 12n, format: 'DecimalExponent', printed: '1E3' },
    { input: '1.5e3', nanos: 1500n * 10n ** 9n, format: 'DecimalExponent', printed: '1500' },
    { input: '100e-3', nanos: 100_000_000n, format: 'DecimalExponent', printed: '100e-3' },
    { input: '1e-3', nanos: 1_000_000n, format: 'DecimalExponent', printed: '1e-3' },
    { input: '1E', nanos: 10n ** 27n, format: 'DecimalSI', printed: '1E' },
  ];
  for (const c of cases) {
    it(`"${c.input}" is ${c.nanos} nano-units in ${c.format} and prints as "${c.printed}"`, () => {
      const q = parseQuantity(c.input);
      assert.equal(q.nanos, c.nanos);
      assert.equal(q.format, c.format);
      assert.equal(normalizeQuantityString(c.input), c.printed);
    });
  }

  it('amounts finer than a nano are rounded up, away from zero', () => {
    assert.equal(parseQuantity('0.0000000001').nanos, 1n);
    assert.equal(parseQuantity('1.1n').nanos, 2n);
    assert.equal(parseQuantity('-1.1n').nanos, -2n);
    assert.equal(normalizeQuantityString('0.0000000001'), '1n');
    assert.equal(parseQuantity('1e-100000').nanos, 1n);
  });

  it('an already canonical string is echoed as written, as the API server does', () => {
    assert.equal(normalizeQuantityString('+1'), '+1');
    assert.equal(normalizeQuantityString('01'), '01');
    assert.equal(normalizeQuantityString('12Ki'), '12Ki');
    // not canonical: rewritten
    assert.equal(normalizeQuantityString('+1.5'), '1500m');
    assert.equal(normalizeQuantityString('2048Ki'), '2Mi');
    assert.equal(normalizeQuantityString('0.10'), '100m');
  });

  it('BinarySI values are capped at the largest int64, like apimachinery', () => {
    const q = parseQuantity('9Ei');
    assert.equal(q.nanos, (2n ** 63n - 1n) * 10n ** 9n);
    assert.equal(canonicalQuantity(q), '9223372036854775807');
  });

  it('a BinarySI value that is fractional prints as DecimalSI so nothing is lost', () => {
    assert.equal(canonicalQuantity({ nanos: 1536n * 10n ** 9n + 1n, format: 'BinarySI' }), '1536000000001n');
    assert.equal(canonicalQuantity({ nanos: 1025n * 10n ** 9n, format: 'BinarySI' }), '1025');
  });

  it('decimal values past E keep their value by growing the mantissa', () => {
    assert.equal(normalizeQuantityString('1000E'), '1000E');
    assert.equal(parseQuantity('1000E').nanos, 10n ** 30n);
  });

  const invalid: { input: string; kind: QuantityErrorKind }[] = [
    { input: '', kind: 'FormatWrong' },
    { input: 'abc', kind: 'FormatWrong' },
    { input: '1.1.1', kind: 'FormatWrong' },
    { input: '1Kb', kind: 'FormatWrong' },
    { input: '1 ', kind: 'FormatWrong' },
    { input: '1e3.5', kind: 'FormatWrong' },
    { input: '1K', kind: 'Suffix' },
    { input: '1ki', kind: 'Suffix' },
    { input: '1e', kind: 'Suffix' },
    { input: '1mm', kind: 'Suffix' },
    { input: '1e1001', kind: 'TooLarge' },
  ];
  for (const c of invalid) {
    it(`"${c.input}" is refused with apimachinery's ${c.kind} message`, () => {
      assert.throws(
        () => parseQuantity(c.input),
        (err: unknown) => err instanceof QuantityParseError && err.kind === c.kind && err.message === QUANTITY_ERROR_MESSAGES[c.kind],
      );
      assert.equal(tryParseQuantity(c.input), undefined);
    });
  }

  it('the format error quotes the regular expression kubectl users see', () => {
    assert.equal(QUANTITY_ERROR_MESSAGES.FormatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('quantities from JSON', () => {
  it('accepts numbers as well as strings, as the API server does', () => {
    assert.equal(canonicalQuantity(parseQuantityJson(1)), '1');
    assert.equal(canonicalQuantity(parseQuantityJson(0.5)), '500m');
    assert.equal(canonicalQuantity(parseQuantityJson(1e21)), '1e21');
    assert.equal(canonicalQuantity(parseQuantityJson(' 2Gi ')), '2Gi');
    assert.throws(() => parseQuantityJson(true), QuantityParseError);
    assert.throws(() => parseQuantityJson(Number.NaN), QuantityParseError);
  });
});

describe('quantity values and arithmetic', () => {
  it('milli and unit values are rounded up away from zero', () => {
    assert.equal(toMilli(parseQuantity('100m')), 100);
    assert.equal(toMilli(parseQuantity('2')), 2000);
    assert.equal(toMilli(parseQuantity('1n')), 1);
    assert.equal(toUnits(parseQuantity('2Gi')), 2 * 1024 ** 3);
    assert.equal(toUnits(parseQuantity('1.5')), 2);
    assert.equal(toUnits(parseQuantity('-1.5')), -2);
    assert.equal(toUnits(parseQuantity('500M')), 500_000_000);
  });

  it('comparison is by value, whatever the format', () => {
    assert.equal(compareQuantities(parseQuantity('1'), parseQuantity('1000m')), 0);
    assert.equal(compareQuantities(parseQuantity('1Ki'), parseQuantity('1k')), 1);
    assert.equal(compareQuantities(parseQuantity('1e3'), parseQuantity('1Ki')), -1);
  });

  it('a sum keeps the first non-zero format, as apimachinery Add does', () => {
    assert.equal(canonicalQuantity(addQuantities(parseQuantity('100m'), parseQuantity('1.5'))), '1600m');
    assert.equal(canonicalQuantity(addQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
    assert.equal(canonicalQuantity(addQuantities(parseQuantity('0'), parseQuantity('1Gi'))), '1Gi');
    assert.equal(canonicalQuantity(addQuantities(parseQuantity('1k'), parseQuantity('24'))), '1024');
    assert.equal(canonicalQuantity(sumQuantities(['1Gi', '1Gi', '2Gi'].map(parseQuantity))), '4Gi');
    assert.equal(canonicalQuantity(subtractQuantities(parseQuantity('1'), parseQuantity('250m'))), '750m');
  });

  it('quantities can be built from milli-units and units', () => {
    assert.equal(canonicalQuantity(quantityFromMilli(1500)), '1500m');
    assert.equal(canonicalQuantity(quantityFromUnits(2 * 1024 ** 3, 'BinarySI')), '2Gi');
    assert.equal(canonicalQuantity(quantityFromUnits(110)), '110');
    assert.throws(() => quantityFromUnits(1.5), RangeError);
  });
});
