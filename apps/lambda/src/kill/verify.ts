/**
 * The kill test's verdict, as a pure function of the bank's ledger and remit's records, so it can
 * be shown to fail on a doubled, a lost and a misrecorded payout (verify.test.ts).
 */
import type { LedgerEntry } from '@remit/bank-sim';
import type { RemittanceRecord } from '@remit/core';

export interface LedgerVerdict {
  /** Orders the bank paid more than once. */
  readonly doubled: readonly string[];
  /** Orders the bank never paid. */
  readonly lost: readonly string[];
  /** Where the bank and remit disagree (status, bank id, amount, totals, unknown payees). */
  readonly mismatches: readonly string[];
  /** Final record statuses ("missing" for none). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Distinct orders the bank paid. */
  readonly paid: number;
}

/**
 * @param orderIds every order that was opened and paid for by its buyer
 * @param executed the bank's executed transfers; each carries the order id as its print content (remit's memo)
 * @param recordOf remit's record of an order's payout
 *
 * @example
 * ```ts
 * const verdict = verifyLedger(orderIds, sim.ledger.executed(), (id) => records.get(id));
 * expect(verdict.doubled).toEqual([]);
 * ```
 */
export function verifyLedger(
  orderIds: readonly string[],
  executed: readonly LedgerEntry[],
  recordOf: (orderId: string) => RemittanceRecord | undefined,
): LedgerVerdict {
  const byOrder = new Map<string, LedgerEntry[]>();
  for (const e of executed) byOrder.set(e.printContent, [...(byOrder.get(e.printContent) ?? []), e]);
  const doubled: string[] = [];
  const lost: string[] = [];
  const mismatches: string[] = [];
  const statuses: Record<string, number> = {};
  let recordKrw = 0;
  for (const orderId of orderIds) {
    const entries = byOrder.get(orderId) ?? [];
    const record = recordOf(orderId);
    const status = record?.status ?? 'missing';
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (entries.length > 1) doubled.push(`${orderId}: ${entries.map((e) => e.bankTranId).join(', ')}`);
    if (entries.length === 0) {
      lost.push(`${orderId}: no transfer (record ${status})`);
      continue;
    }
    if (record === undefined || record.status !== 'succeeded') {
      mismatches.push(`${orderId}: paid by the bank, remit has it ${status}`);
      continue;
    }
    recordKrw += record.payload.payoutKrw;
    const e = entries.find(
      (x) => x.bankTranId === record.bankTranId && x.businessDate === record.businessDate,
    );
    if (e === undefined || e.amountKrw !== record.payload.payoutKrw) {
      mismatches.push(
        `${orderId}: record ${record.bankTranId}@${record.businessDate} is not its executed transfer`,
      );
    }
  }
  const known = new Set(orderIds);
  for (const orderId of byOrder.keys()) {
    if (!known.has(orderId)) mismatches.push(`bank paid "${orderId}", which is no order`);
  }
  const ledgerKrw = executed.reduce((n, e) => n + e.amountKrw, 0);
  if (ledgerKrw !== recordKrw)
    mismatches.push(`bank paid ${ledgerKrw} won in total, remit recorded ${recordKrw} won`);
  return { doubled, lost, mismatches, statuses, paid: byOrder.size };
}
