/**
 * The domain's plain data types. No classes: values move through queues, tables and logs.
 */
import type { AccountId, BankTranId, DepositId, OrderId, RemittanceId, SellerId } from './ids.js';
import type { Krw } from './money.js';
import type { BusinessDate, InstantMs } from './time.js';

/** Where a seller is paid. `bankCode` is the 3-digit Korean bank code. */
export interface Payee {
  readonly bankCode: string;
  readonly accountNumber: string;
  readonly holderName: string;
}

export const DepositKind = { Deposit: 'deposit', Cancellation: 'cancellation' } as const;
export type DepositKind = (typeof DepositKind)[keyof typeof DepositKind];

/** One inbound row of a receiving account's statement. */
export interface Deposit {
  readonly accountId: AccountId;
  /** The bank's transaction id, else a fingerprint of (date, time, amount, after-balance, name). */
  readonly depositId: DepositId;
  /** As the bank printed it: possibly truncated to the bank's name budget. */
  readonly depositorName: string;
  readonly amountKrw: Krw;
  readonly occurredAt: InstantMs;
  readonly afterBalanceKrw?: Krw;
  readonly kind: DepositKind;
  /** For a cancellation: the deposit it cancels. */
  readonly cancels?: DepositId;
}

export const OrderStatus = { Pending: 'pending', Paid: 'paid', Cancelled: 'cancelled' } as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** An order waiting for the buyer's transfer. Expiry is derived from `expiresAt`, not stored. */
export interface PendingOrder {
  readonly orderId: OrderId;
  readonly sellerId: SellerId;
  readonly accountId: AccountId;
  readonly amountKrw: Krw;
  /** The name the buyer was told to type (or gave); matched after normalisation. */
  readonly depositorName: string;
  readonly payee: Payee;
  readonly createdAt: InstantMs;
  readonly expiresAt: InstantMs;
  readonly status: OrderStatus;
  /** Set when paid: the deposit that paid it. */
  readonly paidBy?: DepositId;
  readonly paidAt?: InstantMs;
}

/** Why an orphan deposit (one whose order can no longer take it) is refunded, never re-routed. */
export const OrphanReason = {
  Expired: 'expired',
  Cancelled: 'cancelled',
  AlreadyPaid: 'already_paid',
} as const;
export type OrphanReason = (typeof OrphanReason)[keyof typeof OrphanReason];

/**
 * What the matching policy concluded for one deposit.
 * Only `matched` leads to a payout; the others are review cases (and `orphan` a refund).
 */
export type MatchOutcome =
  | { readonly kind: 'matched'; readonly order: PendingOrder; readonly excessKrw: Krw }
  | { readonly kind: 'overpaid'; readonly order: PendingOrder; readonly excessKrw: Krw }
  | { readonly kind: 'underpaid'; readonly order: PendingOrder; readonly shortKrw: Krw }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly OrderId[] }
  | { readonly kind: 'unmatched' }
  | { readonly kind: 'orphan'; readonly order: PendingOrder; readonly reason: OrphanReason };
export type MatchOutcomeKind = MatchOutcome['kind'];

/** Matching knobs; per receiving bank where banks differ. */
export interface MatchPolicyConfig {
  /** Bytes of depositor name the bank prints (EUC-KR: Hangul 2 bytes, ASCII 1). Default 12. */
  readonly nameBudgetBytes: number;
  /** An overpayment is paid out with the excess owed back (`match_and_owe`), or held for review. */
  readonly overpayment: 'match_and_owe' | 'review';
}

export const DEFAULT_MATCH_POLICY: MatchPolicyConfig = { nameBudgetBytes: 12, overpayment: 'match_and_owe' };

/** What the seller is paid: flat fee, or a rate in basis points rounded down to whole won. */
export type FeePolicy =
  | { readonly kind: 'flat'; readonly feeKrw: Krw }
  | { readonly kind: 'rate'; readonly basisPoints: number };

/** The payout instruction ingest enqueues and the remit worker executes. Validated by zod at the edge. */
export interface RemittanceMessage {
  readonly v: 1;
  readonly remittanceId: RemittanceId;
  readonly orderId: OrderId;
  readonly sellerId: SellerId;
  readonly depositId: DepositId;
  readonly accountId: AccountId;
  readonly payee: Payee;
  /** What the buyer transferred. */
  readonly depositKrw: Krw;
  readonly orderAmountKrw: Krw;
  readonly feeKrw: Krw;
  /** What the seller receives: order amount - fee. */
  readonly payoutKrw: Krw;
  /** Overpayment owed back to the buyer (never paid to the seller). */
  readonly excessKrw: Krw;
  readonly matchedAt: InstantMs;
}

export const RemittanceStatus = {
  /** Claimed, bank id written ahead; a transfer call may be (or have been) in flight. */
  Sending: 'sending',
  Succeeded: 'succeeded',
  Rejected: 'rejected',
  /** The last attempt's outcome is not known; only an inquiry may resolve it. */
  Unknown: 'unknown',
  /** Held back (maintenance window) before any call for the current bank id. */
  Deferred: 'deferred',
  ManualReview: 'manual_review',
  /** Paid, then the bank reported it failed later: re-opened for a person. */
  Reversed: 'reversed',
  /** Withdrawn before any transfer (the deposit was cancelled). */
  Cancelled: 'cancelled',
} as const;
export type RemittanceStatus = (typeof RemittanceStatus)[keyof typeof RemittanceStatus];

export const TERMINAL_STATUSES: ReadonlySet<RemittanceStatus> = new Set([
  RemittanceStatus.Succeeded,
  RemittanceStatus.Rejected,
  RemittanceStatus.ManualReview,
  RemittanceStatus.Reversed,
  RemittanceStatus.Cancelled,
]);

/** The idempotency record of one remittance: the durable truth of the state machine. */
export interface RemittanceRecord {
  readonly remittanceId: RemittanceId;
  readonly payloadHash: string;
  /** The message, kept so reconcile can inquire and resend without the queue. */
  readonly payload: RemittanceMessage;
  readonly status: RemittanceStatus;
  /** Fencing token: bumped by every claim/takeover; writes carrying an older one are refused. */
  readonly fence: number;
  readonly leaseUntil: InstantMs;
  /** Written ahead of the transfer call; reused by every retry on the same business date. */
  readonly bankTranId?: BankTranId;
  readonly businessDate?: BusinessDate;
  /** Transfer calls made (each with `bankTranId` of that moment). */
  readonly attempts: number;
  /** When the payout first became `unknown` (escalation age). */
  readonly unknownSince?: InstantMs;
  readonly reason?: string;
  readonly providerCode?: string;
  readonly createdAt: InstantMs;
  readonly updatedAt: InstantMs;
}
