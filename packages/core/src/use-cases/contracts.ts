/**
 * Signatures of the use cases: each is a plain async function of (deps, input) -> outcome.
 * Deps are ports plus configuration; outcomes are discriminated unions.
 */
import type { BankTranIdFormat } from '../bank-tran-id.js';
import type { AccountId, BankTranId, DepositId, InstitutionCode, OrderId, SellerId } from '../ids.js';
import type { Krw } from '../money.js';
import type { Clock } from '../ports/clock.js';
import type { DepositSource } from '../ports/deposit-source.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { IngestCheckpointStore } from '../ports/ingest-checkpoint-store.js';
import type { OrderMatcher } from '../ports/order-matcher.js';
import type { RemittanceEvents } from '../ports/remittance-events.js';
import type { RemittanceQueue } from '../ports/remittance-queue.js';
import type { SequenceGenerator } from '../ports/sequence-generator.js';
import type { RejectReason, TransferGateway } from '../ports/transfer-gateway.js';
import type { InstantMs, MaintenanceWindow } from '../time.js';
import type {
  FeePolicy,
  MatchPolicyConfig,
  Payee,
  PendingOrder,
  RemittanceMessage,
  RemittanceStatus,
} from '../types.js';

// ---------------------------------------------------------------- openOrder / cancelOrder

export interface OrderDeps {
  readonly matcher: OrderMatcher;
  readonly clock: Clock;
  readonly policy: MatchPolicyConfig;
}

export interface OpenOrderRequest {
  readonly orderId: OrderId;
  readonly sellerId: SellerId;
  readonly accountId: AccountId;
  readonly amountKrw: Krw;
  readonly payee: Payee;
  /** How long the buyer has to pay. */
  readonly ttlMs: number;
  /**
   * The buyer's name. With `assignSuffix: true` remit makes it unique among pending orders of the
   * same account and amount by appending 3 digits ("김테스트123"), within the bank's name budget.
   */
  readonly depositorName: string;
  readonly assignSuffix?: boolean;
}

export type OpenOrderOutcome =
  /** `depositorName` is what the buyer must type. */
  | { readonly kind: 'opened'; readonly order: PendingOrder; readonly depositorName: string }
  | { readonly kind: 'duplicate'; readonly order: PendingOrder }
  /** Without a suffix the name collides, or no free suffix was found within the bound. */
  | { readonly kind: 'name_taken'; readonly conflictingOrderId: OrderId };

export interface CancelOrderRequest {
  readonly orderId: OrderId;
}

// ---------------------------------------------------------------- ingestDeposits

export interface IngestConfig {
  readonly accounts: readonly AccountId[];
  /**
   * Overlap kept behind each account's checkpoint (banks post rows late); default 15 min for a
   * 5 min schedule. A run reads [min(now, checkpoint) - windowMs, now).
   */
  readonly windowMs: number;
  /**
   * How far back a run reads at most, however old the checkpoint (bounds one run's work after a
   * long outage); default 3 days. An older checkpoint is reported as an ingest gap for a person.
   * At least 2 x `windowMs`.
   */
  readonly maxLookbackMs: number;
  readonly policy: MatchPolicyConfig;
  readonly fees: FeePolicy;
  /** Bound on pages read per account per run (protects the Lambda timeout). */
  readonly maxPagesPerAccount: number;
  readonly retainMs: number;
}

export interface IngestDeps {
  readonly source: DepositSource;
  readonly matcher: OrderMatcher;
  readonly queue: RemittanceQueue;
  readonly events: RemittanceEvents;
  readonly store: IdempotencyStore;
  /** Per account, how far the statement was read to the end (the next window starts there). */
  readonly checkpoints: IngestCheckpointStore;
  readonly clock: Clock;
  readonly config: IngestConfig;
}

export interface IngestRequest {
  /** Default: all configured accounts. */
  readonly accountIds?: readonly AccountId[];
}

export interface IngestReport {
  readonly read: number;
  readonly matched: number;
  readonly replayed: number;
  readonly ambiguous: number;
  readonly unmatched: number;
  readonly underpaid: number;
  readonly overpaid: number;
  readonly orphan: number;
  readonly cancellationsUndone: number;
  readonly cancellationsTooLate: number;
  readonly enqueued: number;
  /**
   * Set when an account hit `maxPagesPerAccount`: its checkpoint moved to the last row read (rows come
   * oldest first), and the next run goes on from there (minus the overlap).
   */
  readonly truncatedAccounts: readonly AccountId[];
  /**
   * Accounts whose checkpoint was older than `maxLookbackMs`: the run read only the last
   * `maxLookbackMs` and published a `manual_review` naming the rows it did not read.
   */
  readonly gapAccounts: readonly AccountId[];
}

// ---------------------------------------------------------------- remit

export interface RemitConfig {
  readonly institution: InstitutionCode;
  readonly format: BankTranIdFormat;
  /** Longer than one transfer call with retries (undici timeouts) and far shorter than SQS visibility. */
  readonly leaseMs: number;
  readonly maintenance: MaintenanceWindow;
  /** `unknown` older than this goes to manual review with an alarm. */
  readonly unknownEscalateAfterMs: number;
  /** Bound on redraws when a number is already reserved (failover). */
  readonly maxDraws: number;
  /** How long finished records are kept (TTL). */
  readonly retainMs: number;
  /** Backoff hint for `unknown`/`busy` (the SQS visibility timeout carries it). */
  readonly retryAfterMs: number;
}

export interface RemitDeps {
  readonly store: IdempotencyStore;
  readonly sequence: SequenceGenerator;
  readonly gateway: TransferGateway;
  readonly events: RemittanceEvents;
  readonly clock: Clock;
  readonly config: RemitConfig;
}

export interface RemitRequest {
  readonly message: RemittanceMessage;
}

/** What happened to one payout message; the handler acks or retries from `kind`. */
export type RemitOutcome =
  | { readonly kind: 'succeeded'; readonly bankTranId: BankTranId }
  | { readonly kind: 'rejected'; readonly reason: RejectReason }
  | { readonly kind: 'manual_review'; readonly reason: string }
  /** Retry later (do not ack): the outcome is not known yet. */
  | { readonly kind: 'unknown'; readonly retryAfterMs: number }
  /** Retry later (do not ack): maintenance window. */
  | { readonly kind: 'deferred'; readonly retryAfterMs: number }
  /** Retry later (do not ack): another worker holds the lease. */
  | { readonly kind: 'busy'; readonly retryAfterMs: number }
  /** Ack: already terminal (duplicate delivery). */
  | { readonly kind: 'already_finished'; readonly status: RemittanceStatus }
  /** Ack: the same remittance id came with a different payload; recorded for review. */
  | { readonly kind: 'payload_mismatch' }
  /** Ack: a newer worker took over while we ran; it will finish. */
  | { readonly kind: 'fenced' };

// ---------------------------------------------------------------- reconcile

export interface ReconcileDeps extends RemitDeps {}

export interface ReconcileRequest {
  /** Bound on records examined per run. */
  readonly limit: number;
  /** Read reversal notices since this instant (default: last 24 h). */
  readonly reversalsSinceMs?: InstantMs;
}

export interface ReconcileReport {
  readonly examined: number;
  readonly succeeded: number;
  readonly rejected: number;
  readonly resent: number;
  readonly stillUnknown: number;
  readonly escalated: number;
  readonly reversed: number;
}

export type { DepositId };
