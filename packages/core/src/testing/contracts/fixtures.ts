/**
 * Shared fixtures of the port contract suites: fake data only, valid by core's own parsers.
 */

import { openBankingFormat } from '../../bank-tran-id.js';
import { isRemitError } from '../../errors.js';
import type { BankTranId, InstitutionCode, OrderId } from '../../ids.js';
import {
  parseAccountId,
  parseDepositId,
  parseInstitutionCode,
  parseOrderId,
  parseSellerId,
  remittanceIdFor,
} from '../../ids.js';
import { type Krw, parseKrw } from '../../money.js';
import type { Clock } from '../../ports/clock.js';
import type { Payee, RemittanceMessage } from '../../types.js';

/**
 * The clock a contract suite drives. `advance` may sleep for real when an adapter cannot be told
 * the time (a real server's visibility timeout): the suite only ever waits through it.
 *
 * @example
 * ```ts
 * const clock: ContractClock = new SimulatedClock(); // from @remit/adapters-memory
 * ```
 */
export interface ContractClock extends Clock {
  advance(ms: number): unknown;
}

/** The institution code the suites use in bank transaction ids. */
export const CONTRACT_INSTITUTION: InstitutionCode = parseInstitutionCode('T991234560');

/**
 * An open-banking bank id for a sequence number.
 *
 * @example
 * ```ts
 * contractBankTranId(7); // 'T991234560U000000007'
 * ```
 */
export function contractBankTranId(sequence: number, institution = CONTRACT_INSTITUTION): BankTranId {
  return openBankingFormat.format({ institution, sequence });
}

let counter = 0;

/**
 * A process-unique tag for ids in one test (isolation is the factory's job; unique ids make a
 * shared server's leftovers harmless as well).
 *
 * @example
 * ```ts
 * const orderId = parseOrderId(`ord-${uniqueTag()}`);
 * ```
 */
export function uniqueTag(): string {
  counter += 1;
  return `t${counter}`;
}

export const CONTRACT_PAYEE: Payee = {
  bankCode: '004',
  accountNumber: '110-000-000001',
  holderName: '김판매',
};

/**
 * A valid payout message for an order (15,000 won, fee 300).
 *
 * @example
 * ```ts
 * const m = contractMessage('ord-1', { payee: { ...CONTRACT_PAYEE, accountNumber: '110-000-000002' } });
 * ```
 */
export function contractMessage(
  orderId: string,
  overrides: Partial<RemittanceMessage> = {},
): RemittanceMessage {
  const id: OrderId = parseOrderId(orderId);
  const amount: Krw = parseKrw(15_000);
  return {
    v: 1,
    remittanceId: remittanceIdFor(id),
    orderId: id,
    sellerId: parseSellerId('seller-01'),
    depositId: parseDepositId(`dep-${orderId}`),
    accountId: parseAccountId('acct-main'),
    payee: CONTRACT_PAYEE,
    depositKrw: amount,
    orderAmountKrw: amount,
    feeKrw: parseKrw(300),
    payoutKrw: parseKrw(14_700),
    excessKrw: parseKrw(0),
    matchedAt: 1_764_291_600_000,
    ...overrides,
  };
}

/**
 * Under contention a real store may answer a retryable error (DynamoDB's TransactionConflict):
 * that is a legitimate answer, and the caller retries. Bounded: 5 tries.
 */
export async function retryingRetryable<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= 5 || !isRemitError(err) || !err.retryable) throw err;
    }
  }
}
