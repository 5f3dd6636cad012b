import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemitError } from './errors.js';
import {
  addKrw,
  compareKrw,
  DEFAULT_MAX_KRW,
  formatKrw,
  type Krw,
  mulDivFloorKrw,
  parseKrw,
  subtractKrw,
  ZERO_KRW,
} from './money.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

const amount = fc.integer({ min: 0, max: DEFAULT_MAX_KRW }).map((n) => parseKrw(n));

describe('parseKrw', () => {
  it('accepts whole numbers of won as numbers or digit strings', () => {
    expect(parseKrw(15_000)).toBe(15_000);
    expect(parseKrw('15000')).toBe(15_000);
    expect(parseKrw(' 15000 ')).toBe(15_000);
    expect(parseKrw(0)).toBe(0);
    expect(parseKrw(DEFAULT_MAX_KRW)).toBe(DEFAULT_MAX_KRW);
  });

  it.each([
    ['"10000.5"', '10000.5'],
    ['10000.5', 10000.5],
    ['0.1', 0.1],
    ['-1', -1],
    ['"-1"', '-1'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['"1e4"', '1e4'],
    ['""', ''],
    ['"abc"', 'abc'],
    ['full-width digits', '１０００'],
    ['2^53', 2 ** 53],
    ['"1,000" without allowSeparators', '1,000'],
    ['a boolean', true],
    ['null', null],
    ['an object', { amount: 1 }],
    ['a bigint', 10n],
  ])('rejects %s with INVALID_INPUT', (_label, input) => {
    expect(code(() => parseKrw(input))).toBe('INVALID_INPUT');
  });

  it('rejects amounts over the limit, the default one or a configured one', () => {
    expect(code(() => parseKrw(DEFAULT_MAX_KRW + 1))).toBe('INVALID_INPUT');
    expect(code(() => parseKrw(5_000_001, { maxKrw: 5_000_000 }))).toBe('INVALID_INPUT');
    expect(parseKrw(5_000_000, { maxKrw: 5_000_000 })).toBe(5_000_000);
    let caught: unknown;
    try {
      parseKrw('5000001', { maxKrw: 5_000_000 });
    } catch (err) {
      caught = err;
    }
    expect(isRemitError(caught) && caught.details).toEqual({ maxKrw: 5_000_000 });
  });

  it('accepts thousands separators only when asked, and only well-placed ones', () => {
    expect(parseKrw('1,000', { allowSeparators: true })).toBe(1_000);
    expect(parseKrw('1,234,567', { allowSeparators: true })).toBe(1_234_567);
    expect(parseKrw('1 000', { allowSeparators: true })).toBe(1_000);
    expect(parseKrw('1_000', { allowSeparators: true })).toBe(1_000);
    expect(code(() => parseKrw('1,00', { allowSeparators: true }))).toBe('INVALID_INPUT');
    expect(code(() => parseKrw('1,0000', { allowSeparators: true }))).toBe('INVALID_INPUT');
    expect(code(() => parseKrw(',1000', { allowSeparators: true }))).toBe('INVALID_INPUT');
    expect(code(() => parseKrw('1,000.5', { allowSeparators: true }))).toBe('INVALID_INPUT');
  });

  it('property: any float with a fraction is rejected; any safe integer in range round-trips', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        if (Number.isInteger(x) && x >= 0 && x <= DEFAULT_MAX_KRW) expect(parseKrw(x)).toBe(x);
        else expect(code(() => parseKrw(x))).toBe('INVALID_INPUT');
      }),
    );
    fc.assert(
      fc.property(amount, (a) => {
        expect(parseKrw(String(a))).toBe(a);
      }),
    );
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, compares', () => {
    expect(addKrw()).toBe(0);
    expect(addKrw(parseKrw(1_000), parseKrw(500), parseKrw(1))).toBe(1_501);
    expect(subtractKrw(parseKrw(1_000), parseKrw(300))).toBe(700);
    expect(code(() => subtractKrw(parseKrw(300), parseKrw(1_000)))).toBe('INVALID_INPUT');
    expect(compareKrw(parseKrw(1), parseKrw(2))).toBe(-1);
    expect(compareKrw(parseKrw(2), parseKrw(1))).toBe(1);
    expect(compareKrw(parseKrw(2), parseKrw(2))).toBe(0);
    expect(addKrw(ZERO_KRW, parseKrw(7))).toBe(7);
  });

  it('refuses a sum outside the safe-integer range', () => {
    const big = (Number.MAX_SAFE_INTEGER - 1) as Krw;
    expect(code(() => addKrw(big, big))).toBe('INVALID_INPUT');
  });

  it('property: addition is commutative, associative, has identity 0, and subtraction undoes it', () => {
    fc.assert(
      fc.property(amount, amount, amount, (a, b, c) => {
        expect(addKrw(a, b)).toBe(addKrw(b, a));
        expect(addKrw(addKrw(a, b), c)).toBe(addKrw(a, addKrw(b, c)));
        expect(addKrw(a, ZERO_KRW)).toBe(a);
        expect(subtractKrw(addKrw(a, b), b)).toBe(a);
        expect(Number.isSafeInteger(addKrw(a, b, c))).toBe(true);
        expect(compareKrw(a, b)).toBe(-compareKrw(b, a) || 0);
      }),
    );
  });

  it('property: subtraction never goes negative and never yields a non-integer', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        if (b > a) expect(code(() => subtractKrw(a, b))).toBe('INVALID_INPUT');
        else {
          const d = subtractKrw(a, b);
          expect(Number.isSafeInteger(d) && d >= 0).toBe(true);
          expect(addKrw(d, b)).toBe(a);
        }
      }),
    );
  });
});

describe('mulDivFloorKrw', () => {
  it('rounds down to whole won', () => {
    expect(mulDivFloorKrw(parseKrw(10_001), 250, 10_000)).toBe(250);
    expect(mulDivFloorKrw(parseKrw(9_999), 1, 10_000)).toBe(0);
    expect(mulDivFloorKrw(parseKrw(DEFAULT_MAX_KRW), 9_999, 10_000)).toBe(9_999_000_000);
  });

  it('rejects bad numerators and denominators', () => {
    for (const [n, d] of [
      [-1, 10],
      [1.5, 10],
      [1, 0],
      [1, -10],
      [1, 0.5],
    ] as const) {
      expect(
        code(() => mulDivFloorKrw(parseKrw(100), n, d)),
        `${n}/${d}`,
      ).toBe('INVALID_INPUT');
    }
  });

  it('refuses a result outside the safe-integer range', () => {
    expect(code(() => mulDivFloorKrw(parseKrw(DEFAULT_MAX_KRW), 10_000_000, 1))).toBe('INVALID_INPUT');
  });

  it('property: exact integer floor, never above the amount for rates <= 1, never non-integer', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 1_000_000 }), fc.nat({ max: 1_000_000 }), (a, d, n0) => {
        const n = n0 % (d + 1); // a rate n/d <= 1
        const r = mulDivFloorKrw(a, n, d);
        expect(Number.isSafeInteger(r)).toBe(true);
        expect(r).toBeLessThanOrEqual(a);
        expect(BigInt(r)).toBe((BigInt(a) * BigInt(n)) / BigInt(d));
        // floor: r*d <= a*n < (r+1)*d
        expect(BigInt(r) * BigInt(d) <= BigInt(a) * BigInt(n)).toBe(true);
        expect(BigInt(a) * BigInt(n) < (BigInt(r) + 1n) * BigInt(d)).toBe(true);
      }),
    );
  });
});

describe('formatKrw', () => {
  it('groups thousands and appends 원', () => {
    expect(formatKrw(parseKrw(15_000))).toBe('15,000원');
    expect(formatKrw(parseKrw(0))).toBe('0원');
    expect(formatKrw(parseKrw(999))).toBe('999원');
    expect(formatKrw(parseKrw(1_234_567))).toBe('1,234,567원');
  });

  it('property: removing the grouping gives the number back', () => {
    fc.assert(
      fc.property(amount, (a) => {
        const text = formatKrw(a);
        expect(text.endsWith('원')).toBe(true);
        expect(parseKrw(text.slice(0, -1), { allowSeparators: true })).toBe(a);
      }),
    );
  });
});
