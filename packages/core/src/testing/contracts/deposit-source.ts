/**
 * The contract every `DepositSource` adapter passes (memory; the HTTP statement API of bank-sim).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccountId, parseAccountId, parseDepositId } from '../../ids.js';
import { parseKrw } from '../../money.js';
import type { DepositSource } from '../../ports/deposit-source.js';
import type { Deposit } from '../../types.js';
import { uniqueTag } from './fixtures.js';

export interface DepositSourceSubject {
  readonly source: DepositSource;
  /** Put rows on the account statements the source reads (the bank's side). */
  readonly append: (deposits: readonly Deposit[]) => Promise<void>;
  /** Rows per page the source returns at most (the suite writes more than two pages). */
  readonly pageSize: number;
}

export interface DepositSourceContractOptions {
  readonly name: string;
  readonly create: () => Promise<DepositSourceSubject>;
  readonly destroy?: (subject: DepositSourceSubject) => Promise<void>;
}

const T0 = Date.UTC(2026, 10, 28, 1, 0);
/** Bound on pages read by the suite (well above what it writes). */
const MAX_PAGES = 100;

/**
 * Registers the DepositSource contract with vitest.
 *
 * @example
 * ```ts
 * describeDepositSourceContract({
 *   name: 'MemoryDepositSource',
 *   create: async () => { const source = new MemoryDepositSource({ pageSize: 5 }); return { source, pageSize: 5, append: async (d) => source.append(...d) }; },
 * });
 * ```
 */
export function describeDepositSourceContract(options: DepositSourceContractOptions): void {
  describe(`DepositSource contract: ${options.name}`, () => {
    let subject: DepositSourceSubject;
    let account: AccountId;
    beforeEach(async () => {
      subject = await options.create();
      account = parseAccountId(`acct-${uniqueTag()}`);
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    const row = (offsetMs: number, overrides: Partial<Deposit> = {}): Deposit => ({
      accountId: account,
      depositId: parseDepositId(`dep-${uniqueTag()}`),
      depositorName: '김테스트',
      amountKrw: parseKrw(15_000),
      occurredAt: T0 + offsetMs,
      afterBalanceKrw: parseKrw(1_000_000),
      kind: 'deposit',
      ...overrides,
    });

    const readAll = async (accountId: AccountId, fromMs: number, toMs: number): Promise<Deposit[]> => {
      const out: Deposit[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < MAX_PAGES; pages += 1) {
        const page = await subject.source.listDeposits({
          accountId,
          fromMs,
          toMs,
          ...(cursor === undefined ? {} : { cursor }),
        });
        expect(page.deposits.length).toBeLessThanOrEqual(subject.pageSize);
        out.push(...page.deposits);
        cursor = page.nextCursor;
        if (cursor === undefined) return out;
      }
      throw new Error('pagination did not end');
    };

    it('returns the rows of the window [from, to), with every field intact', async () => {
      const before = row(-1);
      const atStart = row(0);
      const inside = row(30_000, { depositorName: '(주)테스트', afterBalanceKrw: parseKrw(2_000_000) });
      const atEnd = row(60_000);
      await subject.append([before, atStart, inside, atEnd]);
      expect(await readAll(account, T0, T0 + 60_000)).toEqual([atStart, inside]);
    });

    it('an empty window is one empty page without a cursor', async () => {
      await subject.append([row(0)]);
      const page = await subject.source.listDeposits({ accountId: account, fromMs: T0 + 1, toMs: T0 + 2 });
      expect(page.deposits).toEqual([]);
      expect(page.nextCursor).toBeUndefined();
    });

    it('pages through more than two pages: every row exactly once, oldest first', async () => {
      const count = subject.pageSize * 2 + 3;
      // Appended out of order; some share an instant.
      const rows = Array.from({ length: count }, (_, i) => row(((i * 7) % count) * 1_000 + (i % 2)));
      await subject.append(rows);
      const read = await readAll(account, T0, T0 + count * 1_000 + 10);
      expect(read).toHaveLength(count);
      expect(new Set(read.map((d) => d.depositId)).size).toBe(count);
      for (let i = 1; i < read.length; i += 1)
        expect(read[i]!.occurredAt).toBeGreaterThanOrEqual(read[i - 1]!.occurredAt);
    });

    it('keeps accounts apart', async () => {
      const other = parseAccountId(`acct-${uniqueTag()}`);
      const mine = row(0);
      const theirs = row(0, { accountId: other });
      await subject.append([mine, theirs]);
      expect(await readAll(account, T0, T0 + 1)).toEqual([mine]);
      expect(await readAll(other, T0, T0 + 1)).toEqual([theirs]);
    });

    it('returns cancellation rows with the deposit they cancel', async () => {
      const d = row(0);
      const c = row(1_000, {
        kind: 'cancellation',
        cancels: d.depositId,
        depositId: parseDepositId(`dep-${uniqueTag()}`),
      });
      await subject.append([d, c]);
      expect(await readAll(account, T0, T0 + 2_000)).toEqual([d, c]);
    });
  });
}
