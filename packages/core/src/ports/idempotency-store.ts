import type { BankTranId, RemittanceId } from '../ids.js';
import type { BusinessDate, InstantMs } from '../time.js';
import type { RemittanceMessage, RemittanceRecord, RemittanceStatus } from '../types.js';

/**
 * Claim a remittance, carrying the write-ahead: the bank id drawn for a fresh claim is stored in
 * the same conditional write (and, when `reserveBankTranId`, reserved per (businessDate,
 * bankTranId) in the same atomic step), so the happy path is two durable writes: claim, complete.
 */
export interface ClaimInput {
  readonly remittanceId: RemittanceId;
  readonly payloadHash: string;
  readonly payload: RemittanceMessage;
  readonly now: InstantMs;
  readonly leaseMs: number;
  /** Used only if the record is new; an existing record keeps (and returns) its own. */
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  /**
   * Also reserve `(businessDate, bankTranId)` atomically with the record, so a number handed out
   * twice is refused (`tran_id_taken`). Required: pass `sequence.guarantee === 'may_repeat'`
   * (docs/decisions/0005). When false nothing is reserved, no other remittance's id is checked
   * and `tran_id_taken` cannot happen: uniqueness is the generator's own guarantee.
   */
  readonly reserveBankTranId: boolean;
}

export type ClaimResult =
  /** New record, status `sending`, our bank id written ahead; fence = 1. */
  | { readonly kind: 'acquired'; readonly record: RemittanceRecord }
  /** Existing non-terminal record whose lease had expired (or was released): taken over, fence bumped. */
  | { readonly kind: 'resumed'; readonly record: RemittanceRecord }
  /** Another worker holds a live lease. */
  | { readonly kind: 'busy'; readonly leaseUntil: InstantMs }
  /** Terminal record: nothing to do. */
  | { readonly kind: 'finished'; readonly record: RemittanceRecord }
  /** Same key, different payload: a bug or tampering; never executed. */
  | { readonly kind: 'payload_mismatch'; readonly record: RemittanceRecord }
  /** Only with `reserveBankTranId`: the (businessDate, bankTranId) is reserved by another remittance: draw again. */
  | { readonly kind: 'tran_id_taken' };

/** Non-terminal state changes by the lease holder. */
export interface CheckpointInput {
  readonly remittanceId: RemittanceId;
  readonly fence: number;
  readonly now: InstantMs;
  readonly status:
    | typeof RemittanceStatus.Sending
    | typeof RemittanceStatus.Unknown
    | typeof RemittanceStatus.Deferred;
  /** A new bank id (resend after a definite "not found" on a new business date), written ahead. */
  readonly bankTranId?: BankTranId;
  readonly businessDate?: BusinessDate;
  /**
   * As {@link ClaimInput.reserveBankTranId}: reserve a new `bankTranId` atomically with the
   * update. Required on every checkpoint so no caller that writes an id forgets to decide;
   * without a new id nothing is reserved either way.
   */
  readonly reserveBankTranId: boolean;
  /** Count one more transfer call (set right before calling the gateway on a resend). */
  readonly addAttempt?: boolean;
  /** End the lease now so the next delivery (or reconcile) can resume at once. Default false. */
  readonly releaseLease?: boolean;
  /** Extend the lease to now + leaseMs. */
  readonly leaseMs?: number;
  readonly reason?: string;
  readonly providerCode?: string;
}

export type CheckpointResult =
  | { readonly kind: 'ok'; readonly record: RemittanceRecord }
  /** A newer claim took over (our fence is stale): stop, do nothing more. */
  | { readonly kind: 'fenced' }
  /** Only for a new bank id with `reserveBankTranId`: reserved by another remittance. */
  | { readonly kind: 'tran_id_taken' };

export interface CompleteInput {
  readonly remittanceId: RemittanceId;
  readonly fence: number;
  readonly now: InstantMs;
  readonly status:
    | typeof RemittanceStatus.Succeeded
    | typeof RemittanceStatus.Rejected
    | typeof RemittanceStatus.ManualReview;
  readonly reason?: string;
  readonly providerCode?: string;
  /** Records are kept this long after completion (TTL). */
  readonly retainMs: number;
}

export type CompleteResult =
  | { readonly kind: 'ok'; readonly record: RemittanceRecord }
  | { readonly kind: 'fenced' };

export interface CancelRemittanceInput {
  readonly remittanceId: RemittanceId;
  readonly payloadHash: string;
  readonly payload: RemittanceMessage;
  readonly now: InstantMs;
  readonly reason: string;
  readonly retainMs: number;
}

export type CancelRemittanceResult =
  /** No payout had started: a terminal `cancelled` record now blocks any future claim. */
  | { readonly kind: 'cancelled'; readonly record: RemittanceRecord }
  /** A payout exists already (any status): too late to undo automatically. */
  | { readonly kind: 'exists'; readonly record: RemittanceRecord };

/**
 * A bank's later failure notice, which names the payout by (businessDate, bankTranId) only. The
 * store finds it whether or not the id was reserved (DynamoDB: the reservation item, else the
 * `by-tran-key` index of the records).
 */
export interface MarkReversedInput {
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly now: InstantMs;
  readonly reason: string;
}

export type MarkReversedResult =
  | { readonly kind: 'reversed'; readonly record: RemittanceRecord }
  /** Already reversed: idempotent. */
  | { readonly kind: 'already_reversed'; readonly record: RemittanceRecord }
  /** No succeeded payout carries that bank id on that date. */
  | { readonly kind: 'not_found' };

export interface GetRecordInput {
  readonly remittanceId: RemittanceId;
}

export interface ListOpenInput {
  /** Non-terminal records last updated before this instant (stale claims, old unknowns). */
  readonly updatedBefore: InstantMs;
  /** Page size; adapters cap it (DynamoDB: 100). */
  readonly limit: number;
  readonly cursor?: string;
}

export interface RecordPage {
  readonly records: readonly RemittanceRecord[];
  readonly nextCursor?: string;
}

/**
 * The durable state of every remittance: claim with lease and fencing token, write-ahead bank id,
 * payload hash, TTL after completion. Stronger than a generic idempotency layer: the record is
 * the state machine, not a response cache.
 *
 *   claim(fence=1, lease 30s) --- transfer ---> complete(fence=1)     happy path: 2 writes
 *   claim(fence=1) ... crash ... lease expires ... claim -> resumed(fence=2) -> inquire first
 *   old worker: complete(fence=1) -> fenced (refused)
 *
 * @example
 * ```ts
 * const c = await store.claim({ remittanceId, payloadHash, payload, now, leaseMs: 30_000, bankTranId, businessDate, reserveBankTranId: sequence.guarantee === 'may_repeat' });
 * if (c.kind === 'acquired') { ...transfer...; await store.complete({ remittanceId, fence: c.record.fence, now, status: 'succeeded', retainMs }); }
 * ```
 */
export interface IdempotencyStore {
  claim(input: ClaimInput): Promise<ClaimResult>;
  checkpoint(input: CheckpointInput): Promise<CheckpointResult>;
  complete(input: CompleteInput): Promise<CompleteResult>;
  /** Ingest's deposit-cancellation path: create a terminal `cancelled` record iff none exists. */
  cancel(input: CancelRemittanceInput): Promise<CancelRemittanceResult>;
  markReversed(input: MarkReversedInput): Promise<MarkReversedResult>;
  get(input: GetRecordInput): Promise<RemittanceRecord | undefined>;
  listOpen(input: ListOpenInput): Promise<RecordPage>;
}
