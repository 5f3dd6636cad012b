import {
  ErrorCode,
  invalidInput,
  type NextSequenceInput,
  type NextSequenceResult,
  RemitError,
  type SequenceGenerator,
  SequenceGuarantee,
} from '@remit/core';
import { Faults } from './faults.js';

export interface MemorySequenceGeneratorOptions {
  /** Largest number handed out per (institution, date). Default 999,999,999 (open-banking). */
  readonly maxSequence?: number;
  /**
   * How many of the latest numbers `failover()` forgets, like a Redis replica promoted before
   * the last writes reached it. Default 3.
   */
  readonly failoverLoss?: number;
}

/**
 * Per (institution, business date) counters. `regress`/`failover` re-issue numbers already handed
 * out, which the idempotency store's reservations must catch: hence `may_repeat`.
 *
 *   next: 1 2 3 4 5 │ failover() │ next: 3 4 5 6 …   (3, 4, 5 handed out twice)
 *
 * @example
 * ```ts
 * const seq = new MemorySequenceGenerator({ maxSequence: firmBankingFormat.maxSequence });
 * await seq.next({ institution, businessDate }); // { value: 1 }
 * seq.failover();
 * ```
 */
export class MemorySequenceGenerator implements SequenceGenerator {
  readonly faults = new Faults<'next'>();
  /** It can regress (`regress`, `failover`), like Redis: callers reserve what it hands out. */
  readonly guarantee = SequenceGuarantee.MayRepeat;
  readonly maxSequence: number;
  readonly #failoverLoss: number;
  readonly #counters = new Map<string, number>();

  constructor(options: MemorySequenceGeneratorOptions = {}) {
    this.maxSequence = options.maxSequence ?? 999_999_999;
    this.#failoverLoss = options.failoverLoss ?? 3;
    if (!Number.isSafeInteger(this.maxSequence) || this.maxSequence < 1) {
      throw invalidInput(`maxSequence must be >= 1, got ${this.maxSequence}`);
    }
  }

  next(input: NextSequenceInput): Promise<NextSequenceResult> {
    return this.faults.run('next', () => {
      const key = keyOf(input);
      const value = (this.#counters.get(key) ?? 0) + 1;
      if (value > this.maxSequence) {
        // Stay exhausted: never wrap around to a number already used today.
        throw new RemitError(
          ErrorCode.SequenceExhausted,
          `sequence for ${key} is past its maximum ${this.maxSequence}`,
          { details: { institution: input.institution, businessDate: input.businessDate } },
        );
      }
      this.#counters.set(key, value);
      return { value };
    });
  }

  /** The last number handed out for a key (0 if none). */
  peek(input: NextSequenceInput): number {
    return this.#counters.get(keyOf(input)) ?? 0;
  }

  /** Forget the last `n` numbers of one key, or of every key: they will be handed out again. */
  regress(n: number, input?: NextSequenceInput): void {
    if (!Number.isSafeInteger(n) || n < 0) throw invalidInput(`regress needs n >= 0, got ${n}`);
    const keys = input === undefined ? [...this.#counters.keys()] : [keyOf(input)];
    for (const key of keys) this.#counters.set(key, Math.max(0, (this.#counters.get(key) ?? 0) - n));
  }

  /** A Redis failover: every counter loses its latest `failoverLoss` numbers. */
  failover(): void {
    this.regress(this.#failoverLoss);
  }
}

function keyOf(input: NextSequenceInput): string {
  return `${input.institution}#${input.businessDate}`;
}
