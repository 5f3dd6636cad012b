import type { BankTranId, RemittanceId } from '../ids.js';
import type { Krw } from '../money.js';
import type { BusinessDate, InstantMs } from '../time.js';
import type { Payee } from '../types.js';

export interface TransferRequest {
  readonly remittanceId: RemittanceId;
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  readonly payee: Payee;
  /** What the payee's statement shows (bounded by the bank's budget). */
  readonly memo: string;
}

/** Definite refusals: final, never retried. */
export const RejectReason = {
  InvalidAccount: 'invalid_account',
  NameMismatch: 'name_mismatch',
  InsufficientBalance: 'insufficient_balance',
  LimitExceeded: 'limit_exceeded',
  Other: 'other',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** Why an outcome is not known: every one of these may have moved money. */
export const UnknownReason = {
  Timeout: 'timeout',
  ConnectionReset: 'connection_reset',
  ServerError: 'server_error',
  Processing: 'processing',
  Malformed: 'malformed',
} as const;
export type UnknownReason = (typeof UnknownReason)[keyof typeof UnknownReason];

interface ProviderEvidence {
  /** e.g. `A0000/000`; absent when nothing was received. */
  readonly providerCode?: string;
  /** The raw response body, kept for audit. */
  readonly raw?: string;
}

export type TransferResult =
  | ({ readonly kind: 'succeeded' } & ProviderEvidence)
  | ({ readonly kind: 'rejected'; readonly reason: RejectReason } & ProviderEvidence)
  | ({ readonly kind: 'unknown'; readonly reason: UnknownReason } & ProviderEvidence)
  /** The provider already has this bank id today: inquire the original first. */
  | ({ readonly kind: 'duplicate_id' } & ProviderEvidence)
  /** Refused because the bank is in its maintenance window: definitely not executed. */
  | ({ readonly kind: 'maintenance' } & ProviderEvidence);

export interface InquireRequest {
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
}

export type InquiryResult =
  | ({ readonly kind: 'succeeded' } & ProviderEvidence)
  | ({ readonly kind: 'rejected'; readonly reason: RejectReason } & ProviderEvidence)
  /** Definitely no such transfer: the only answer that allows a resend. */
  | ({ readonly kind: 'not_found' } & ProviderEvidence)
  | ({ readonly kind: 'unknown'; readonly reason: UnknownReason } & ProviderEvidence);

export interface ListReversalsInput {
  readonly sinceMs: InstantMs;
  readonly cursor?: string;
}

export interface ReversalNotice {
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  readonly reason: string;
  readonly noticedAt: InstantMs;
}

export interface ReversalPage {
  readonly notices: readonly ReversalNotice[];
  readonly nextCursor?: string;
}

/**
 * The transfer provider. It only accepts calls from an allow-listed source address; a refusal of
 * the caller itself is thrown as `PROVIDER_ACCESS_DENIED` (it names the address the provider saw).
 *
 * @example
 * ```ts
 * const r = await gateway.transfer({ remittanceId, bankTranId, businessDate, amountKrw, payee, memo });
 * if (r.kind === 'unknown') await gateway.inquire({ bankTranId, businessDate, amountKrw });
 * ```
 */
export interface TransferGateway {
  transfer(input: TransferRequest): Promise<TransferResult>;
  inquire(input: InquireRequest): Promise<InquiryResult>;
  listReversals(input: ListReversalsInput): Promise<ReversalPage>;
}
