/**
 * Seed ranges for the test suite: run them, and say exactly how to replay what failed.
 */
import { type BrokenVariant, runSimulation, type SimResult } from '@remit/core/testing';
import { memorySimSystem } from './memory-system.js';
import { summarize } from './summary.js';

/** Seeds the unit tier runs: 4 files of 600 (vitest runs files in parallel). */
export const CI_SEED_FILES = 4;
export const CI_SEEDS_PER_FILE = 600;

export interface SeedRun {
  readonly results: readonly SimResult[];
  readonly failures: readonly SimResult[];
  readonly summary: string;
}

/**
 * Run `count` seeds from `from` against the memory adapters.
 *
 * @example
 * ```ts
 * const run = await runSeeds(1, 600);
 * expect(run.failures.map(describeFailure)).toEqual([]);
 * ```
 */
export async function runSeeds(from: number, count: number, variant?: BrokenVariant): Promise<SeedRun> {
  const started = performance.now();
  const results: SimResult[] = [];
  for (let seed = from; seed < from + count; seed++) {
    results.push(
      await runSimulation({ seed, system: memorySimSystem, ...(variant === undefined ? {} : { variant }) }),
    );
  }
  return {
    results,
    failures: results.filter((r) => !r.ok),
    summary: summarize(results, (performance.now() - started) / 1000),
  };
}

/** One line per failure: the seed, what broke, and the command that replays it with its trace. */
export function describeFailure(r: SimResult): string {
  const v = r.violations[0];
  const replay = `pnpm sim --seed ${r.seed}${r.variant === undefined ? '' : ` --variant ${r.variant}`}`;
  return `seed ${r.seed}: ${v?.rule ?? '?'}: ${v?.message ?? ''}  (replay: ${replay})`;
}
