/**
 * Money in Korean won. KRW has no minor unit, so an amount is a whole number of won held in a
 * JavaScript number: every amount remit handles is far below 2^53, and a branded safe integer
 * keeps arithmetic exact without bigint's cost (docs/decisions/0003-krw-as-safe-integer.md).
 */
import { invalidInput } from './errors.js';

declare const krwBrand: unique symbol;
/** A whole, non-negative number of won, built only by {@link parseKrw} or the helpers here. */
export type Krw = number & { readonly [krwBrand]: true };

export interface ParseKrwOptions {
  /** Largest accepted amount (the per-transfer limit). Default: 10 billion won (above any bank's). */
  readonly maxKrw?: number;
  /** Accept "10,000" and "10 000" style strings. Default false: separators are rejected. */
  readonly allowSeparators?: boolean;
}

/** Default upper bound: 10,000,000,000 won, above every Korean bank's single-transfer limit. */
export const DEFAULT_MAX_KRW = 10_000_000_000;

/**
 * Parse an amount of won from a number or a decimal string. Rejects fractions ("10000.5", 0.5),
 * negatives, NaN/Infinity, exponents, empty strings, separators unless allowed, and amounts over
 * the limit, with an `INVALID_INPUT` error that names the value.
 *
 * @example
 * ```ts
 * const a = parseKrw('15000');            // 15000
 * parseKrw('1,000', { allowSeparators: true }); // 1000
 * parseKrw(10000.5);                      // throws RemitError INVALID_INPUT
 * ```
 */
export function parseKrw(input: unknown, options: ParseKrwOptions = {}): Krw {
  const maxKrw = options.maxKrw ?? DEFAULT_MAX_KRW;
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string') {
    let text = input.trim();
    if (options.allowSeparators === true) text = text.replace(/(?<=\d)[,\s_](?=\d{3}(\D|$))/g, '');
    if (!/^\d+$/.test(text))
      throw invalidInput(`amount must be a whole number of won, got ${JSON.stringify(input)}`);
    value = Number(text);
  } else {
    throw invalidInput(`amount must be a number or a string of digits, got ${typeof input}`);
  }
  if (!Number.isSafeInteger(value))
    throw invalidInput(`amount must be a whole number of won, got ${String(input)}`);
  if (value < 0) throw invalidInput(`amount must not be negative, got ${value}`);
  if (value > maxKrw) throw invalidInput(`amount ${value} exceeds the limit of ${maxKrw} won`, { maxKrw });
  return value as Krw;
}

/**
 * Zero won.
 *
 * @example
 * ```ts
 * addKrw(ZERO_KRW, parseKrw(1)); // 1
 * ```
 */
export const ZERO_KRW = 0 as Krw;

/**
 * Sum of amounts; throws if the sum leaves the safe-integer range (it never does for real money).
 *
 * @example
 * ```ts
 * addKrw(parseKrw(1000), parseKrw(500)); // 1500
 * ```
 */
export function addKrw(...amounts: readonly Krw[]): Krw {
  let total = 0;
  for (const a of amounts) total += a;
  if (!Number.isSafeInteger(total)) throw invalidInput(`sum of amounts is out of range: ${total}`);
  return total as Krw;
}

/**
 * `a - b`; throws `INVALID_INPUT` when the result would be negative.
 *
 * @example
 * ```ts
 * subtractKrw(parseKrw(1000), parseKrw(300)); // 700
 * ```
 */
export function subtractKrw(a: Krw, b: Krw): Krw {
  if (b > a) throw invalidInput(`cannot subtract ${b} from ${a}: result would be negative`);
  return (a - b) as Krw;
}

/**
 * Compare two amounts: negative, zero or positive.
 *
 * @example
 * ```ts
 * compareKrw(parseKrw(1), parseKrw(2)); // -1
 * ```
 */
export function compareKrw(a: Krw, b: Krw): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `amount * numerator / denominator` rounded down to whole won (fees as a rate: basis points).
 * Integer-only: no float ever touches the amount.
 *
 * @example
 * ```ts
 * mulDivFloorKrw(parseKrw(10_001), 250, 10_000); // 250 (2.5% of 10,001, rounded down)
 * ```
 */
export function mulDivFloorKrw(amount: Krw, numerator: number, denominator: number): Krw {
  if (!Number.isSafeInteger(numerator) || numerator < 0)
    throw invalidInput(`numerator must be a non-negative integer`);
  if (!Number.isSafeInteger(denominator) || denominator <= 0)
    throw invalidInput(`denominator must be a positive integer`);
  const quotient = (BigInt(amount) * BigInt(numerator)) / BigInt(denominator);
  // A rate above 1 can leave the safe range, where a number would silently lose whole won.
  if (quotient > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidInput(`result is out of range: ${quotient}`);
  return Number(quotient) as Krw;
}

/**
 * Format for people: "15,000원".
 *
 * @example
 * ```ts
 * formatKrw(parseKrw(15000)); // "15,000원"
 * ```
 */
export function formatKrw(amount: Krw): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}원`;
}
