/**
 * The auditor: checks the product's promise while a simulated run goes (at every bank call, every
 * queue acknowledgement, after every scheduler step) and once more when it has settled.
 *
 *   paid-twice          no remittance (= order) moves money more than once
 *   bank-id-shared      no two remittances use one (business date, bank_tran_id)
 *   blind-resend        a second transfer only after the earlier one was inquired "not found";
 *                       never after a definite answer; a same-id retry never without any inquiry
 *   record-vs-ledger    what remit recorded agrees with what the bank did
 *   money               deposit = payout + fee + owed-back excess; fee by the policy; amounts are
 *                       the deposit's and the order's
 *   misroute            a payout is funded by a deposit meant for that very order
 *   fifo                per message group, acknowledgements and first payouts follow enqueue order
 *   worker-error        a worker died of an error that is not a retryable RemitError (a bug)
 *   -- at the end --
 *   not-settled         every payout ends terminal
 *   lost-payout         every paid order has its payout (or a review case naming it)
 *   unaccounted-deposit every deposit ingest could see was decided and, unless paid out, reported
 *   ledger-unrecorded   every transfer the bank booked is a succeeded (or reviewed) payout
 *   review-with-faults-off / review-without-reason
 */
import { isRemitError } from '../../errors.js';
import { type DepositId, type OrderId, type RemittanceId, remittanceIdFor } from '../../ids.js';
import type { IdempotencyStore } from '../../ports/idempotency-store.js';
import type { OrderMatcher } from '../../ports/order-matcher.js';
import type { RemittanceEvent } from '../../ports/remittance-events.js';
import type { InstantMs } from '../../time.js';
import {
  type Deposit,
  type FeePolicy,
  type RemittanceRecord,
  RemittanceStatus,
  TERMINAL_STATUSES,
} from '../../types.js';
import { type BankCall, moneyMoved, type SimBank } from './bank.js';
import type { QueuedMessage, SimQueue } from './queue.js';
import type { PlannedOrder } from './workload.js';

export interface Violation {
  readonly rule: string;
  readonly message: string;
  readonly at: InstantMs;
  /** The scheduler step it was found at (0: at the end). */
  readonly step: number;
}

export interface PostedDeposit {
  readonly deposit: Deposit;
  readonly visibleAt: InstantMs;
  /** The order the buyer meant (none for a stranger, or for a cancellation row). */
  readonly intent: OrderId | undefined;
}

export interface AuditorOptions {
  readonly bank: SimBank;
  readonly queue: SimQueue;
  /** Raw adapters: the auditor's reads are not simulated calls. */
  readonly store: IdempotencyStore;
  readonly matcher: OrderMatcher;
  readonly events: () => readonly RemittanceEvent[];
  readonly orders: readonly PlannedOrder[];
  readonly fees: FeePolicy;
  readonly now: () => InstantMs;
  /** Stop at the first violation (the default: a run is failed by its first finding). */
  readonly maxViolations?: number;
}

const REVIEW_EVENT_TYPES = new Set(['manual_review', 'match_review', 'refund_owed', 'payout_reversed']);

/**
 * @example
 * ```ts
 * const auditor = new Auditor({ bank, queue, store, matcher, events: () => captured, orders, fees, now });
 * await auditor.afterStep(step);
 * await auditor.atEnd({ faultsEnabled: true, lastCleanIngestAt });
 * ```
 */
export class Auditor {
  readonly violations: Violation[] = [];
  readonly #o: AuditorOptions;
  readonly #posted = new Map<string, PostedDeposit>();
  readonly #remittances: RemittanceId[];
  readonly #ordersById = new Map<OrderId, PlannedOrder>();
  readonly #checkedPayload = new Set<RemittanceId>();
  readonly #firstPayoutSeen = new Set<RemittanceId>();
  #step = 0;

  constructor(options: AuditorOptions) {
    this.#o = options;
    this.#remittances = options.orders.map((o) => remittanceIdFor(o.orderId));
    for (const o of options.orders) this.#ordersById.set(o.orderId, o);
  }

  get failed(): boolean {
    return this.violations.length > 0;
  }

  /** The simulation posted a statement row. */
  posted(entry: PostedDeposit): void {
    this.#posted.set(`${entry.deposit.accountId}\n${entry.deposit.depositId}`, entry);
  }

  fail(rule: string, message: string, step = this.#step): void {
    if (this.violations.length >= (this.#o.maxViolations ?? 1)) return;
    this.violations.push({ rule, message, at: this.#o.now(), step });
  }

  /** A worker's body threw. Retryable infrastructure errors are a normal way to end; others are bugs. */
  workerError(name: string, err: unknown): void {
    if (isRemitError(err) && err.retryable) return;
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.fail('worker-error', `${name} died of ${text}`);
  }

  // ------------------------------------------------------------------ as it happens

  /** Every bank call, the moment it is made. */
  onBankCall(call: BankCall): void {
    if (call.op !== 'transfer' || call.remittanceId === undefined) return;
    const { bank } = this.#o;
    const r = call.remittanceId;
    // bank-id-shared
    for (const c of bank.calls) {
      if (
        c.op === 'transfer' &&
        c.seq !== call.seq &&
        c.remittanceId !== r &&
        c.bankTranId === call.bankTranId &&
        c.businessDate === call.businessDate
      ) {
        this.fail(
          'bank-id-shared',
          `${r} sent ${call.bankTranId}@${call.businessDate}, already used by ${c.remittanceId} (call #${c.seq})`,
        );
        return;
      }
    }
    // paid-twice
    const moved = bank.entriesOf(r).filter((e) => moneyMoved(e) || e.status === 'reversed');
    if (moved.length > 1) {
      this.fail(
        'paid-twice',
        `${r} moved money ${moved.length} times: ${moved.map((e) => `${e.bankTranId}@${e.businessDate}`).join(', ')}`,
      );
      return;
    }
    this.#checkResend(call);
    this.#checkPayoutOrder(call);
  }

  /** A message was deleted or dead-lettered. */
  onSettled(message: QueuedMessage, group: readonly QueuedMessage[]): void {
    for (const e of group) {
      if (e.seq >= message.seq) break;
      if (e.settledSeq === undefined || e.settledSeq > (message.settledSeq ?? 0)) {
        this.fail(
          'fifo',
          `message #${message.seq} (${message.body.remittanceId}) settled before the earlier #${e.seq} (${e.body.remittanceId}) of its group`,
        );
        return;
      }
    }
  }

  /** After every scheduler step: records against the ledger, payload arithmetic. */
  async afterStep(step: number): Promise<void> {
    this.#step = step;
    if (this.failed) return;
    for (const r of this.#remittances) {
      const record = await this.#o.store.get({ remittanceId: r });
      if (record === undefined) continue;
      this.#checkRecord(record);
      if (this.failed) return;
    }
  }

  // ------------------------------------------------------------------ at the end

  /**
   * When the run has settled (or given up): liveness and conservation.
   * `lastCleanIngestAt`: the start of the last ingest run that completed; rows visible before it
   * must have been decided.
   */
  async atEnd(input: { faultsEnabled: boolean; lastCleanIngestAt: InstantMs | undefined }): Promise<void> {
    this.#step = 0;
    const { bank, queue, store, matcher } = this.#o;
    const events = this.#o.events();
    const mentions = (id: string): boolean =>
      events.some(
        (e) =>
          REVIEW_EVENT_TYPES.has(e.type) && (e.remittanceId === id || e.orderId === id || e.depositId === id),
      );
    const records = new Map<RemittanceId, RemittanceRecord>();
    for (const r of this.#remittances) {
      const record = await store.get({ remittanceId: r });
      if (record !== undefined) records.set(r, record);
    }
    const dead = queue.deadLettered();

    // Every payout terminal; parked ones have a reason; none parked when nothing went wrong.
    for (const [r, record] of records) {
      this.#checkRecord(record);
      if (!TERMINAL_STATUSES.has(record.status)) {
        this.fail('not-settled', `${r} ended ${record.status} (attempts ${record.attempts})`);
      } else if (
        record.status === RemittanceStatus.ManualReview ||
        record.status === RemittanceStatus.Reversed
      ) {
        if (!input.faultsEnabled) {
          this.fail(
            'review-with-faults-off',
            `${r} ended ${record.status} (${record.reason ?? 'no reason'}) in a run without faults`,
          );
        } else if (record.status === RemittanceStatus.ManualReview && (record.reason ?? '').trim() === '') {
          this.fail('review-without-reason', `${r} is in manual review without a reason`);
        }
      }
    }

    // Every transfer the bank booked belongs to a payout remit knows as paid (or parked).
    for (const e of bank.ledger.values()) {
      if (e.status === 'processing') {
        this.fail('not-settled', `bank transfer ${e.bankTranId} of ${e.remittanceId} still processing`);
        continue;
      }
      if (e.status === 'rejected') continue;
      const record = records.get(e.remittanceId);
      const ok =
        record !== undefined &&
        (record.status === RemittanceStatus.ManualReview ||
          (record.status === RemittanceStatus.Succeeded && e.status === 'succeeded') ||
          (record.status === RemittanceStatus.Reversed && e.status === 'reversed'));
      if (!ok) {
        this.fail(
          'ledger-unrecorded',
          `bank ${e.status} ${e.bankTranId}@${e.businessDate} (${e.amountKrw}원) for ${e.remittanceId}, but remit has it ${record?.status ?? 'unrecorded'}`,
        );
      }
    }

    // Money totals: the bank's net payouts equal remit's succeeded payouts.
    let ledgerKrw = 0;
    let succeededKrw = 0;
    for (const e of bank.ledger.values()) {
      if (e.status === 'succeeded' && records.get(e.remittanceId)?.status === RemittanceStatus.Succeeded)
        ledgerKrw += e.amountKrw;
    }
    for (const record of records.values()) {
      if (record.status === RemittanceStatus.Succeeded) succeededKrw += record.payload.payoutKrw;
    }
    if (ledgerKrw !== succeededKrw) {
      this.fail('money', `bank paid ${ledgerKrw}원 for succeeded payouts, remit recorded ${succeededKrw}원`);
    }

    // Every paid order has its payout, or a person was told.
    for (const order of this.#o.orders) {
      const current = await matcher.getOrder({ orderId: order.orderId });
      if (current?.status !== 'paid' || current.paidBy === undefined) continue;
      const r = remittanceIdFor(order.orderId);
      const record = records.get(r);
      if (record !== undefined && record.payload.depositId === current.paidBy) continue;
      if (mentions(r) || mentions(order.orderId) || mentions(current.paidBy) || dead.has(r)) continue;
      this.fail(
        'lost-payout',
        `${order.orderId} is paid by ${current.paidBy} but its payout ${record === undefined ? 'was never recorded' : `records deposit ${record.payload.depositId}`} and no review case names it`,
      );
    }

    // An overpayment's excess is owed back to the buyer: a refund case names the deposit.
    for (const record of records.values()) {
      const m = record.payload;
      if (m.excessKrw > 0 && record.status !== RemittanceStatus.Cancelled) {
        const owed = events.some((e) => e.type === 'refund_owed' && e.depositId === m.depositId);
        if (!owed)
          this.fail(
            'money',
            `${record.remittanceId}: ${m.excessKrw}원 excess of ${m.depositId} is owed back, but no refund case says so`,
          );
      }
    }

    // Every deposit ingest could see was decided; those not paid out were reported.
    if (input.lastCleanIngestAt !== undefined) {
      for (const p of this.#posted.values()) {
        const d = p.deposit;
        if (d.kind !== 'deposit' || p.visibleAt > input.lastCleanIngestAt) continue;
        const match = await matcher.getMatch({ accountId: d.accountId, depositId: d.depositId });
        if (match === undefined) {
          this.fail('unaccounted-deposit', `deposit ${d.depositId} (${d.amountKrw}원) was never decided`);
          continue;
        }
        const paidOut = match.outcome.kind === 'matched' && !match.undone;
        if (paidOut) continue;
        if (match.undone) continue; // its cancellation row explains it
        if (!mentions(d.depositId)) {
          this.fail(
            'unaccounted-deposit',
            `deposit ${d.depositId} came out ${match.outcome.kind} but no review or refund case names it`,
          );
        }
      }
    }
  }

  // ------------------------------------------------------------------ rules

  #checkRecord(record: RemittanceRecord): void {
    const { bank } = this.#o;
    const r = record.remittanceId;
    const entries = bank.entriesOf(r);
    switch (record.status) {
      case RemittanceStatus.Succeeded: {
        const e = entries.find(
          (x) => x.bankTranId === record.bankTranId && x.businessDate === record.businessDate,
        );
        if (e === undefined || (e.status !== 'succeeded' && e.status !== 'reversed')) {
          this.fail(
            'record-vs-ledger',
            `${r} recorded succeeded with ${record.bankTranId}@${record.businessDate}, but the bank has ${e?.status ?? 'no such transfer'}`,
          );
        } else if (e.amountKrw !== record.payload.payoutKrw) {
          this.fail('money', `${r} paid ${e.amountKrw}원, payout is ${record.payload.payoutKrw}원`);
        } else if (
          e.payee.accountNumber !== record.payload.payee.accountNumber ||
          e.payee.bankCode !== record.payload.payee.bankCode
        ) {
          this.fail('misroute', `${r} paid a different payee account than its order's`);
        }
        break;
      }
      case RemittanceStatus.Rejected:
      case RemittanceStatus.Cancelled: {
        const moved = entries.find((e) => moneyMoved(e) || e.status === 'reversed');
        if (moved !== undefined) {
          this.fail(
            'record-vs-ledger',
            `${r} recorded ${record.status} (${record.reason ?? ''}), but the bank has ${moved.status} ${moved.bankTranId}@${moved.businessDate}`,
          );
        }
        if (
          record.status === RemittanceStatus.Cancelled &&
          bank.calls.some((c) => c.op === 'transfer' && c.remittanceId === r)
        ) {
          this.fail('record-vs-ledger', `${r} recorded cancelled after a transfer call was made`);
        }
        break;
      }
      case RemittanceStatus.Reversed: {
        if (!entries.some((e) => e.status === 'reversed')) {
          this.fail('record-vs-ledger', `${r} recorded reversed, but the bank reversed nothing of it`);
        }
        break;
      }
      default:
        break;
    }
    if (!this.#checkedPayload.has(r)) {
      this.#checkedPayload.add(r);
      this.#checkPayload(record);
    }
  }

  #checkPayload(record: RemittanceRecord): void {
    const m = record.payload;
    const r = record.remittanceId;
    if (m.depositKrw !== m.orderAmountKrw + m.excessKrw || m.payoutKrw + m.feeKrw !== m.orderAmountKrw) {
      this.fail(
        'money',
        `${r}: deposit ${m.depositKrw} != order ${m.orderAmountKrw} + excess ${m.excessKrw}, or payout ${m.payoutKrw} + fee ${m.feeKrw} != order`,
      );
      return;
    }
    const fees = this.#o.fees;
    const expectedFee =
      fees.kind === 'flat'
        ? Math.min(fees.feeKrw, m.orderAmountKrw)
        : Math.floor((m.orderAmountKrw * fees.basisPoints) / 10_000);
    if (m.feeKrw !== expectedFee) this.fail('money', `${r}: fee ${m.feeKrw}, the policy says ${expectedFee}`);
    const order = this.#ordersById.get(m.orderId);
    if (order === undefined || order.amountKrw !== m.orderAmountKrw || order.sellerId !== m.sellerId) {
      this.fail('money', `${r}: order amount/seller ${m.orderAmountKrw}/${m.sellerId} is not the order's`);
      return;
    }
    if (m.payee.accountNumber !== order.payee.accountNumber) {
      this.fail('misroute', `${r}: payee ${m.payee.accountNumber} is not order ${order.orderId}'s seller`);
    }
    const posted = this.#posted.get(`${m.accountId}\n${m.depositId}`);
    if (posted === undefined || posted.deposit.kind !== 'deposit') {
      this.fail('money', `${r}: funded by ${m.depositId}, which is no deposit on the statement`);
      return;
    }
    if (posted.deposit.amountKrw !== m.depositKrw) {
      this.fail(
        'money',
        `${r}: records a deposit of ${m.depositKrw}원, the statement says ${posted.deposit.amountKrw}원`,
      );
    }
    // A deposit of exactly the paid order's amount under its name is that order by the policy's
    // rule 1, whatever the buyer meant (an overpayment for a namesake order can equal it): only a
    // payout the deposit's own amount does not single out can be a misroute.
    if (posted.intent !== m.orderId && !(m.excessKrw === 0 && posted.deposit.amountKrw === order.amountKrw)) {
      this.fail(
        'misroute',
        `${r}: pays order ${m.orderId} with deposit ${m.depositId}, which was meant for ${posted.intent ?? 'no order (a stranger)'}`,
      );
    }
  }

  /**
   * A transfer for a remittance that already had one must follow a definite "not found" for each
   * earlier attempt that may have executed. Calls the bank refused without executing (duplicate id,
   * maintenance, a stale date) cannot move money; they only must not be blind retries.
   */
  #checkResend(call: BankCall): void {
    const { bank } = this.#o;
    const r = call.remittanceId;
    const prior = bank.calls.filter((c) => c.op === 'transfer' && c.remittanceId === r && c.seq < call.seq);
    if (prior.length === 0) return;
    const inquiries = bank.calls.filter((c) => c.op === 'inquire' && c.seq < call.seq);
    const same = (a: BankCall, b: BankCall) =>
      a.bankTranId === b.bankTranId && a.businessDate === b.businessDate;
    if (prior.some((p) => same(p, call) && p.refusal !== 'maintenance')) {
      // The same id again: the provider de-duplicates it, so it cannot pay twice (a worker whose
      // lease ran out under it may race its successor here). It must still not be blind. (After a
      // maintenance refusal nothing was executed: sending again needs no inquiry.)
      if (!inquiries.some((i) => same(i, call) && i.answer === 'not_found')) {
        this.fail(
          'blind-resend',
          `${r} re-sent ${call.bankTranId}@${call.businessDate} without ever inquiring it`,
        );
      }
      return;
    }
    for (const p of prior) {
      if (p.refusal !== undefined) continue;
      if (p.answer === 'succeeded' || p.answer === 'rejected') {
        this.fail(
          'blind-resend',
          `${r} sent ${call.bankTranId}@${call.businessDate} after ${p.bankTranId} was answered ${p.answer} (call #${p.seq})`,
        );
        return;
      }
      const after = inquiries.filter((i) => same(i, p) && i.seq > p.seq);
      const last = after.filter((i) => i.answer !== 'unknown').at(-1);
      if (last === undefined || last.answer !== 'not_found') {
        this.fail(
          'blind-resend',
          `${r} sent ${call.bankTranId}@${call.businessDate} while ${p.bankTranId}@${p.businessDate} (call #${p.seq}, answered ${p.answer}${p.executed ? ', executed' : ''}) was ${last === undefined ? 'never inquired' : `inquired ${last.answer}`}`,
        );
        return;
      }
    }
  }

  /** A remittance's first payout waits for the earlier messages of its group. */
  #checkPayoutOrder(call: BankCall): void {
    const r = call.remittanceId as RemittanceId;
    if (call.refusal !== undefined || this.#firstPayoutSeen.has(r)) return;
    this.#firstPayoutSeen.add(r);
    const { queue } = this.#o;
    const first = queue.messages.find((m) => m.body.remittanceId === r);
    if (first === undefined) return;
    for (const e of queue.messages) {
      if (e.seq >= first.seq) break;
      if (e.group !== first.group || e.body.remittanceId === r) continue;
      if (e.state === 'available' && e.processedOk !== true) {
        this.fail(
          'fifo',
          `${r} paid out while the earlier ${e.body.remittanceId} of its group was still queued`,
        );
        return;
      }
    }
  }
}

export type { DepositId };
