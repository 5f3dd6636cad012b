import { describe, expect, it } from 'vitest';
import { createPrng } from './prng.js';

describe('createPrng', () => {
  it('replays the same stream for the same seed, and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, createPrng(seed).u32);
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('forks independent streams by label, unaffected by draws on the parent', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    b.u32();
    b.u32();
    expect(a.fork('workload').u32()).toBe(b.fork('workload').u32());
    expect(a.fork('workload').u32()).not.toBe(a.fork('faults').u32());
  });

  it('keeps ranges, weights and probabilities', () => {
    const rng = createPrng(1);
    const ints = Array.from({ length: 2_000 }, () => rng.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(Array.from({ length: 1_000 }, () => rng.chance(0)).some(Boolean)).toBe(false);
    const picks = Array.from({ length: 1_000 }, () =>
      rng.weighted([
        ['never', 0],
        ['always', 1],
      ] as const),
    );
    expect(new Set(picks)).toEqual(new Set(['always']));
    const share = Array.from({ length: 10_000 }, () => rng.chance(0.25)).filter(Boolean).length / 10_000;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    expect(rng.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});
