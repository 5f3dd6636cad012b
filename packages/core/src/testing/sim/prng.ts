/**
 * The simulator's only source of randomness: a seeded PRNG (sfc32, seeded through splitmix32).
 * Every decision of a run (workload, interleaving, faults) is drawn from streams forked off one
 * seed, so a seed replays the run exactly on any machine.
 *
 * Streams are forked by label, not drawn from one shared sequence: the workload of seed 42 stays the
 * same whether or not the scheduler draws more numbers (a broken variant, a new fault class), which
 * keeps a failing seed meaningful across code changes.
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label: turns a stream name into 32 bits of seed material. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic random stream.
 *
 * @example
 * ```ts
 * const rng = createPrng(42);
 * rng.int(1, 6);               // a die roll, the same every run of seed 42
 * rng.fork('workload').pick(['a', 'b']);
 * ```
 */
export interface Prng {
  /** The seed material this stream was built from (for traces). */
  readonly seed: number;
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element chosen by weight (weights >= 0, at least one > 0). */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream derived from this stream's seed and a label. */
  fork(label: string): Prng;
}

/**
 * Build a stream from a seed (any integer; only its low 32 bits count).
 *
 * @example
 * ```ts
 * const a = createPrng(7).float();
 * const b = createPrng(7).float(); // a === b
 * ```
 */
export function createPrng(seed: number): Prng {
  const seed32 = seed >>> 0;
  const init = splitmix32(seed32);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    // sfc32: small, fast, passes PractRand for the stream lengths a simulation uses.
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const float = (): number => u32() / 4_294_967_296;
  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new Error(`assertion failed: int(${min}, ${max}) needs integers with min <= max`);
    }
    return min + Math.floor(float() * (max - min + 1));
  };
  const prng: Prng = {
    seed: seed32,
    u32,
    float,
    int,
    chance: (p) => p > 0 && float() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('assertion failed: pick from an empty array');
      return items[int(0, items.length - 1)]!;
    },
    weighted: (items) => {
      let total = 0;
      for (const [, w] of items) total += w;
      if (!(total > 0)) throw new Error('assertion failed: weighted needs a positive total weight');
      let x = float() * total;
      for (const [item, w] of items) {
        if (x < w) return item;
        x -= w;
      }
      return items[items.length - 1]![0];
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    fork: (label) =>
      createPrng((seed32 ^ hashLabel(label) ^ Math.imul(hashLabel(`${label}#`), 0x27d4eb2d)) >>> 0),
  };
  return prng;
}
