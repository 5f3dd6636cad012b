import { BROKEN_VARIANTS, type BrokenVariant, runSimulation } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { memorySimSystem } from './memory-system.js';
import { CI_SEED_FILES, CI_SEEDS_PER_FILE } from './seeds.js';

/**
 * The self-check: each deliberately broken policy must be caught by the auditor within the seeds
 * CI runs, on a seed where the correct system passes (so the finding is the variant's doing).
 */
const CI_SEEDS = CI_SEED_FILES * CI_SEEDS_PER_FILE;
/** Far fewer than CI runs: a variant that needs more seeds than this is caught too rarely to trust. */
const MUST_CATCH_WITHIN = 200;

async function firstCatch(
  variant: BrokenVariant,
): Promise<{ seed: number; rule: string; message: string } | undefined> {
  for (let seed = 1; seed <= Math.min(MUST_CATCH_WITHIN, CI_SEEDS); seed++) {
    const broken = await runSimulation({ seed, system: memorySimSystem, variant });
    if (broken.ok) continue;
    const correct = await runSimulation({ seed, system: memorySimSystem });
    if (!correct.ok) continue;
    const v = broken.violations[0]!;
    return { seed, rule: v.rule, message: v.message };
  }
  return undefined;
}

describe('the simulator catches broken policies', () => {
  it.each(BROKEN_VARIANTS)(
    'catches %s',
    async (variant) => {
      const caught = await firstCatch(variant);
      console.log(
        caught === undefined
          ? `${variant}: NOT caught within ${MUST_CATCH_WITHIN} seeds`
          : `${variant}: caught at seed ${caught.seed} by ${caught.rule}: ${caught.message}`,
      );
      expect(caught, `${variant} must be caught within ${MUST_CATCH_WITHIN} seeds`).toBeDefined();
    },
    60_000,
  );

  it('is deterministic: a seed replays exactly (trace, outcome, statistics)', async () => {
    for (const seed of [7, 1994]) {
      const a = await runSimulation({ seed, system: memorySimSystem, trace: true });
      const b = await runSimulation({ seed, system: memorySimSystem, trace: true });
      expect(b.trace).toEqual(a.trace);
      expect(b.stats).toEqual(a.stats);
      expect(b.violations).toEqual(a.violations);
      expect(a.trace.length).toBeGreaterThan(20);
    }
  });
});
