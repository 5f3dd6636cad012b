import { describe, expect, it } from 'vitest';
import { CI_SEEDS_PER_FILE, describeFailure, runSeeds } from './seeds.js';

// Seeds 1801..2400 of the CI range (four files so vitest runs them in parallel).
describe('simulation, seeds block 4', () => {
  it('keeps the promise on every seed: paid exactly once or parked with a reason, nothing lost', async () => {
    const run = await runSeeds(1 + (4 - 1) * CI_SEEDS_PER_FILE, CI_SEEDS_PER_FILE);
    console.log(run.summary);
    expect(run.failures.map(describeFailure)).toEqual([]);
  }, 120_000);
});
