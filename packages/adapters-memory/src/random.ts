import { invalidInput } from '@remit/core';

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on every machine, so a
 * failing randomised run replays exactly. Not for secrets.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(42);
 * rng.int(10); // 0..9, the same every run with seed 42
 * ```
 */
export class SeededRandom {
  #state: number;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw invalidInput(`seed must be an integer, got ${seed}`);
    this.seed = seed;
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1)
      throw invalidInput(`maxExclusive must be a positive integer, got ${maxExclusive}`);
    return Math.floor(this.next() * maxExclusive);
  }

  /** True with probability `p` (0..1). */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
