import type { AccountId, DepositId, OrderId } from '../ids.js';
import type { InstantMs } from '../time.js';
import type { Deposit, MatchOutcome, MatchPolicyConfig, PendingOrder } from '../types.js';

export interface OpenOrderInput {
  /** status must be `pending`. */
  readonly order: PendingOrder;
  readonly policy: MatchPolicyConfig;
}

export type OpenOrderResult =
  | { readonly kind: 'opened'; readonly order: PendingOrder }
  /** Same order id already exists (re-sent by the main server): nothing changed. */
  | { readonly kind: 'duplicate'; readonly order: PendingOrder }
  /** Another pending order of the same account and amount has the same normalised, budgeted name. */
  | { readonly kind: 'name_taken'; readonly orderId: OrderId };

export interface CancelOrderInput {
  readonly orderId: OrderId;
  readonly now: InstantMs;
}

export type CancelOrderResult =
  | { readonly kind: 'cancelled'; readonly order: PendingOrder }
  | { readonly kind: 'already_cancelled'; readonly order: PendingOrder }
  | { readonly kind: 'already_paid'; readonly order: PendingOrder }
  | { readonly kind: 'not_found' };

export interface MatchDepositInput {
  /** kind must be `deposit`. */
  readonly deposit: Deposit;
  readonly policy: MatchPolicyConfig;
  readonly now: InstantMs;
}

export interface MatchDepositResult {
  readonly outcome: MatchOutcome;
  /** True when this deposit had been matched before: the recorded outcome is returned, nothing changed. */
  readonly replayed: boolean;
}

export interface UndoMatchInput {
  /** The receiving account: deposit ids are unique per account only. */
  readonly accountId: AccountId;
  /** The deposit whose match is undone (the one a cancellation row cancels). */
  readonly depositId: DepositId;
  readonly now: InstantMs;
}

export type UndoMatchResult =
  /** The order is pending again and the deposit's match record says `cancelled`. */
  | { readonly kind: 'undone'; readonly order: PendingOrder }
  /** The deposit had no matched order (never seen, or it was not a match). */
  | { readonly kind: 'not_matched' };

export interface GetMatchInput {
  /** The receiving account: deposit ids are unique per account only. */
  readonly accountId: AccountId;
  readonly depositId: DepositId;
}

/**
 * What `matchDeposit` recorded for a deposit. Ingest needs it to handle a cancellation row: the
 * payout of the cancelled deposit (its remittance id and payload) must be tombstoned in the
 * idempotency store BEFORE the match is undone, and only this record knows which order it paid.
 */
export interface DepositMatch {
  /** The deposit as it was matched. */
  readonly deposit: Deposit;
  /** The first outcome; for `matched`, the order as it was paid. */
  readonly outcome: MatchOutcome;
  readonly decidedAt: InstantMs;
  /** A cancellation undid this match (the order is pending again). */
  readonly undone: boolean;
}

export interface GetOrderInput {
  readonly orderId: OrderId;
}

/**
 * Holds pending orders and pays each with at most one deposit.
 *
 * `matchDeposit` evaluates the pure matching policy (core `domain/matching`) over the candidates
 * and, for a match, moves the order pending -> paid atomically (two deposits never pay one order).
 * It is idempotent per deposit: the first outcome is recorded and replayed (after `undoMatch`, the
 * replay is no longer `matched`: an undone deposit never pays again).
 *
 * @example
 * ```ts
 * const { outcome } = await matcher.matchDeposit({ deposit, policy: DEFAULT_MATCH_POLICY, now });
 * if (outcome.kind === 'matched') enqueue(outcome.order);
 * ```
 */
export interface OrderMatcher {
  openOrder(input: OpenOrderInput): Promise<OpenOrderResult>;
  cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult>;
  matchDeposit(input: MatchDepositInput): Promise<MatchDepositResult>;
  undoMatch(input: UndoMatchInput): Promise<UndoMatchResult>;
  getOrder(input: GetOrderInput): Promise<PendingOrder | undefined>;
  /** The recorded match of a deposit, if `matchDeposit` has seen it. */
  getMatch(input: GetMatchInput): Promise<DepositMatch | undefined>;
}
