import type { CancelOrderResult } from '../ports/order-matcher.js';
import type { CancelOrderRequest, OrderDeps } from './contracts.js';

/**
 * What `cancelOrder` answers: the matcher's verdict (`cancelled | already_cancelled | already_paid | not_found`).
 *
 * @example
 * ```ts
 * const outcome: CancelOrderOutcome = await cancelOrder(deps, { orderId });
 * ```
 */
export type CancelOrderOutcome = CancelOrderResult;

/**
 * Cancel a pending order: it never matches again (a later deposit for it is an orphan, refunded).
 * A paid order is not cancelled here (`already_paid`): its payout is already on its way.
 *
 * @example
 * ```ts
 * const r = await cancelOrder({ matcher, clock, policy }, { orderId });
 * if (r.kind === 'already_paid') refundThroughSupport();
 * ```
 */
export async function cancelOrder(deps: OrderDeps, request: CancelOrderRequest): Promise<CancelOrderOutcome> {
  return deps.matcher.cancelOrder({ orderId: request.orderId, now: deps.clock.now() });
}
