import type { InstitutionCode } from '../ids.js';
import type { BusinessDate } from '../time.js';

export interface NextSequenceInput {
  readonly institution: InstitutionCode;
  readonly businessDate: BusinessDate;
}

export interface NextSequenceResult {
  /** 1-based, at most the generator's configured maximum. */
  readonly value: number;
}

/**
 * Whether a generator can hand the same number out twice for one (institution, business date).
 *
 * - `unique`: every number is handed out by a strongly consistent, durable, conditional write
 *   (the DynamoDB counter: an atomic update on the table's leader, acknowledged only once
 *   durable). A number never comes back, whatever crashes or restarts; unused ones are gaps.
 * - `may_repeat`: a number may come back. Redis (asynchronous replication: a failover promotes a
 *   replica that missed the last increments) and the memory generator (`regress`/`failover`).
 *
 * The `remit` use case reserves `(businessDate, bankTranId)` in the idempotency store iff the
 * generator `may_repeat` (docs/decisions/0004, 0005): the reservation is the durable guard a
 * repeating source needs, and a write a unique one does not.
 *
 * @example
 * ```ts
 * const reserveBankTranId = sequence.guarantee === SequenceGuarantee.MayRepeat;
 * ```
 */
export const SequenceGuarantee = { Unique: 'unique', MayRepeat: 'may_repeat' } as const;
export type SequenceGuarantee = (typeof SequenceGuarantee)[keyof typeof SequenceGuarantee];

/**
 * Per (institution, business date) counter, bounded: past the maximum it throws
 * `SEQUENCE_EXHAUSTED`, never wraps. Numbers need not be contiguous (the provider requires
 * uniqueness per day, not contiguity); whether they can repeat is {@link SequenceGenerator.guarantee}.
 *
 * @example
 * ```ts
 * const { value } = await sequence.next({ institution, businessDate });
 * if (sequence.guarantee === 'may_repeat') { ...the claim reserves (businessDate, id)... }
 * ```
 */
export interface SequenceGenerator {
  /**
   * `unique` only when every number is handed out by a strongly consistent durable conditional
   * write (DynamoDB); a generator that can regress (Redis failover, the memory generator) is
   * `may_repeat`, and callers then reserve each number durably before using it.
   * See {@link SequenceGuarantee}.
   */
  readonly guarantee: SequenceGuarantee;
  next(input: NextSequenceInput): Promise<NextSequenceResult>;
}
