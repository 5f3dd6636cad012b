import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemitError } from '../errors.js';
import { parseOrderId } from '../ids.js';
import { eucKrByteLength, nameKey } from './names.js';
import {
  assignedNameCandidates,
  DEFAULT_SUFFIX_ATTEMPTS,
  SUFFIX_COUNT,
  suffixCandidates,
  suffixedName,
} from './order-names.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

describe('suffixedName', () => {
  it('appends 3 digits to a short name', () => {
    expect(suffixedName('김테스트', 42, 12)).toBe('김테스트042');
    expect(suffixedName('김테스트', 0, 12)).toBe('김테스트000');
    expect(suffixedName('김테스트', 999, 12)).toBe('김테스트999');
  });

  it('cuts the base, never the digits, so they survive the bank truncation', () => {
    expect(suffixedName('(주) 김테스트상사', 7, 12)).toBe('김테스트007');
    expect(suffixedName('kim test', 7, 6)).toBe('KIM007');
    expect(nameKey(suffixedName('김테스트상사본점', 123, 12), 12)).toBe('김테스트123');
  });

  it('rejects bad suffixes, budgets and bases', () => {
    expect(code(() => suffixedName('김테스트', 1000, 12))).toBe('INVALID_INPUT');
    expect(code(() => suffixedName('김테스트', -1, 12))).toBe('INVALID_INPUT');
    expect(code(() => suffixedName('김테스트', 1.5, 12))).toBe('INVALID_INPUT');
    expect(code(() => suffixedName('김테스트', 1, 3))).toBe('INVALID_CONFIG');
    expect(code(() => suffixedName('김테스트', 1, 256))).toBe('INVALID_CONFIG');
    expect(code(() => suffixedName('   ', 1, 12))).toBe('INVALID_INPUT');
    expect(code(() => suffixedName('김테스트', 1, 4))).toBe('INVALID_INPUT'); // 1 byte cannot hold 김
    expect(suffixedName('A', 1, 4)).toBe('A001');
  });

  it('property: fits the budget and distinct suffixes give distinct name keys', () => {
    const base = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map((s) => `김${s}`);
    fc.assert(
      fc.property(base, fc.integer({ min: 0, max: 998 }), fc.integer({ min: 5, max: 30 }), (b, s, budget) => {
        const one = suffixedName(b, s, budget);
        const two = suffixedName(b, s + 1, budget);
        expect(eucKrByteLength(one)).toBeLessThanOrEqual(budget);
        expect(one.endsWith(String(s).padStart(3, '0'))).toBe(true);
        expect(nameKey(one, budget)).not.toBe(nameKey(two, budget));
      }),
    );
  });
});

describe('suffixCandidates', () => {
  it('is a deterministic function of the order id', () => {
    const id = parseOrderId('ord-20261128-0001');
    expect(suffixCandidates(id, 16)).toEqual(suffixCandidates(id, 16));
    expect(suffixCandidates(id, 16)).not.toEqual(suffixCandidates(parseOrderId('ord-20261128-0002'), 16));
  });

  it('visits all 1,000 suffixes exactly once, and no more', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), (raw) => {
        const all = suffixCandidates(parseOrderId(raw), 5000);
        expect(all).toHaveLength(SUFFIX_COUNT);
        expect(new Set(all).size).toBe(SUFFIX_COUNT);
        expect(all.every((s) => Number.isInteger(s) && s >= 0 && s < SUFFIX_COUNT)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a negative count and returns nothing for 0', () => {
    expect(suffixCandidates(parseOrderId('ord-1'), 0)).toEqual([]);
    expect(code(() => suffixCandidates(parseOrderId('ord-1'), -1))).toBe('INVALID_INPUT');
  });
});

describe('assignedNameCandidates', () => {
  it('offers DEFAULT_SUFFIX_ATTEMPTS distinct names within the budget, in suffix order', () => {
    const orderId = parseOrderId('ord-1');
    const names = assignedNameCandidates({ base: '김테스트상사', orderId, budgetBytes: 12 });
    expect(names).toHaveLength(DEFAULT_SUFFIX_ATTEMPTS);
    expect(new Set(names).size).toBe(DEFAULT_SUFFIX_ATTEMPTS);
    expect(names[0]).toBe(suffixedName('김테스트상사', suffixCandidates(orderId, 1)[0] as number, 12));
    expect(names.every((n) => eucKrByteLength(n) <= 12)).toBe(true);
    expect(assignedNameCandidates({ base: '김', orderId, budgetBytes: 12, attempts: 3 })).toHaveLength(3);
  });
});
