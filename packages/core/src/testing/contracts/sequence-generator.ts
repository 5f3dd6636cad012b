/**
 * The contract every `SequenceGenerator` adapter passes (memory; Redis; the DynamoDB block counter).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRemitError } from '../../errors.js';
import { parseInstitutionCode } from '../../ids.js';
import { type SequenceGenerator, SequenceGuarantee } from '../../ports/sequence-generator.js';
import { parseBusinessDate } from '../../time.js';
import { CONTRACT_INSTITUTION } from './fixtures.js';

export interface SequenceGeneratorSubject {
  readonly generator: SequenceGenerator;
  /**
   * A second instance over the same counters (another process, another Lambda environment), for
   * adapters whose state is shared (Redis, DynamoDB). Omit it for a process-local generator.
   */
  readonly peer?: SequenceGenerator;
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
    const isExhausted = (err: unknown) => isRemitError(err) && err.code === 'SEQUENCE_EXHAUSTED';
    beforeEach(() => {
      subject = undefined;
    });
    afterEach(async () => {
      if (subject !== undefined) await options.destroy?.(subject);
    });

    it('declares whether it can hand a number out twice', async () => {
      const g = await create();
      expect(Object.values(SequenceGuarantee)).toContain(g.guarantee);
      if (subject?.peer !== undefined) expect(subject.peer.guarantee).toBe(g.guarantee);
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

    it('1,000 parallel calls across two instances sharing the counters: 1,000 distinct numbers', async () => {
      const g = await create();
      const peer = subject?.peer;
      if (peer === undefined) return; // a process-local generator has no peer to collide with
      const key = { institution: CONTRACT_INSTITUTION, businessDate: DATE };
      const values = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) => (i % 2 === 0 ? g : peer).next(key)),
      );
      const distinct = new Set(values.map((v) => v.value));
      expect(distinct.size).toBe(1_000);
      for (const v of distinct) expect(v).toBeGreaterThanOrEqual(1);
    });

    it('two instances racing past the maximum: distinct numbers within it, then SEQUENCE_EXHAUSTED', async () => {
      const max = 100;
      const g = await create(max);
      const peer = subject?.peer ?? g;
      const key = { institution: CONTRACT_INSTITUTION, businessDate: DATE };
      const settled = await Promise.allSettled(
        Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? g : peer).next(key)),
      );
      const values = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.value] : []));
      const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(new Set(values).size).toBe(values.length);
      for (const v of values) expect(v >= 1 && v <= max).toBe(true);
      // Every call got a number or a clean exhaustion; some numbers may be gaps (held by a peer).
      expect(values.length + failures.length).toBe(150);
      expect(failures.length).toBeGreaterThanOrEqual(50);
      for (const err of failures) expect(isExhausted(err)).toBe(true);
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
        expect(isExhausted(err)).toBe(true);
      }
      // Exhaustion of one day does not touch the next.
      expect((await g.next({ ...key, businessDate: NEXT_DATE })).value).toBe(1);
    });
  });
}
