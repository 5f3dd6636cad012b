import { describe, expect, it } from 'vitest';
import { CI_SEEDS_PER_FILE, describeFailure, runSeeds } from './seeds.js';

// Seeds 601..1200 of the CI range (four files so vitest runs them in parallel).
describe('simulation, seeds block 2', () => {
  it('keeps the promise on every seed: paid exactly once or parked with a reason, nothing lost', async () => {
    const run = await runSeeds(1 + (2 - 1) * CI_SEEDS_PER_FILE, CI_SEEDS_PER_FILE);
    console.log(run.summary);
    expect(run.failures.map(describeFailure)).toEqual([]);
  }, 120_000);
});
