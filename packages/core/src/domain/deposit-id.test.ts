import { describe, expect, it } from 'vitest';
import { isRemitError } from '../errors.js';
import { parseDepositId } from '../ids.js';
import { parseKrw } from '../money.js';
import { depositIdFor } from './deposit-id.js';

const row = {
  date: '20261128',
  time: '101500',
  amountKrw: parseKrw(15_000),
  afterBalanceKrw: parseKrw(1_234_000),
  depositorName: '김테스트',
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

describe('depositIdFor', () => {
  it("uses the bank's transaction id when given", () => {
    expect(depositIdFor({ ...row, bankTranId: '2026112800012345' })).toBe('2026112800012345');
    expect(depositIdFor({ ...row, bankTranId: '  T-77  ' })).toBe('T-77');
  });

  it('hashes a bank id that holds characters an id may not (stable, parseable)', () => {
    const id = depositIdFor({ ...row, bankTranId: '2026/11/28 #12' });
    expect(id).toMatch(/^bk-[0-9a-f]{32}$/);
    expect(depositIdFor({ ...row, bankTranId: '2026/11/28 #12' })).toBe(id);
    expect(parseDepositId(id)).toBe(id);
  });

  it('falls back to a fingerprint of the row when the bank gives no id', () => {
    const id = depositIdFor(row);
    expect(id).toMatch(/^fp-[0-9a-f]{32}$/);
    expect(depositIdFor({ ...row, bankTranId: '' })).toBe(id);
    expect(depositIdFor({ ...row, bankTranId: undefined })).toBe(id);
    expect(parseDepositId(id)).toBe(id);
  });

  it('gives the same row the same id, even decoded as NFD or with padding', () => {
    const id = depositIdFor(row);
    expect(depositIdFor({ ...row, depositorName: ' 김테스트'.normalize('NFD') })).toBe(id);
  });

  it('gives different rows different ids', () => {
    const id = depositIdFor(row);
    const variants = [
      { ...row, date: '20261129' },
      { ...row, time: '101501' },
      { ...row, amountKrw: parseKrw(15_001) },
      { ...row, afterBalanceKrw: parseKrw(1_234_001) },
      { date: row.date, time: row.time, amountKrw: row.amountKrw, depositorName: row.depositorName },
      { ...row, depositorName: '이테스트' },
    ];
    const ids = new Set(variants.map(depositIdFor));
    expect(ids.size).toBe(variants.length);
    expect(ids.has(id)).toBe(false);
  });

  it('rejects malformed dates and times', () => {
    for (const bad of [
      { date: '2026-11-28' },
      { date: '20261131' },
      { time: '1015' },
      { time: '241500' },
      { time: '106000' },
      { time: '101560' },
    ]) {
      expect(
        code(() => depositIdFor({ ...row, ...bad })),
        JSON.stringify(bad),
      ).toBe('INVALID_INPUT');
    }
  });
});
