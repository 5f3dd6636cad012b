import type { DepositId, OrderId, RemittanceId } from '../ids.js';
import type { InstantMs } from '../time.js';

export const RemittanceEventType = {
  PayoutSucceeded: 'payout_succeeded',
  PayoutRejected: 'payout_rejected',
  PayoutUnknown: 'payout_unknown',
  PayoutDeferred: 'payout_deferred',
  PayoutReversed: 'payout_reversed',
  /** A person must decide (old unknown, payload mismatch, reversal, undo too late...). */
  ManualReview: 'manual_review',
  /** A deposit that produced no payout: ambiguous, unmatched, underpaid, overpaid-for-review. */
  MatchReview: 'match_review',
  /** Money owed back to a buyer: overpayment excess, orphan deposit. */
  RefundOwed: 'refund_owed',
  /** A message that failed validation, recorded with its raw body before it was acknowledged. */
  InvalidMessage: 'invalid_message',
  /** A deposit cancellation undid an unpaid match. */
  MatchUndone: 'match_undone',
} as const;
export type RemittanceEventType = (typeof RemittanceEventType)[keyof typeof RemittanceEventType];

export interface RemittanceEvent {
  readonly type: RemittanceEventType;
  readonly at: InstantMs;
  readonly remittanceId?: RemittanceId;
  readonly orderId?: OrderId;
  readonly depositId?: DepositId;
  readonly reason?: string;
  /** Extra facts for the reviewer: amounts, codes, the raw body of an invalid message. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface PublishInput {
  readonly events: readonly RemittanceEvent[];
}

/**
 * Outcomes and review cases, for people and downstream systems.
 *
 * @example
 * ```ts
 * await events.publish({ events: [{ type: 'match_review', at: now, depositId, reason: 'ambiguous' }] });
 * ```
 */
export interface RemittanceEvents {
  publish(input: PublishInput): Promise<void>;
}
