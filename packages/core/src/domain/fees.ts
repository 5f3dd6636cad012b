/**
 * What the seller is paid, and the payout instruction ingest enqueues.
 *
 * The fee never exceeds the order amount: a flat fee larger than a small order is capped at the
 * order amount, so the payout is 0 rather than negative or an error. A 0 payout is a legitimate
 * outcome of the configured policy (the platform keeps the whole amount), not a fault to retry;
 * the remit worker completes it without a transfer call, since banks refuse 0-won transfers.
 * Rates round down to whole won (in the seller's favour): KRW has no minor unit.
 */
import { ErrorCode, invalidInput, RemitError } from '../errors.js';
import { remittanceIdFor } from '../ids.js';
import { addKrw, type Krw, mulDivFloorKrw, subtractKrw } from '../money.js';
import type { InstantMs } from '../time.js';
import type { Deposit, FeePolicy, PendingOrder, RemittanceMessage } from '../types.js';

/**
 * 10,000 basis points = 100%.
 *
 * @example
 * ```ts
 * const fees: FeePolicy = { kind: 'rate', basisPoints: BASIS_POINTS_PER_UNIT / 40 }; // 2.5%
 * ```
 */
export const BASIS_POINTS_PER_UNIT = 10_000;

/**
 * Throws `INVALID_CONFIG` unless the fee policy is usable: a flat fee that is a whole non-negative
 * number of won, or a rate of 0..10,000 whole basis points.
 *
 * @example
 * ```ts
 * checkFeePolicy({ kind: 'rate', basisPoints: 250 }); // ok (2.5%)
 * checkFeePolicy({ kind: 'rate', basisPoints: 2.5 }); // throws INVALID_CONFIG
 * ```
 */
export function checkFeePolicy(fees: FeePolicy): void {
  if (fees.kind === 'flat') {
    if (!Number.isSafeInteger(fees.feeKrw) || fees.feeKrw < 0) {
      throw new RemitError(ErrorCode.InvalidConfig, `flat fee must be whole won >= 0, got ${fees.feeKrw}`);
    }
    return;
  }
  if (fees.kind === 'rate') {
    const bp = fees.basisPoints;
    if (!Number.isSafeInteger(bp) || bp < 0 || bp > BASIS_POINTS_PER_UNIT) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `fee rate must be whole basis points in 0..${BASIS_POINTS_PER_UNIT}, got ${bp}`,
      );
    }
    return;
  }
  throw new RemitError(ErrorCode.InvalidConfig, `unknown fee policy ${JSON.stringify(fees)}`);
}

/**
 * Fee and payout of one order; `feeKrw + payoutKrw === orderAmountKrw` always.
 *
 * @example
 * ```ts
 * const { feeKrw, payoutKrw }: Payout = computePayout(order.amountKrw, fees);
 * ```
 */
export interface Payout {
  readonly feeKrw: Krw;
  readonly payoutKrw: Krw;
}

/**
 * Split an order amount into the fee and the seller's payout. Flat: the fee, capped at the
 * amount. Rate: `amount * basisPoints / 10,000` rounded down to whole won.
 *
 * @example
 * ```ts
 * computePayout(parseKrw(10_001), { kind: 'rate', basisPoints: 250 }); // { feeKrw: 250, payoutKrw: 9751 }
 * computePayout(parseKrw(300), { kind: 'flat', feeKrw: parseKrw(500) }); // { feeKrw: 300, payoutKrw: 0 }
 * ```
 */
export function computePayout(orderAmountKrw: Krw, fees: FeePolicy): Payout {
  checkFeePolicy(fees);
  const fee =
    fees.kind === 'flat'
      ? orderAmountKrw < fees.feeKrw
        ? orderAmountKrw
        : fees.feeKrw
      : mulDivFloorKrw(orderAmountKrw, fees.basisPoints, BASIS_POINTS_PER_UNIT);
  return { feeKrw: fee, payoutKrw: subtractKrw(orderAmountKrw, fee) };
}

/**
 * Input of {@link buildRemittanceMessage}.
 *
 * @example
 * ```ts
 * const input: BuildRemittanceMessageInput = { order, deposit, excessKrw: ZERO_KRW, fees, matchedAt: clock.now() };
 * ```
 */
export interface BuildRemittanceMessageInput {
  /** The matched order (as it was when matched). */
  readonly order: PendingOrder;
  readonly deposit: Deposit;
  /** What the buyer paid over the order amount (owed back, never paid out); 0 for an exact match. */
  readonly excessKrw: Krw;
  readonly fees: FeePolicy;
  readonly matchedAt: InstantMs;
}

/**
 * The payout instruction of a matched deposit. Its `remittanceId` is derived from the order, so
 * every path that pays the order produces the same idempotency key. Throws `INVALID_INPUT` when the
 * parts do not add up (deposit of another account, deposit != order amount + excess), which would
 * otherwise surface as a message the worker rejects.
 *
 * @example
 * ```ts
 * if (outcome.kind === 'matched') {
 *   const message = buildRemittanceMessage({
 *     order: outcome.order, deposit, excessKrw: outcome.excessKrw, fees, matchedAt: clock.now(),
 *   });
 *   await queue.enqueue({ message });
 * }
 * ```
 */
export function buildRemittanceMessage(input: BuildRemittanceMessageInput): RemittanceMessage {
  const { order, deposit, excessKrw, fees, matchedAt } = input;
  if (deposit.accountId !== order.accountId) {
    throw invalidInput(
      `deposit ${deposit.depositId} (account ${deposit.accountId}) cannot pay order ${order.orderId} of account ${order.accountId}`,
    );
  }
  if (addKrw(order.amountKrw, excessKrw) !== deposit.amountKrw) {
    throw invalidInput(
      `deposit ${deposit.depositId} of ${deposit.amountKrw} won is not order ${order.orderId} (${order.amountKrw}) + excess ${excessKrw}`,
    );
  }
  const { feeKrw, payoutKrw } = computePayout(order.amountKrw, fees);
  return {
    v: 1,
    remittanceId: remittanceIdFor(order.orderId),
    orderId: order.orderId,
    sellerId: order.sellerId,
    depositId: deposit.depositId,
    accountId: order.accountId,
    payee: order.payee,
    depositKrw: deposit.amountKrw,
    orderAmountKrw: order.amountKrw,
    feeKrw,
    payoutKrw,
    excessKrw,
    matchedAt,
  };
}
