import {
  type AccountId,
  type Deposit,
  type DepositPage,
  type DepositSource,
  invalidInput,
  type ListDepositsInput,
} from '@remit/core';
import { Faults } from './faults.js';

export interface MemoryDepositSourceOptions {
  /** Rows per page. Default 50 (a bank statement API's usual page). */
  readonly pageSize?: number;
}

interface Row {
  readonly seq: number;
  readonly deposit: Deposit;
}

/**
 * A receiving account's statement you append to. Pages are ordered by (occurredAt, arrival) and
 * the cursor is the last row's position, so rows appended later never shift a page being read.
 *
 * @example
 * ```ts
 * const source = new MemoryDepositSource({ pageSize: 2 });
 * source.append(deposit1, deposit2, deposit3);
 * await source.listDeposits({ accountId, fromMs, toMs }); // 2 rows + nextCursor
 * ```
 */
export class MemoryDepositSource implements DepositSource {
  readonly faults = new Faults<'listDeposits'>();
  readonly pageSize: number;
  readonly #rows = new Map<AccountId, Row[]>();
  #seq = 0;

  constructor(options: MemoryDepositSourceOptions = {}) {
    this.pageSize = options.pageSize ?? 50;
    if (!Number.isSafeInteger(this.pageSize) || this.pageSize < 1) {
      throw invalidInput(`pageSize must be >= 1, got ${this.pageSize}`);
    }
  }

  /** Add statement rows (any order; each account's statement stays sorted by time). */
  append(...deposits: readonly Deposit[]): void {
    for (const deposit of deposits) {
      const rows = this.#rows.get(deposit.accountId) ?? [];
      this.#seq += 1;
      rows.push({ seq: this.#seq, deposit });
      rows.sort((a, b) => a.deposit.occurredAt - b.deposit.occurredAt || a.seq - b.seq);
      this.#rows.set(deposit.accountId, rows);
    }
  }

  listDeposits(input: ListDepositsInput): Promise<DepositPage> {
    return this.faults.run('listDeposits', () => {
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const rows = (this.#rows.get(input.accountId) ?? []).filter(
        (r) =>
          r.deposit.occurredAt >= input.fromMs &&
          r.deposit.occurredAt < input.toMs &&
          (after === undefined ||
            r.deposit.occurredAt > after.at ||
            (r.deposit.occurredAt === after.at && r.seq > after.seq)),
      );
      const page = rows.slice(0, this.pageSize);
      const last = page.at(-1);
      const deposits = page.map((r) => r.deposit);
      return rows.length > this.pageSize && last !== undefined
        ? { deposits, nextCursor: `${last.deposit.occurredAt}.${last.seq}` }
        : { deposits };
    });
  }
}

function decodeCursor(cursor: string): { at: number; seq: number } {
  const m = /^(-?\d+)\.(\d+)$/.exec(cursor);
  if (m === null)
    throw invalidInput(`listDeposits: not a cursor this source issued: ${JSON.stringify(cursor)}`);
  return { at: Number(m[1]), seq: Number(m[2]) };
}
