/**
 * How a payout message travels through the FIFO queue. Both queue adapters (memory, SQS) use
 * these, so ordering and de-duplication mean the same thing everywhere.
 */
import { fingerprint } from '../ids.js';
import type { RemittanceMessage } from '../types.js';

/**
 * The FIFO message group of a payout: one group per payee account, so one seller's payouts run
 * in order while different sellers' run in parallel. The account number never appears in the id
 * (group ids show up in consoles and logs): it is a digest.
 *
 * @example
 * ```ts
 * remittanceGroupId(message); // 'payee-3f2a…' (32 hex chars after the prefix)
 * ```
 */
export function remittanceGroupId(message: Pick<RemittanceMessage, 'payee'>): string {
  return `payee-${fingerprint([message.payee.bankCode, message.payee.accountNumber])}`;
}

/**
 * The queue's de-duplication id: the remittance id (the business key). SQS keeps it only five
 * minutes, so this is an optimisation; exactly-once comes from the idempotency store.
 *
 * @example
 * ```ts
 * remittanceDedupId(message); // 'rm:ord-1'
 * ```
 */
export function remittanceDedupId(message: Pick<RemittanceMessage, 'remittanceId'>): string {
  return message.remittanceId;
}
