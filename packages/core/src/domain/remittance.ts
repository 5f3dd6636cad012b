/**
 * The remittance state machine's decisions, pure. The `remit` and `reconcile` use cases perform
 * the I/O; every "what next?" is answered here, so it can be read (and tested) in one place.
 *
 *   claim ─► sending(bank id written ahead) ─► transfer ─┬─ succeeded ──────────► succeeded
 *                                                        ├─ rejected ───────────► rejected (final)
 *                                                        ├─ unknown ────────────► unknown ─► inquire
 *                                                        ├─ duplicate_id ───────► inquire the original
 *                                                        └─ maintenance ────────► deferred (same id later)
 *   inquire ─┬─ succeeded / rejected ─► complete
 *            ├─ unknown ──────────────► unknown (or manual_review once too old)
 *            └─ not_found ────────────► resend: same id on the same business date, else a new id
 *                                        (after a duplicate_id answer: manual_review, never a resend)
 */
import { assert } from '../errors.js';
import type { BankTranId } from '../ids.js';
import type {
  InquireRequest,
  InquiryResult,
  RejectReason,
  TransferRequest,
  TransferResult,
} from '../ports/transfer-gateway.js';
import type { BusinessDate, InstantMs } from '../time.js';
import { type RemittanceRecord, RemittanceStatus } from '../types.js';

/**
 * What the worker does after an answer from the provider.
 *
 * @example
 * ```ts
 * const step: RemittanceStep = stepAfterTransfer(result);
 * if (step.kind === 'inquire') await gateway.inquire(inquiryOf(record));
 * ```
 */
export type RemittanceStep =
  | {
      readonly kind: 'complete';
      readonly status: typeof RemittanceStatus.Succeeded;
      readonly reason?: string;
      readonly providerCode?: string;
    }
  | {
      readonly kind: 'complete';
      readonly status: typeof RemittanceStatus.Rejected;
      readonly reason: RejectReason;
      readonly providerCode?: string;
    }
  | {
      readonly kind: 'complete';
      readonly status: typeof RemittanceStatus.ManualReview;
      readonly reason: string;
      readonly providerCode?: string;
    }
  /** Outcome not known: checkpoint `unknown`, release the lease, retry later by inquiry. */
  | { readonly kind: 'unknown'; readonly reason: string; readonly providerCode?: string }
  /** The provider already has this id today: ask about the original before anything else. */
  | { readonly kind: 'inquire' }
  /** The bank is in maintenance: definitely not executed; the same id is reused later. */
  | { readonly kind: 'defer'; readonly providerCode?: string }
  /** Definitely no such transfer: send again (same id today, a new id on a new business date). */
  | { readonly kind: 'resend' };

/**
 * A step an inquiry (or a transfer answer other than duplicate id) leads to.
 *
 * @example
 * ```ts
 * const step: InquiryStep = stepAfterInquiry(answer, { afterDuplicate: false });
 * ```
 */
export type InquiryStep = Exclude<RemittanceStep, { readonly kind: 'inquire' }>;

/**
 * Reason recorded when a duplicate-id answer is followed by "no such transfer".
 *
 * @example
 * ```ts
 * if (record.reason === DUPLICATE_NOT_FOUND_REASON) askTheBank();
 * ```
 */
export const DUPLICATE_NOT_FOUND_REASON = 'duplicate_id_but_not_found';
/**
 * Reason recorded when an unknown payout is escalated by age.
 *
 * @example
 * ```ts
 * if (outcome.kind === 'manual_review' && outcome.reason === UNKNOWN_TOO_LONG_REASON) alarm();
 * ```
 */
export const UNKNOWN_TOO_LONG_REASON = 'unknown_too_long';
/**
 * Reason recorded for a payout of 0 won (fees took it all): completed without a bank call.
 *
 * @example
 * ```ts
 * record.reason === ZERO_PAYOUT_REASON; // succeeded, no transfer was made
 * ```
 */
export const ZERO_PAYOUT_REASON = 'zero_payout';

const withCode = (providerCode: string | undefined) => (providerCode === undefined ? {} : { providerCode });

/**
 * The step after a transfer call. A timeout, reset, 5xx, "processing" or an unreadable answer is
 * `unknown`, never `rejected`: every one of them may have moved money.
 *
 * @example
 * ```ts
 * stepAfterTransfer({ kind: 'unknown', reason: 'timeout' }); // { kind: 'unknown', reason: 'timeout' }
 * stepAfterTransfer({ kind: 'duplicate_id' });               // { kind: 'inquire' }
 * ```
 */
export function stepAfterTransfer(result: TransferResult): RemittanceStep {
  switch (result.kind) {
    case 'succeeded':
      return { kind: 'complete', status: RemittanceStatus.Succeeded, ...withCode(result.providerCode) };
    case 'rejected':
      return {
        kind: 'complete',
        status: RemittanceStatus.Rejected,
        reason: result.reason,
        ...withCode(result.providerCode),
      };
    case 'unknown':
      return { kind: 'unknown', reason: result.reason, ...withCode(result.providerCode) };
    case 'duplicate_id':
      return { kind: 'inquire' };
    case 'maintenance':
      return { kind: 'defer', ...withCode(result.providerCode) };
  }
}

/**
 * The step after an inquiry. Only a definite `not_found` allows a resend, and not after the
 * provider said "duplicate id" for that very id (then something else holds it: a person decides).
 *
 * @example
 * ```ts
 * stepAfterInquiry({ kind: 'not_found' }, { afterDuplicate: false }); // { kind: 'resend' }
 * stepAfterInquiry({ kind: 'not_found' }, { afterDuplicate: true });  // complete manual_review
 * ```
 */
export function stepAfterInquiry(
  result: InquiryResult,
  context: { readonly afterDuplicate: boolean },
): InquiryStep {
  switch (result.kind) {
    case 'succeeded':
      return { kind: 'complete', status: RemittanceStatus.Succeeded, ...withCode(result.providerCode) };
    case 'rejected':
      return {
        kind: 'complete',
        status: RemittanceStatus.Rejected,
        reason: result.reason,
        ...withCode(result.providerCode),
      };
    case 'unknown':
      return { kind: 'unknown', reason: result.reason, ...withCode(result.providerCode) };
    case 'not_found':
      return context.afterDuplicate
        ? { kind: 'complete', status: RemittanceStatus.ManualReview, reason: DUPLICATE_NOT_FOUND_REASON }
        : { kind: 'resend' };
  }
}

/**
 * What a resumed record needs first. `deferred` means the last call with the current id was
 * refused for maintenance (definitely not executed): send again. `sending` and `unknown` mean the
 * id may have reached the bank: inquire, never resend blindly.
 *
 * @example
 * ```ts
 * firstStepOnResume(record); // 'inquire' for sending/unknown, 'resend' for deferred
 * ```
 */
export function firstStepOnResume(record: RemittanceRecord): 'inquire' | 'resend' {
  assert(
    record.status === RemittanceStatus.Sending ||
      record.status === RemittanceStatus.Unknown ||
      record.status === RemittanceStatus.Deferred,
    `only open records are resumed, got ${record.status}`,
  );
  return record.status === RemittanceStatus.Deferred ? 'resend' : 'inquire';
}

/**
 * Whether a payout that is (about to be) `unknown` has been so for too long and goes to a person.
 * Age counts from the first time it became unknown (`unknownSince`), else from now.
 *
 * @example
 * ```ts
 * isUnknownOverdue({ unknownSince: t0 }, t0 + 3_600_000, 3_600_000); // true
 * ```
 */
export function isUnknownOverdue(
  record: Pick<RemittanceRecord, 'unknownSince'>,
  nowMs: InstantMs,
  escalateAfterMs: number,
): boolean {
  return nowMs - (record.unknownSince ?? nowMs) >= escalateAfterMs;
}

/**
 * Whether a resend may reuse the record's bank id: only on the business date it was drawn for (the
 * provider's ids are unique per day; on a new day the old number may belong to someone else).
 *
 * @example
 * ```ts
 * canReuseBankTranId(record, businessDateOf(now)); // true when record.businessDate is today
 * ```
 */
export function canReuseBankTranId(
  record: Pick<RemittanceRecord, 'businessDate'>,
  today: BusinessDate,
): boolean {
  return record.businessDate === today;
}

/**
 * Characters of memo the payee's statement shows (the memo is ASCII, so also bytes); 20 is within
 * every Korean bank's limit.
 *
 * @example
 * ```ts
 * transferRequestOf(record).memo.length <= MEMO_MAX_CHARS; // true
 * ```
 */
export const MEMO_MAX_CHARS = 20;

function bankKeyOf(record: RemittanceRecord): { bankTranId: BankTranId; businessDate: BusinessDate } {
  assert(
    record.bankTranId !== undefined && record.businessDate !== undefined,
    `record ${record.remittanceId} has no written-ahead bank id`,
  );
  return { bankTranId: record.bankTranId, businessDate: record.businessDate };
}

/**
 * The transfer call for a record: its written-ahead bank id, the payout amount, the payee. The memo
 * is the order id (ASCII, so its length is its byte count), cut to {@link MEMO_MAX_CHARS}.
 *
 * @example
 * ```ts
 * await gateway.transfer(transferRequestOf(record));
 * ```
 */
export function transferRequestOf(record: RemittanceRecord): TransferRequest {
  const { payload } = record;
  return {
    remittanceId: record.remittanceId,
    ...bankKeyOf(record),
    amountKrw: payload.payoutKrw,
    payee: payload.payee,
    memo: payload.orderId.slice(0, MEMO_MAX_CHARS),
  };
}

/**
 * The inquiry for a record's current bank id: (bank id, business date, amount).
 *
 * @example
 * ```ts
 * await gateway.inquire(inquiryOf(record));
 * ```
 */
export function inquiryOf(record: RemittanceRecord): InquireRequest {
  return { ...bankKeyOf(record), amountKrw: record.payload.payoutKrw };
}
