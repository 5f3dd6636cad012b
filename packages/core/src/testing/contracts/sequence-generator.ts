/**
 * The contract every `SequenceGenerator` adapter passes (memory; Redis; the DynamoDB counter).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRemitError } from '../../errors.js';
import { parseInstitutionCode } from '../../ids.js';
import type { SequenceGenerator } from '../../ports/sequence-generator.js';
import { parseBusinessDate } from '../../time.js';
import { CONTRACT_INSTITUTION } from './fixtures.js';

export interface SequenceGeneratorSubject {
  readonly generator: SequenceGenerator;
}

export interface SequenceGeneratorContractOptions {
  readonly name: string;
  /**
   * Called before every test with the maximum the generator must enforce; must return an isolated
   * instance (fresh counters for every (institution, date)).
   */
  readonly create: (options: { readonly maxSequence: number }) => Promise<SequenceGeneratorSubject>;
  readonly destroy?: (subject: SequenceGeneratorSubject) => Promise<void>;
}

const DATE = parseBusinessDate('20261128');
const NEXT_DATE = parseBusinessDate('20261129');
const OTHER_INSTITUTION = parseInstitutionCode('T991234561');
const LARGE_MAX = 999_999_999;

/**
 * Registers the SequenceGenerator contract with vitest.
 *
 * @example
 * ```ts
 * describeSequenceGeneratorContract({
 *   name: 'MemorySequenceGenerator',
 *   create: async ({ maxSequence }) => ({ generator: new MemorySequenceGenerator({ maxSequence }) }),
 * });
 * ```
 */
export function describeSequenceGeneratorContract(options: SequenceGeneratorContractOptions): void {
  describe(`SequenceGenerator contract: ${options.name}`, () => {
    let subject: SequenceGeneratorSubject | undefined;
    const create = async (maxSequence = LARGE_MAX): Promise<SequenceGenerator> => {
      subject = await options.create({ maxSequence });
      return subject.generator;
    };
    beforeEach(() => {
      subject = undefined;
    });
    afterEach(async () => {
      if (subject !== undefined) await options.destroy?.(subject);
    });

    it('starts at 1 and counts up by one per call', async () => {
      const g = await create();
      const values: number[] = [];
      for (let i = 0; i < 5; i += 1)
        values.push((await g.next({ institution: CONTRACT_INSTITUTION, businessDate: DATE })).value);
      expect(values).toEqual([1, 2, 3, 4, 5]);
    });

    it('keeps one counter per (institution, business date)', async () => {
      const g = await create();
      await g.next({ institution: CONTRACT_INSTITUTION, businessDate: DATE });
      await g.next({ institution: CONTRACT_INSTITUTION, businessDate: DATE });
      expect((await g.next({ institution: CONTRACT_INSTITUTION, businessDate: NEXT_DATE })).value).toBe(1);
      expect((await g.next({ institution: OTHER_INSTITUTION, businessDate: DATE })).value).toBe(1);
      expect((await g.next({ institution: CONTRACT_INSTITUTION, businessDate: DATE })).value).toBe(3);
    });

    it('1,000 parallel calls hand out 1,000 distinct numbers', async () => {
      const g = await create();
      const values = await Promise.all(
        Array.from({ length: 1_000 }, () =>
          g.next({ institution: CONTRACT_INSTITUTION, businessDate: DATE }),
        ),
      );
      const distinct = new Set(values.map((v) => v.value));
      expect(distinct.size).toBe(1_000);
      for (const v of distinct) expect(v).toBeGreaterThanOrEqual(1);
    });

    it('past the maximum it throws SEQUENCE_EXHAUSTED, every time, and never wraps around', async () => {
      const g = await create(3);
      const key = { institution: CONTRACT_INSTITUTION, businessDate: DATE };
      expect([(await g.next(key)).value, (await g.next(key)).value, (await g.next(key)).value]).toEqual([
        1, 2, 3,
      ]);
      for (let i = 0; i < 3; i += 1) {
        const err = await g.next(key).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isRemitError(err) && err.code === 'SEQUENCE_EXHAUSTED').toBe(true);
      }
      // Exhaustion of one day does not touch the next.
      expect((await g.next({ ...key, businessDate: NEXT_DATE })).value).toBe(1);
    });
  });
}
