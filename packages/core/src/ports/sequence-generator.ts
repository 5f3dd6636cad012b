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
 * Per (institution, business date) counter. May hand a number out twice after a failover (Redis
 * replication is asynchronous): the idempotency store's reservation of (date, bank id) catches
 * that and the caller draws again. Past the maximum it throws `SEQUENCE_EXHAUSTED`, never wraps.
 *
 * @example
 * ```ts
 * const { value } = await sequence.next({ institution, businessDate });
 * ```
 */
export interface SequenceGenerator {
  next(input: NextSequenceInput): Promise<NextSequenceResult>;
}
