/**
 * `openOrder` / `cancelOrder` (called by the main server): register a pending order, optionally
 * with an assigned depositor name ("김테스트042") unique among pending orders of the same account
 * and amount, within the bank's name budget; cancel one.
 */

import { nameKey } from '../domain/names.js';
import { assignedNameCandidates, DEFAULT_SUFFIX_ATTEMPTS } from '../domain/order-names.js';
import { assertNever, invalidInput } from '../errors.js';
import type { OrderId } from '../ids.js';
import type { OpenOrderResult } from '../ports/order-matcher.js';
import { OrderStatus, type Payee, type PendingOrder } from '../types.js';
import type { OpenOrderOutcome, OpenOrderRequest, OrderDeps } from './contracts.js';

/**
 * Longest time a buyer may be given to pay: 30 days (a pending order holds a name meanwhile).
 *
 * @example
 * ```ts
 * const ttlMs = Math.min(requestedTtlMs, MAX_ORDER_TTL_MS);
 * ```
 */
export const MAX_ORDER_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Open a pending order. With `assignSuffix`, tries up to {@link DEFAULT_SUFFIX_ATTEMPTS} names
 * (a deterministic sequence per order id, so a retried call proposes the same ones) until one is
 * free. Re-sending the same order id answers `duplicate`.
 *
 * @example
 * ```ts
 * const r = await openOrder({ matcher, clock, policy }, {
 *   orderId, sellerId, accountId, amountKrw: parseKrw(15_000), payee, ttlMs: 3_600_000,
 *   depositorName: '김테스트', assignSuffix: true,
 * });
 * if (r.kind === 'opened') tellBuyer(r.depositorName); // '김테스트042'
 * ```
 */
export async function openOrder(deps: OrderDeps, request: OpenOrderRequest): Promise<OpenOrderOutcome> {
  checkRequest(request, deps.policy.nameBudgetBytes);
  const now = deps.clock.now();
  const order: PendingOrder = {
    orderId: request.orderId,
    sellerId: request.sellerId,
    accountId: request.accountId,
    amountKrw: request.amountKrw,
    depositorName: request.depositorName,
    payee: request.payee,
    createdAt: now,
    expiresAt: now + request.ttlMs,
    status: OrderStatus.Pending,
  };
  const names =
    request.assignSuffix === true
      ? assignedNameCandidates({
          base: request.depositorName,
          orderId: request.orderId,
          budgetBytes: deps.policy.nameBudgetBytes,
          attempts: DEFAULT_SUFFIX_ATTEMPTS,
        })
      : [request.depositorName];
  let conflictingOrderId: OrderId | undefined;
  for (const depositorName of names) {
    const r: OpenOrderResult = await deps.matcher.openOrder({
      order: { ...order, depositorName },
      policy: deps.policy,
    });
    switch (r.kind) {
      case 'opened':
        return { kind: 'opened', order: r.order, depositorName: r.order.depositorName };
      case 'duplicate':
        return { kind: 'duplicate', order: r.order };
      case 'name_taken':
        conflictingOrderId = r.orderId;
        break;
      /* v8 ignore next 2 -- @preserve: unreachable, the compiler checks the switch is exhaustive */
      default:
        return assertNever(r);
    }
  }
  return { kind: 'name_taken', conflictingOrderId: conflictingOrderId as OrderId };
}

function checkRequest(request: OpenOrderRequest, budgetBytes: number): void {
  if (!Number.isSafeInteger(request.ttlMs) || request.ttlMs < 1 || request.ttlMs > MAX_ORDER_TTL_MS) {
    throw invalidInput(`ttlMs must be 1..${MAX_ORDER_TTL_MS}, got ${request.ttlMs}`);
  }
  if (request.amountKrw <= 0) throw invalidInput(`an order must be for more than 0 won`);
  if (nameKey(request.depositorName, budgetBytes) === '') {
    throw invalidInput(`depositor name ${JSON.stringify(request.depositorName)} is empty once normalised`);
  }
  checkPayee(request.payee);
}

/** The same rules the payout message schema applies, checked early so a bad payee never reaches the queue. */
function checkPayee(payee: Payee): void {
  if (!/^\d{3}$/.test(payee.bankCode)) throw invalidInput('payee.bankCode must be 3 digits');
  if (!/^[0-9-]{6,20}$/.test(payee.accountNumber))
    throw invalidInput('payee.accountNumber must be 6-20 digits or dashes');
  if (payee.holderName.length < 1 || payee.holderName.length > 50)
    throw invalidInput('payee.holderName must be 1-50 chars');
}
