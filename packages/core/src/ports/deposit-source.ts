import type { AccountId } from '../ids.js';
import type { InstantMs } from '../time.js';
import type { Deposit } from '../types.js';

export interface ListDepositsInput {
  readonly accountId: AccountId;
  /** Inclusive. */
  readonly fromMs: InstantMs;
  /** Exclusive. */
  readonly toMs: InstantMs;
  /** Opaque cursor from the previous page; absent for the first page. */
  readonly cursor?: string;
}

export interface DepositPage {
  /** Inbound rows only (deposits and their cancellations), oldest first. At most a bounded page. */
  readonly deposits: readonly Deposit[];
  /** Present when more pages follow. */
  readonly nextCursor?: string;
}

/**
 * Reads a receiving account's statement, one page at a time.
 *
 * @example
 * ```ts
 * const page = await source.listDeposits({ accountId, fromMs: now - 15 * 60_000, toMs: now });
 * ```
 */
export interface DepositSource {
  listDeposits(input: ListDepositsInput): Promise<DepositPage>;
}
