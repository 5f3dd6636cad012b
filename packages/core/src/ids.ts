/**
 * Branded identifiers, each built by a parser that says what is wrong with bad input.
 * A remittance id is derived from its order id, so the same order always yields the same
 * remittance: it is the idempotency key (never the SQS message id, whose dedup lasts 5 minutes).
 */
import { createHash } from 'node:crypto';
import { invalidInput } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OrderId = Brand<string, 'OrderId'>;
export type SellerId = Brand<string, 'SellerId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type DepositId = Brand<string, 'DepositId'>;
export type RemittanceId = Brand<string, 'RemittanceId'>;
/** The provider's transfer id for one payout attempt (20 chars open-banking, 6 digits firm-banking). */
export type BankTranId = Brand<string, 'BankTranId'>;
/** The 10-character institution code the provider issued us (open-banking `bank_tran_id` prefix). */
export type InstitutionCode = Brand<string, 'InstitutionCode'>;

/** Ids travel through DynamoDB keys, SQS group ids and logs: a conservative alphabet, bounded length. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

function parseId<T>(kind: string, input: unknown): T {
  if (typeof input !== 'string' || !ID_PATTERN.test(input)) {
    throw invalidInput(`${kind} must be 1-64 chars of [A-Za-z0-9_.:-], got ${JSON.stringify(input)}`);
  }
  return input as T;
}

/**
 * @example
 * ```ts
 * const id = parseOrderId('ord-0001');
 * ```
 */
export const parseOrderId = (input: unknown): OrderId => parseId<OrderId>('orderId', input);
/**
 * @example
 * ```ts
 * const id = parseSellerId('seller-01');
 * ```
 */
export const parseSellerId = (input: unknown): SellerId => parseId<SellerId>('sellerId', input);
/**
 * @example
 * ```ts
 * const id = parseAccountId('acct-main');
 * ```
 */
export const parseAccountId = (input: unknown): AccountId => parseId<AccountId>('accountId', input);
/**
 * @example
 * ```ts
 * const id = parseDepositId('dep-20261128-0001');
 * ```
 */
export const parseDepositId = (input: unknown): DepositId => parseId<DepositId>('depositId', input);

const REMITTANCE_PREFIX = 'rm:';

/**
 * The remittance of an order: a pure function of the order id, so every path that pays the
 * order (first delivery, redelivery, a re-run of ingest) lands on the same idempotency key.
 *
 * @example
 * ```ts
 * remittanceIdFor(parseOrderId('ord-1')); // 'rm:ord-1'
 * ```
 */
export function remittanceIdFor(orderId: OrderId): RemittanceId {
  return `${REMITTANCE_PREFIX}${orderId}` as RemittanceId;
}

/**
 * @example
 * ```ts
 * parseRemittanceId('rm:ord-1');
 * ```
 */
export function parseRemittanceId(input: unknown): RemittanceId {
  if (typeof input !== 'string' || !input.startsWith(REMITTANCE_PREFIX)) {
    throw invalidInput(`remittanceId must look like "rm:<orderId>", got ${JSON.stringify(input)}`);
  }
  parseOrderId(input.slice(REMITTANCE_PREFIX.length));
  return input as RemittanceId;
}

/**
 * The order a remittance pays.
 *
 * @example
 * ```ts
 * orderIdOf(remittanceIdFor(parseOrderId('ord-1'))); // 'ord-1'
 * ```
 */
export function orderIdOf(remittanceId: RemittanceId): OrderId {
  return remittanceId.slice(REMITTANCE_PREFIX.length) as OrderId;
}

/**
 * @example
 * ```ts
 * parseInstitutionCode('T991234560');
 * ```
 */
export function parseInstitutionCode(input: unknown): InstitutionCode {
  if (typeof input !== 'string' || !/^[A-Z0-9]{10}$/.test(input)) {
    throw invalidInput(`institution code must be 10 chars of [A-Z0-9], got ${JSON.stringify(input)}`);
  }
  return input as InstitutionCode;
}

/**
 * Accepts both formats remit sends: open-banking (`<10-char institution>U<9 chars>`) and
 * firm-banking (6 digits).
 *
 * @example
 * ```ts
 * parseBankTranId('T991234560U000000001');
 * parseBankTranId('000042');
 * ```
 */
export function parseBankTranId(input: unknown): BankTranId {
  if (typeof input !== 'string' || !/^([A-Z0-9]{10}U[A-Z0-9]{9}|\d{6})$/.test(input)) {
    throw invalidInput(
      `bank_tran_id must be 20 chars (<institution>U<9>) or 6 digits, got ${JSON.stringify(input)}`,
    );
  }
  return input as BankTranId;
}

/**
 * A stable hex digest (SHA-256, truncated to 128 bits) of the given parts, joined unambiguously.
 * Used for deposit fingerprints and idempotency payload hashes.
 *
 * @example
 * ```ts
 * fingerprint(['20261128', '101500', '15000']); // 32 hex chars
 * ```
 */
export function fingerprint(parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const s = String(p);
    h.update(`${s.length}:${s};`);
  }
  return h.digest('hex').slice(0, 32);
}
