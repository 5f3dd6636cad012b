/**
 * The receiving accounts' statements as the bank shows them: rows appear a little after they
 * occurred (posting lag), are listed by occurrence time, a few per page.
 */
import type { AccountId } from '../../ids.js';
import type { DepositPage, DepositSource, ListDepositsInput } from '../../ports/deposit-source.js';
import type { InstantMs } from '../../time.js';
import type { Deposit } from '../../types.js';

/** Small pages, so ingest's paging (and a crash between pages) is exercised. */
export const STATEMENT_PAGE = 4;

interface Row {
  readonly deposit: Deposit;
  readonly visibleAt: InstantMs;
}

/**
 * @example
 * ```ts
 * const statement = new SimStatement(clock);
 * statement.post(deposit, deposit.occurredAt + 30_000);
 * ```
 */
export class SimStatement implements DepositSource {
  readonly #rows = new Map<AccountId, Row[]>();
  readonly #clock: { now(): InstantMs };

  constructor(clock: { now(): InstantMs }) {
    this.#clock = clock;
  }

  /** A row the bank will show from `visibleAt` on. */
  post(deposit: Deposit, visibleAt: InstantMs): void {
    let rows = this.#rows.get(deposit.accountId);
    if (rows === undefined) {
      rows = [];
      this.#rows.set(deposit.accountId, rows);
    }
    rows.push({ deposit, visibleAt });
    rows.sort((a, b) =>
      a.deposit.occurredAt !== b.deposit.occurredAt
        ? a.deposit.occurredAt - b.deposit.occurredAt
        : a.deposit.depositId < b.deposit.depositId
          ? -1
          : 1,
    );
  }

  /** Every row ever posted (the auditor's view), visible or not. */
  all(): Deposit[] {
    const out: Deposit[] = [];
    for (const rows of this.#rows.values()) for (const r of rows) out.push(r.deposit);
    return out;
  }

  async listDeposits(input: ListDepositsInput): Promise<DepositPage> {
    const now = this.#clock.now();
    const rows = (this.#rows.get(input.accountId) ?? []).filter(
      (r) => r.visibleAt <= now && r.deposit.occurredAt >= input.fromMs && r.deposit.occurredAt < input.toMs,
    );
    const from = input.cursor === undefined ? 0 : Number(input.cursor);
    if (!Number.isSafeInteger(from) || from < 0)
      throw new Error(`assertion failed: bad cursor ${input.cursor}`);
    const deposits = rows.slice(from, from + STATEMENT_PAGE).map((r) => r.deposit);
    const next = from + STATEMENT_PAGE;
    return next < rows.length ? { deposits, nextCursor: String(next) } : { deposits };
  }
}
